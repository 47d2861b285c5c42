using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Domain.Ocpp;
using Parking.Grains.Ocpp;

namespace Parking.Api.Ocpp;

/// <summary>
/// This host's charge point sockets, and its ear in the cluster: the grain of a charge point connected here
/// holds this host's observer reference and sends commands through it, from whichever silo they came.
/// At a clean stop every socket is closed as the stop begins (<see cref="StoppingAsync"/>, before any service stops),
/// so chargers reconnect to another host at once. Closing them any later would be too late: the web server stops
/// first and waits for every open request, and a charge point's socket is a request that never ends by itself.
/// </summary>
public sealed partial class OcppHost(
    IGrainFactory grains,
    IOptions<OcppPolicy> policy,
    ILogger<OcppHost> logger) : IOcppHostObserver, IHostedLifecycleService
{
    private readonly ConcurrentDictionary<string, OcppConnection> _connections = new(StringComparer.Ordinal);
    private readonly object _referenceLock = new();
    private IOcppHostObserver? _reference;
    private volatile bool _stopping;

    /// <summary>How many charge points are connected to this host now.</summary>
    public int Count => _connections.Count;

    /// <summary>True once this host has begun to stop: it takes no new charge point then.</summary>
    public bool Stopping => _stopping;

    public async Task RunAsync(WebSocket socket, string chargePointId, CancellationToken cancellationToken)
    {
        var grain = grains.ChargePoint(chargePointId);
        using var connection = new OcppConnection(socket, chargePointId, grain, policy.Value.CommandTimeout, logger);
        if (_connections.TryGetValue(chargePointId, out var previous))
        {
            await previous.CloseAsync(WebSocketCloseStatus.PolicyViolation, "The charge point connected again.");
        }

        _connections[chargePointId] = connection;
        LogConnected(chargePointId);
        try
        {
            await grain.Connected(connection.Id, Reference);
            await connection.RunAsync(cancellationToken);
        }
        finally
        {
            _connections.TryRemove(new KeyValuePair<string, OcppConnection>(chargePointId, connection));
            try
            {
                await grain.Disconnected(connection.Id);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogDisconnectFailed(exception, chargePointId);
            }

            LogDisconnected(chargePointId);
        }
    }

    public Task Call(string chargePointId, string commandId, string action, string payloadJson)
    {
        if (_connections.TryGetValue(chargePointId, out var connection))
        {
            return connection.CallAsync(commandId, action, payloadJson);
        }

        return grains.ChargePoint(chargePointId).CallEnded(commandId, new OcppCallResult(null, null, null, NotConnected: true));
    }

    public Task Drop(string chargePointId, string connectionId) =>
        _connections.TryGetValue(chargePointId, out var connection) && connection.Id == connectionId
            ? connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "The charge point connected elsewhere.")
            : Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return Task.WhenAll(_connections.Values.Select(c => c.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "The central system host is stopping.")));
    }

    /// <summary>The sockets were closed in <see cref="StoppingAsync"/>, which the host always calls first.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_referenceLock)
        {
            if (_reference is not null)
            {
                grains.DeleteObjectReference<IOcppHostObserver>(_reference);
                _reference = null;
            }
        }

        return Task.CompletedTask;
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IOcppHostObserver Reference
    {
        get
        {
            lock (_referenceLock)
            {
                return _reference ??= grains.CreateObjectReference<IOcppHostObserver>(this);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Charge point {ChargePointId} connected")]
    private partial void LogConnected(string chargePointId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Charge point {ChargePointId} disconnected")]
    private partial void LogDisconnected(string chargePointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge point {ChargePointId}: could not record the disconnect")]
    private partial void LogDisconnectFailed(Exception exception, string chargePointId);
}
