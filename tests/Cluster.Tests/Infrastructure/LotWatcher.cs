using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Contracts;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>
/// A SignalR client (the real .NET client, WebSockets) on one silo, watching lots and recording every
/// lot change it gets (LotChanges batches, taken apart), with a count per space (a lot's restart announcement names none). Like the web app, it follows each
/// lot's epoch and sequence: a change of another epoch (the lot was rebuilt on another silo) or one that skips a
/// sequence number means its picture may miss something, and it reloads the lot's occupancy before it next answers.
/// </summary>
public sealed class LotWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<LotChangeDto> _received = new();
    private readonly ConcurrentDictionary<string, int> _perSpace = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (Guid Epoch, long Sequence)> _position = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _stale = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SpaceOccupancyDto> _reloaded = new();

    private LotWatcher(string name, HubConnection connection)
    {
        Name = name;
        _connection = connection;
        connection.On<LotChangeDto[]>(nameof(IParkingClient.LotChanges), changes =>
        {
            foreach (var change in changes)
            {
                _received.Enqueue(change);
                if (change.Space is { } space)
                {
                    _perSpace.AddOrUpdate(space.SpaceId, 1, (_, n) => n + 1);
                }

                Follow(change);
            }
        });
    }

    public string Name { get; }

    public HubConnectionState State => _connection.State;

    public IReadOnlyDictionary<string, int> PushesPerSpace => _perSpace;

    public int Count => _received.Count;

    /// <summary>Every change of <paramref name="lotId"/> received so far (restart announcements too), in the order they came.</summary>
    public IReadOnlyList<LotChangeDto> Changes(string lotId) => [.. _received.Where(c => c.LotId == lotId)];

    /// <summary>The epoch and sequence this client's picture of <paramref name="lotId"/> is at.</summary>
    public (Guid Epoch, long Sequence) Position(string lotId) => _position[lotId];

    /// <summary>How many times a lot's occupancy was reloaded because its pushes showed another epoch or a gap.</summary>
    public int Reloads { get; private set; }

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
                var occupancy = await connection.InvokeAsync<LotOccupancyDto>(ParkingHub.WatchLot, ParkingApi.Compound, lot);
                watcher._position[lot] = (occupancy.Epoch, occupancy.Sequence);
            }

            return watcher;
        }
        catch
        {
            await watcher.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Whether this client's picture shows <paramref name="spaceId"/> holding exactly <paramref name="start"/>–<paramref name="end"/>:
    /// a push showed it, or a reload its pushes called for did. Reloads the lots whose pushes showed a gap first.
    /// </summary>
    public async Task<bool> SawHeldAsync(string spaceId, DateTimeOffset start, DateTimeOffset end)
    {
        await CatchUpAsync();
        return _received.Any(c => c.Space is { } space && space.SpaceId == spaceId && Holds(space, start, end))
            || _reloaded.Any(s => s.SpaceId == spaceId && Holds(s, start, end));
    }

    private static bool Holds(SpaceOccupancyDto space, DateTimeOffset start, DateTimeOffset end) =>
        space.Held.Any(w => w.Start == start && w.End == end);

    /// <summary>Notes a change against the lot's epoch and sequence, as the web app's lot view does.</summary>
    private void Follow(LotChangeDto change)
    {
        if (!_position.TryGetValue(change.LotId, out var known) || _stale.ContainsKey(change.LotId))
        {
            return;
        }

        if (change.Epoch != known.Epoch || change.Sequence > known.Sequence + 1)
        {
            _stale[change.LotId] = true;
        }
        else if (change.Sequence > known.Sequence)
        {
            _position[change.LotId] = (known.Epoch, change.Sequence);
        }
    }

    /// <summary>Reloads each lot marked stale (outside the push handler: a hub call from inside it would wait on itself).</summary>
    private async Task CatchUpAsync()
    {
        foreach (var lot in _stale.Keys.ToList())
        {
            _stale.TryRemove(lot, out _);
            var occupancy = await _connection.InvokeAsync<LotOccupancyDto>(ParkingHub.WatchLot, ParkingApi.Compound, lot);
            _position[lot] = (occupancy.Epoch, occupancy.Sequence);
            foreach (var space in occupancy.Spaces)
            {
                _reloaded.Enqueue(space);
            }

            Reloads++;
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
