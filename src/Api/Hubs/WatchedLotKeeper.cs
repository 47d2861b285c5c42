using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Grains.Notifications;

namespace Parking.Api.Hubs;

/// <summary>
/// Keeps every lot that this host's connections watch alive in the cluster: every <see cref="HubPushOptions.WatchRefresh"/>
/// it asks each such lot where its numbering stands (<see cref="ILotGrain.Watched"/>).
/// </summary>
/// <remarks>
/// <para>
/// A lot's index lives only in its activation. When the silo holding it dies, Orleans brings the grain back on the next
/// call, on a living silo, and the new activation announces its new epoch to the watchers (<see cref="LotRestartedPush"/>).
/// But an idle lot is called by nobody: its watchers would hear nothing (not even of a booking whose report died with the
/// silo) until something touched the lot again. Orleans' own advice for observers is the same as here: the subscriber
/// re-asserts its interest periodically, because nothing held by an activation survives it. So the side that watches
/// calls. A reminder on the lot would not do: it fires at most once a minute, keeps every lot alive whether watched or
/// not, and writes to storage; a grain timer dies with the activation it should revive.
/// </para>
/// <para>
/// The answer's epoch is kept per lot: when it changes between two rounds (the lot was rebuilt) this host also tells its
/// own watchers of that lot, in case the lot's announcement did not reach it. A watcher that already reloaded for the new
/// epoch takes the repeat as a duplicate (its sequence is not ahead of the picture). A lot's call still waiting (its silo
/// died and the cluster has not yet noticed) is not asked again until it ends; the round does not wait for it.
/// </para>
/// </remarks>
public sealed partial class WatchedLotKeeper(
    IGrainFactory grains,
    HubLifetimeManager<ParkingHubServer> connections,
    IHubContext<ParkingHubServer, IParkingClient> hub,
    ParkingClock clock,
    IOptions<HubPushOptions> options,
    ILogger<WatchedLotKeeper> logger) : BackgroundService
{
    private readonly TimeSpan _refresh = options.Value.WatchRefresh;

    /// <summary>The epoch each watched lot answered with last (by group name).</summary>
    private readonly ConcurrentDictionary<string, Guid> _epochs = new(StringComparer.Ordinal);

    /// <summary>The lots whose call has not ended yet (by group name).</summary>
    private readonly ConcurrentDictionary<string, bool> _asking = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_refresh);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRoundFailed(exception);
            }
        }
    }

    /// <summary>One round: asks after every lot watched here, waiting at most one period for the answers.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var groups = connections is BoundedHubLifetimeManager bounded ? bounded.GroupsStartingWith(ParkingHubServer.LotGroupPrefix) : [];
        foreach (var unwatched in _epochs.Keys.Except(groups, StringComparer.Ordinal).ToList())
        {
            _epochs.TryRemove(unwatched, out _);
        }

        var calls = new List<Task>(groups.Count);
        foreach (var group in groups)
        {
            // Marked before the call starts: the call unmarks it when it ends, however soon.
            if (ParkingHubServer.LotOfGroup(group) is { } lot && _asking.TryAdd(group, true))
            {
                calls.Add(AskAsync(group, lot.CompoundId, lot.LotId));
            }
        }

        try
        {
            await Task.WhenAll(calls).WaitAsync(_refresh, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Calls to a silo that died wait until the cluster notices; they end by themselves and the next round asks again.
        }
    }

    private async Task AskAsync(string group, string compoundId, string lotId)
    {
        try
        {
            var position = await grains.Lot(compoundId, lotId).Watched();
            if (position is null)
            {
                return;
            }

            if (_epochs.TryGetValue(group, out var before) && before != position.Epoch)
            {
                // An array, as HubObserver sends: the MessagePack protocol writes a hub argument by its runtime type.
                LotChangeDto[] restart = [new(compoundId, lotId, position.Epoch, position.Sequence, clock.GetUtcNow(), null, LotChangeKinds.Restarted)];
                await hub.Clients.Group(group).LotChanges(restart);
            }

            _epochs[group] = position.Epoch;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogAskFailed(exception, compoundId, lotId);
        }
        finally
        {
            _asking.TryRemove(group, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask after watched lot {CompoundId}/{LotId}; the next round asks again")]
    private partial void LogAskFailed(Exception exception, string compoundId, string lotId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of asking after the watched lots failed; the next round starts afresh")]
    private partial void LogRoundFailed(Exception exception);
}
