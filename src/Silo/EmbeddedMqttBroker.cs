using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Parking.Api.Devices;
using Parking.Grains.Devices;

namespace Parking.Silo;

public static class EmbeddedMqttBrokerHosting
{
    /// <summary>
    /// The embedded default's MQTT broker, when no external one is configured (<c>Parking:Mqtt:Server</c>). The
    /// settings are those <see cref="DeviceHosting.AddShelterControllers"/> read and bound.
    /// </summary>
    public static WebApplicationBuilder AddEmbeddedMqttBroker(this WebApplicationBuilder builder, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Server))
        {
            builder.Services.AddHostedService<EmbeddedMqttBroker>();
        }

        return builder;
    }
}

/// <summary>
/// An MQTTnet broker on loopback for the embedded default, so shelter controllers (the simulated ones, or a
/// real one on this machine) speak to Parking exactly as they would through EMQX or Mosquitto. It
/// authenticates every client: Parking's own client with a password made up per process, and each
/// controller with the credentials staff issued for its shelter; a controller may publish only under its own
/// shelter's topics (never its commands) and subscribe only to its own commands.
/// </summary>
public sealed partial class EmbeddedMqttBroker(
    IGrainFactory grains,
    MqttBrokerEndpoint endpoint,
    IOptions<MqttOptions> options,
    ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable
{
    private const string ParkingUser = "parking";
    private const string AllowedPrefix = "allowed-prefix";

    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The configured port first; when another process (or another host in the tests) holds it, a free one.
        var wanted = options.Value.EmbeddedPort;
        for (var attempt = 0; ; attempt++)
        {
            var port = attempt == 0 && wanted > 0 ? wanted : FreePort();
            var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
                .WithDefaultEndpointPort(port)
                .Build());
            server.ValidatingConnectionAsync += Validate;
            server.InterceptingPublishAsync += InterceptPublish;
            server.InterceptingSubscriptionAsync += InterceptSubscription;
            try
            {
                await server.StartAsync();
            }
            catch (SocketException) when (attempt < 5)
            {
                server.Dispose();
                LogPortTaken(port);
                continue;
            }

            _server = server;
            endpoint.Set(new MqttBrokerAddress("127.0.0.1", port, false, ParkingUser, _password));
            LogListening(port);
            return;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            try
            {
                await server.StopAsync();
            }
            catch (InvalidOperationException exception)
            {
                // MQTTnet's TCP adapter can enumerate its listeners while one of them is closing ("Collection was
                // modified"). The listeners are closed either way; the host's shutdown must not fail for it.
                LogStopRace(exception);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            _server?.Dispose();
        }
        catch (InvalidOperationException exception)
        {
            LogStopRace(exception);
        }

        return ValueTask.CompletedTask;
    }

    private async Task Validate(ValidatingConnectionEventArgs e)
    {
        if (e.UserName == ParkingUser)
        {
            e.ReasonCode = CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(e.Password ?? string.Empty),
                System.Text.Encoding.UTF8.GetBytes(_password))
                ? MqttConnectReasonCode.Success
                : MqttConnectReasonCode.BadUserNameOrPassword;
            return;
        }

        // A controller's user name is its topic prefix without the root: {compound}/shelters/{shelter}.
        var parts = (e.UserName ?? string.Empty).Split('/');
        if (parts is [var compoundId, "shelters", var shelterId] && compoundId.Length > 0 && shelterId.Length > 0
            && await grains.DeviceCredential(compoundId, DeviceKind.ShelterController, shelterId).Verify(e.Password ?? string.Empty))
        {
            e.SessionItems[AllowedPrefix] = $"{Parking.Contracts.ShelterTopics.Prefix(compoundId, shelterId)}/";
            e.ReasonCode = MqttConnectReasonCode.Success;
            return;
        }

        LogRefused(e.UserName ?? "(none)", e.ClientId);
        e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
    }

    private Task InterceptPublish(InterceptingPublishEventArgs e)
    {
        if (e.SessionItems[AllowedPrefix] is string prefix)
        {
            var topic = e.ApplicationMessage.Topic;
            if (!topic.StartsWith(prefix, StringComparison.Ordinal) || topic.EndsWith("/commands", StringComparison.Ordinal))
            {
                LogPublishRefused(e.ClientId, topic);
                e.ProcessPublish = false;
            }
        }

        return Task.CompletedTask;
    }

    private Task InterceptSubscription(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[AllowedPrefix] is string prefix && e.TopicFilter.Topic != prefix + "commands")
        {
            LogSubscribeRefused(e.ClientId, e.TopicFilter.Topic);
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker for shelter controllers listening on 127.0.0.1:{Port}")]
    private partial void LogListening(int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The embedded MQTT broker's listeners raced while closing; they are closed")]
    private partial void LogStopRace(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT port {Port} is taken; the embedded broker tries a free one")]
    private partial void LogPortTaken(int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused for user {User} (client {ClientId}): unknown user or wrong password")]
    private partial void LogRefused(string user, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT client {ClientId} may not publish to {Topic}; dropped")]
    private partial void LogPublishRefused(string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT client {ClientId} may not subscribe to {Topic}; refused")]
    private partial void LogSubscribeRefused(string clientId, string topic);
}
