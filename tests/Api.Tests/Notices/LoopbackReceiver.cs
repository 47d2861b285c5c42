using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parking.Api.Tests.Notices;

/// <summary>One HTTP request as the receiver saw it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A small HTTP server on a free loopback port standing where a browser's push service or an integrator's
/// webhook receiver would: it records every request and answers with the status <see cref="Answer"/> picks
/// (by the request's number, 1 for the first).
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedRequest> _received = [];
    private readonly Lock _gate = new();

    private LoopbackReceiver(WebApplication app)
    {
        _app = app;
        _app.Run(Receive);
    }

    public Func<int, int> Answer { get; set; } = _ => StatusCodes.Status201Created;

    public Uri BaseAddress { get; private set; } = new("http://invalid.localhost/");

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var receiver = new LoopbackReceiver(builder.Build());
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public IReadOnlyList<ReceivedRequest> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Waits (up to 20 s) until the requests seen match <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitFor(Func<IReadOnlyList<ReceivedRequest>, bool> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!done(Received))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Receiver: {what}; got {Received.Count} requests.");
            }

            await Task.Delay(50);
        }

        return Received;
    }

    private async Task Receive(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        int number;
        lock (_gate)
        {
            _received.Add(new ReceivedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            number = _received.Count;
        }

        context.Response.StatusCode = Answer(number);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
