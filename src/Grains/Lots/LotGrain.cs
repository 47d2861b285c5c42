using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Grains.Notifications;

namespace Parking.Grains.Lots;

/// <summary>
/// Holds the availability index of one lot in memory. It is derived state, so it is not stored: on
/// activation it is rebuilt by asking each of the lot's spaces once, and afterwards every space reports
/// its own changes. Each applied change gets the next sequence number, is kept in a bounded feed for
/// clients catching up after a reconnect, and is pushed to the lot's watchers. Each activation has its own
/// epoch and announces it once it is rebuilt (<see cref="LotRestartedPush"/>).
/// <para>
/// The rebuild runs behind the activation, not in it, and asks a bounded number of spaces at a time. After a silo
/// dies, every lot it held and every one of its spaces activate again at once, each space reading its states from
/// storage: a lot that awaited all of that in its activation held every search and every booking's report for as long
/// (beyond the 30-s response timeout in the sub-district bench), and asking all spaces at once queued the reads of the
/// bookings' own spaces behind thousands of others. A search waits for the rebuild up to
/// <see cref="SearchWaitsForRebuild"/> (an ordinary activation is done by then), then is answered from the spaces heard from so far:
/// each picture the index holds is the space's own latest, so a partial index may offer fewer spaces but never a held
/// window. Reports arriving meanwhile go into the index unnumbered; the epoch's numbering starts when the rebuild ends
/// and its announcement tells watchers to reload. The occupancy (a whole picture) waits for the rebuild.
/// </para>
/// </summary>
[CompoundPlacement]
public sealed partial class LotGrain(ParkingClock time, IOptions<HubPushOptions> push, ILogger<LotGrain> logger) : Grain, ILotGrain
{
    private const int FeedCapacity = 4096;

    /// <summary>Spaces asked at once while the index is rebuilt.</summary>
    internal const int RebuildConcurrency = 8;

    /// <summary>How long a search waits for a rebuilding lot before it is answered from the spaces heard from so far.</summary>
    internal static readonly TimeSpan SearchWaitsForRebuild = TimeSpan.FromSeconds(2);

    /// <summary>How soon the rebuild asks again the spaces that did not answer (their silo lost, say).</summary>
    private static readonly TimeSpan RebuildRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The real clock, as the watcher's, when changes are to carry their stage times (tests move the domain clock);
    /// otherwise none, and no clock is read per change.
    /// </summary>
    private readonly TimeProvider? _stageClock = push.Value.StageTimes ? TimeProvider.System : null;

    private readonly Queue<LotChange> _feed = new();
    private readonly Guid _epoch = Guid.NewGuid();
    private LotIndex? _index;
    private long _sequence;

    /// <summary>
    /// Ends when every space of the lot has answered once (<see cref="Rebuild"/>); until then the lot is rebuilding.
    /// Rebuild's synchronous start runs before this field is assigned, but no other turn of the activation runs
    /// within it, so every call sees the rebuild's own task here.
    /// </summary>
    private Task _rebuilt = Task.CompletedTask;

    private bool _deactivating;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (compoundId, lotId) = CompoundScopedKey.Of(this);
        var lot = await GrainFactory.Compound(compoundId).GetLot(lotId);
        if (lot is null)
        {
            return;
        }

        _index = new LotIndex(lot);

        // Not awaited: its turns run on this activation between the calls it serves (see the class's remarks).
        _rebuilt = Rebuild(compoundId, lotId, _index);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Asks every space of the lot for its picture, <see cref="RebuildConcurrency"/> at a time, and again after a pause
    /// those that failed, until each has answered once; then the epoch's numbering starts and watchers hear of it.
    /// </summary>
    private async Task Rebuild(string compoundId, string lotId, LotIndex index)
    {
        IReadOnlyList<SpaceDefinition> pending = index.Lot.Spaces;
        while (pending.Count > 0 && !_deactivating)
        {
            var queue = new Queue<SpaceDefinition>(pending);
            var failed = new List<SpaceDefinition>();
            await Task.WhenAll(Enumerable.Range(0, Math.Min(RebuildConcurrency, queue.Count)).Select(_ => AskSpaces(queue, failed)));
            pending = failed;
            if (pending.Count > 0 && !_deactivating)
            {
                LogRebuildRetry(this.GetPrimaryKeyString(), pending.Count, index.Lot.Spaces.Count);
                await Task.Delay(RebuildRetry);
            }
        }

        async Task AskSpaces(Queue<SpaceDefinition> queue, List<SpaceDefinition> failed)
        {
            // One activation runs one turn at a time, so the workers share the queue without a lock.
            while (!_deactivating && queue.TryDequeue(out var space))
            {
                try
                {
                    if (await GrainFactory.Space(compoundId, space.SpaceId).GetAvailability() is { } snapshot)
                    {
                        index.Apply(snapshot);
                    }
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    failed.Add(space);
                }
            }
        }

        if (_deactivating)
        {
            return;
        }

        LogRebuilt(this.GetPrimaryKeyString(), index.Count, index.Lot.Spaces.Count);

        // Watchers of an earlier activation hold another epoch: tell them now rather than on the lot's next change.
        GrainFactory.Publish(new LotRestartedPush(compoundId, lotId, _epoch, _sequence, time.GetUtcNow()));
    }

