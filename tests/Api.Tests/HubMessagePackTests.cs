using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Parking.Api.Hubs;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// Every message the hub sends (each method of <see cref="IParkingClient"/>), sent by the server's own hub context through
/// its lifetime manager's group send (as <see cref="HubObserver"/> sends), reaches a real SignalR client speaking
/// MessagePack as it reaches one speaking JSON, field by field. The message is built with every field set, nested ones
/// and optional ones too (a domain flow leaves many of them empty), so a field that one protocol cannot carry shows.
/// </summary>
/// <remarks>
/// The two clients join a group of this test's own on the shared host, so no other test's connections get these
/// messages and no other test's messages are awaited here.
/// </remarks>
[Collection(SharedHostCollection.Name)]
public sealed class HubMessagePackTests(SharedHostFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>How a message is compared: its System.Text.Json rendering, every public property included.</summary>
    private static readonly JsonSerializerOptions Rendering = new() { WriteIndented = true };

    private readonly ParkingHost _host = fixture.Host;

    /// <summary>Every message kind the hub sends: the method names of <see cref="IParkingClient"/>.</summary>
    public static TheoryData<string> MessageKinds() => [.. typeof(IParkingClient).GetMethods().Select(m => m.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_message_kind_takes_one_argument()
    {
        // The theory below sends one argument per message; a kind with more would need its own case.
        Assert.All(typeof(IParkingClient).GetMethods(), m => Assert.Single(m.GetParameters()));
    }

    [Theory]
    [MemberData(nameof(MessageKinds))]
    public async Task A_message_reaches_a_MessagePack_client_as_it_reaches_a_JSON_client(string kind)
    {
        var method = typeof(IParkingClient).GetMethod(kind)!;
        var parameter = method.GetParameters().Single().ParameterType;
        var sent = Sample.Of(parameter);

        var token = await _host.TokenFor("staff01");
        var json = await ListenAsync(HubClient.Build(_host.Factory.BaseAddress, token), kind, parameter);
        var messagePack = await ListenAsync(HubClient.Build(_host.Factory.BaseAddress, token, messagePack: true), kind, parameter);
        try
        {
            var hub = _host.Factory.Services.GetRequiredService<IHubContext<ParkingHubServer, IParkingClient>>();
            var group = $"test:{kind}:{Guid.NewGuid():N}";
            await hub.Groups.AddToGroupAsync(json.Connection.ConnectionId!, group);
            await hub.Groups.AddToGroupAsync(messagePack.Connection.ConnectionId!, group);
            await (Task)method.Invoke(hub.Clients.Group(group), [sent])!;

            var overJson = await json.Received.Task.WaitAsync(Timeout);
            var overMessagePack = await messagePack.Received.Task.WaitAsync(Timeout);

            var expected = Render(sent, parameter);
            Assert.Equal(expected, Render(overJson, parameter));
            Assert.Equal(expected, Render(overMessagePack, parameter));
        }
        finally
        {
            await json.Connection.DisposeAsync();
            await messagePack.Connection.DisposeAsync();
        }
    }

    private static string Render(object? message, Type type) => JsonSerializer.Serialize(message, type, Rendering);

    private static async Task<Listener> ListenAsync(HubConnection connection, string kind, Type parameter)
    {
        var listener = new Listener(connection);
        connection.On(kind, [parameter], (arguments, _) =>
        {
            listener.Received.TrySetResult(arguments[0]);
            return Task.CompletedTask;
        }, state: listener);
        try
        {
            // Set up on the server too: a group join before the server has registered the connection is dropped.
            await HubClient.StartAsync(connection);
            return listener;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Listener(HubConnection connection)
    {
        public HubConnection Connection { get; } = connection;

        public TaskCompletionSource<object?> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// A value of a contract type with every field set: each record built through its widest constructor, its remaining
    /// settable properties set too; lists of two, dictionaries of one, enums at their last value, distinct numbers and text.
    /// </summary>
    private sealed class Sample
    {
        private const int MaxDepth = 8;

        private int _next;

        public static object? Of(Type type) => new Sample().Make(type, 0);

        private int Next() => ++_next;

        private object? Make(Type type, int depth)
        {
            if (depth > MaxDepth)
            {
                return type.IsValueType ? Activator.CreateInstance(type) : null;
            }

            if (Nullable.GetUnderlyingType(type) is { } inner)
            {
                return Make(inner, depth);
            }

            if (Simple(type) is { } simple)
            {
                return simple;
            }

            if (type.IsEnum)
            {
                var values = Enum.GetValues(type);
                return values.GetValue(values.Length - 1);
            }

            if (type.IsArray)
            {
                return List(type.GetElementType()!, depth);
            }

            if (type.IsGenericType && Dictionary(type) is { } dictionary)
            {
                return dictionary;
            }

            if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
            {
                return List(type.GetGenericArguments()[0], depth);
            }

            return Record(type, depth);
        }

        private object? Simple(Type type)
        {
            var n = Next();
            var instant = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(8)).AddMinutes(n);
            return type switch
            {
                _ when type == typeof(string) => string.Create(CultureInfo.InvariantCulture, $"text-{n}-停车"),
                _ when type == typeof(int) => n,
                _ when type == typeof(long) => 10_000_000_000L + n,
                _ when type == typeof(short) => (short)n,
                _ when type == typeof(double) => n + 0.25,
                _ when type == typeof(float) => n + 0.5f,
                _ when type == typeof(decimal) => n + 0.75m,
                _ when type == typeof(bool) => true,
                _ when type == typeof(Guid) => new Guid(n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                _ when type == typeof(DateTimeOffset) => instant,
                _ when type == typeof(DateTime) => instant.DateTime,
                _ when type == typeof(DateOnly) => DateOnly.FromDateTime(instant.Date),
                _ when type == typeof(TimeOnly) => TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(n)),
                _ when type == typeof(TimeSpan) => TimeSpan.FromMinutes(n),
                _ => null,
            };
        }

        private Array List(Type element, int depth)
        {
            var list = Array.CreateInstance(element, 2);
            for (var i = 0; i < list.Length; i++)
            {
                list.SetValue(Make(element, depth + 1), i);
            }

            return list;
        }

        private IDictionary? Dictionary(Type type)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition != typeof(IReadOnlyDictionary<,>) && definition != typeof(IDictionary<,>) && definition != typeof(Dictionary<,>))
            {
                return null;
            }

            var arguments = type.GetGenericArguments();
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
            dictionary[Make(arguments[0], MaxDepth)!] = Make(arguments[1], 1);
            return dictionary;
        }

        private object Record(Type type, int depth)
        {
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
                ?? throw new InvalidOperationException($"{type.Name} has no public constructor to build a sample with.");
            var parameters = constructor.GetParameters();
            var value = constructor.Invoke([.. parameters.Select(p => Make(p.ParameterType, depth + 1))]);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is { IsPublic: true } && !parameters.Any(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    property.SetValue(value, Make(property.PropertyType, depth + 1));
                }
            }

            return value;
        }
    }
}
