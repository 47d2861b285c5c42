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
/// </summary>
[CompoundPlacement]
public sealed partial class LotGrain(ParkingClock time, IOptions<HubPushOptions> push, ILogger<LotGrain> logger) : Grain, ILotGrain
{
    private const int FeedCapacity = 4096;

    /// <summary>
    /// The real clock, as the watcher's, when changes are to carry their stage times (tests move the domain clock);
    /// otherwise none, and no clock is read per change.
    /// </summary>
    private readonly TimeProvider? _stageClock = push.Value.StageTimes ? TimeProvider.System : null;

    private readonly Queue<LotChange> _feed = new();
    private readonly Guid _epoch = Guid.NewGuid();
    private LotIndex? _index;
    private long _sequence;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (compoundId, lotId) = CompoundScopedKey.Of(this);
        var lot = await GrainFactory.Compound(compoundId).GetLot(lotId);
        if (lot is null)
        {
            return;
        }

        _index = new LotIndex(lot);
        var snapshots = await Task.WhenAll(lot.Spaces.Select(s => GrainFactory.Space(compoundId, s.SpaceId).GetAvailability()));
        foreach (var snapshot in snapshots)
        {
            if (snapshot is not null)
            {
                _index.Apply(snapshot);
            }
        }

        LogRebuilt(this.GetPrimaryKeyString(), _index.Count, lot.Spaces.Count);

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

    public Task<IReadOnlyList<AvailableSpace>> Search(AvailabilityQuery query) =>
        Task.FromResult(_index?.Search(query) ?? []);

    public Task<LotOccupancy?> GetOccupancy()
    {
        if (_index is null)
        {
            return Task.FromResult<LotOccupancy?>(null);
        }

        var now = time.GetUtcNow();
        var lot = _index.Lot;
        return Task.FromResult<LotOccupancy?>(new LotOccupancy(
            lot.CompoundId, lot.LotId, lot.Name, _epoch, _sequence, now, _index.All(), _index.CountByStatus(now))
        {
            Outline = lot.Outline,
            Entrances = lot.Entrances,
        });
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
}