    public Task SpaceChanged(SpaceAvailability snapshot, IReadOnlyList<Push> alongside)
    {
        var before = _index?.Get(snapshot.Definition.SpaceId);
        if (_index is null || !_index.Apply(snapshot))
        {
            GrainFactory.PublishAll(alongside);
            return Task.CompletedTask;
        }

        if (Parking.Domain.Rounds.RoundRules.FreesTime(before, snapshot))
        {
            GrainFactory.Rounds(snapshot.Definition.CompoundId).SpaceFreed(snapshot.Definition.SpaceId).Ignore();
        }

        if (!_rebuilt.IsCompleted)
        {
            // Part of the picture the rebuild's announcement tells watchers to reload; numbering starts after it.
            GrainFactory.PublishAll(alongside);
            return Task.CompletedTask;
        }

        var change = new LotChange(++_sequence, snapshot);
        _feed.Enqueue(change);
        if (_feed.Count > FeedCapacity)
        {
            _feed.Dequeue();
        }

        // The lot's change first, then what the space sent along: the order the space published them in before.
        var published = LotChangedPush.Published(snapshot.Definition.CompoundId, snapshot.Definition.LotId, _epoch, change, _stageClock);
        GrainFactory.PublishAll(alongside.Count == 0 ? [published] : [published, .. alongside]);
        return Task.CompletedTask;
    }

    public Task Reload()
    {
        // The index is derived state: dropping the activation is the one way to rebuild it that cannot miss a space.
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<AvailableSpace>> Search(AvailabilityQuery query)
    {
        // A lot that has just activated usually rebuilds in a moment: wait for it, so that an ordinary activation (the
        // first search of the day, a lot idle for a while) answers from the whole picture; after a silo's loss, when
        // the rebuild takes long, answer from the spaces heard from so far rather than hold the caller.
        if (!_rebuilt.IsCompleted)
        {
            await Task.WhenAny(_rebuilt, Task.Delay(SearchWaitsForRebuild));
        }

        return _index?.Search(query) ?? [];
    }

    public async Task<LotOccupancy?> GetOccupancy()
    {
        if (_index is null)
        {
            return null;
        }

        // A whole picture: the occupancy is what watchers number their changes from, and staff count from.
        await _rebuilt;
        var now = time.GetUtcNow();
        var lot = _index.Lot;
        return new LotOccupancy(lot.CompoundId, lot.LotId, lot.Name, _epoch, _sequence, now, _index.All(), _index.CountByStatus(now))
        {
            Outline = lot.Outline,
            Entrances = lot.Entrances,
        };
    }

    public Task<LotChanges> GetChangesSince(Guid epoch, long sequence)
    {
        var oldest = _feed.Count > 0 ? _feed.Peek().Sequence : _sequence + 1;
        var complete = epoch == _epoch && sequence <= _sequence && sequence >= oldest - 1;
        IReadOnlyList<LotChange> changes = complete ? [.. _feed.Where(c => c.Sequence > sequence)] : [];
        return Task.FromResult(new LotChanges(_epoch, _sequence, complete, changes));
    }

    public Task<LotPosition?> Watched() =>
        Task.FromResult(_index is null ? null : new LotPosition(_epoch, _sequence));

    [LoggerMessage(Level = LogLevel.Information, Message = "Lot {LotKey} index built from {Known} of {Total} spaces")]
    private partial void LogRebuilt(string lotKey, int known, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lot {LotKey}: {Failed} of {Total} spaces did not answer its rebuild; asking them again")]
    private partial void LogRebuildRetry(string lotKey, int failed, int total);
}
