namespace Parking.Grains;

/// <summary>One change of one space, numbered within its lot.</summary>
[GenerateSerializer, Immutable]
public sealed record LotChange([property: Id(0)] long Sequence, [property: Id(1)] SpaceAvailability Space);

/// <summary>
/// A lot's live picture. <see cref="Epoch"/> names the index's lifetime: sequence numbers compare only
/// within one epoch, so a client that sees a new epoch reloads instead of asking for changes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LotOccupancy(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string LotId,
    [property: Id(2)] string Name,
    [property: Id(3)] Guid Epoch,
    [property: Id(4)] long Sequence,
    [property: Id(5)] DateTimeOffset AsOf,
    [property: Id(6)] IReadOnlyList<SpaceAvailability> Spaces,
    [property: Id(7)] IReadOnlyDictionary<SpaceStatus, int> Counts)
{
    /// <summary>The lot's boundary from its definition; empty when the compound file gave none.</summary>
    [Id(8)] public IReadOnlyList<Point> Outline { get; init; } = [];

    /// <summary>The lot's entrances from its definition.</summary>
    [Id(9)] public IReadOnlyList<Point> Entrances { get; init; } = [];
}

/// <summary>
/// The changes after a sequence number. <see cref="Complete"/> is false when the lot no longer holds
/// all of them (too old, or another epoch): the client must reload the occupancy instead.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LotChanges(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Sequence,
    [property: Id(2)] bool Complete,
    [property: Id(3)] IReadOnlyList<LotChange> Changes);

/// <summary>Where a lot's numbering stands: its epoch (the activation's) and the sequence number of its last change.</summary>
[GenerateSerializer, Immutable]
public sealed record LotPosition([property: Id(0)] Guid Epoch, [property: Id(1)] long Sequence);

/// <summary>A lot (key: compound/lot): the availability index of its spaces and their live change feed.</summary>
public interface ILotGrain : IGrainWithStringKey
{
    /// <summary>
    /// A space's new picture. <paramref name="alongside"/>: pushes the space would publish right after (its changed
    /// reservations), which the lot hands the notifier together with its own change, in one message instead of two.
    /// Marked immutable (callers build it for the call and never change it), so a call within the silo does not copy
    /// it: a list typed by its interface was copied on every booking, its copier looked up for the runtime type each time.
    /// <para>
    /// Interleaves with every other call (it has no await, so it still runs whole): a booking's space waits for this
    /// report before it answers, and while the lot rebuilds its searches and occupancy reads wait for the rebuild, which
    /// asks the very spaces that are waiting here. Queued behind those reads, the report and the rebuild waited for each
    /// other until the 30-s response timeout (313 reports in one sub-district run after a silo kill).
    /// </para>
    /// </summary>
    [AlwaysInterleave]
    Task SpaceChanged(SpaceAvailability snapshot, [Immutable] IReadOnlyList<Notifications.Push> alongside);

    /// <summary>The lot's spaces changed (a re-import): rebuild the index from the compound's layout on the next call.</summary>
    Task Reload();

    [ReadOnly]
    Task<IReadOnlyList<AvailableSpace>> Search(AvailabilityQuery query);

    [ReadOnly]
    Task<LotOccupancy?> GetOccupancy();

    [ReadOnly]
    Task<LotChanges> GetChangesSince(Guid epoch, long sequence);

    /// <summary>
    /// A host with watchers of the lot asks after it (<c>WatchedLotKeeper</c>, every <c>Parking:Hub:WatchRefresh</c>):
    /// the call alone brings the lot back, on a living silo, when its activation was lost with its silo. Returns where
    /// its numbering stands; null for a lot the compound does not have.
    /// </summary>
    [ReadOnly]
    Task<LotPosition?> Watched();
}
