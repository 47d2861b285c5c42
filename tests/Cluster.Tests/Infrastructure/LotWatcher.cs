using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Contracts;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>
/// A SignalR client (the real .NET client, WebSockets) on one silo, watching lots and recording every
/// lot change it gets (LotChanges batches, taken apart), with a count per space.
/// </summary>
public sealed class LotWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<LotChangeDto> _received = new();
    private readonly ConcurrentDictionary<string, int> _perSpace = new(StringComparer.Ordinal);

    private LotWatcher(string name, HubConnection connection)
    {
        Name = name;
        _connection = connection;
        connection.On<LotChangeDto[]>(nameof(IParkingClient.LotChanges), changes =>
        {
            foreach (var change in changes)
            {
                _received.Enqueue(change);
                _perSpace.AddOrUpdate(change.Space.SpaceId, 1, (_, n) => n + 1);
            }
        });
    }

    public string Name { get; }

    public HubConnectionState State => _connection.State;

    public IReadOnlyDictionary<string, int> PushesPerSpace => _perSpace;

    public int Count => _received.Count;

    public static async Task<LotWatcher> ConnectAsync(string name, Uri silo, string token, params string[] lots)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(silo, ParkingHub.Path), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var watcher = new LotWatcher(name, connection);
        try
        {
            await connection.StartAsync();
            foreach (var lot in lots)
            {
                await connection.InvokeAsync<LotOccupancyDto>(ParkingHub.WatchLot, ParkingApi.Compound, lot);
            }

            return watcher;
        }
        catch
        {
            await watcher.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether a push showed <paramref name="spaceId"/> holding exactly <paramref name="start"/>–<paramref name="end"/>.</summary>
    public bool SawHeld(string spaceId, DateTimeOffset start, DateTimeOffset end) =>
        _received.Any(c => c.Space.SpaceId == spaceId && c.Space.Held.Any(w => w.Start == start && w.End == end));

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
