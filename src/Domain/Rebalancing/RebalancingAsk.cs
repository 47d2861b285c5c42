using Parking.Domain.Layout;

namespace Parking.Domain.Rebalancing;

/// <summary>
/// What staff ask the optimizer for: the spaces it may not change, the budget, the kinds not to touch, the
/// demand (<c>synthetic</c> from parameters, or <c>recorded</c> from the last <see cref="HistoryDays"/> of
/// reservations), the days and seed of the simulated effect, and the solve's time limit.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RebalancingAsk(
    [property: Id(0)] IReadOnlyList<string> FixedSpaceIds,
    [property: Id(1)] int MaxSpaceChanges,
    [property: Id(2)] int MaxNewChargers,
    [property: Id(3)] IReadOnlyList<SpaceKind> KindsNotToTouch,
    [property: Id(4)] string DemandSource,
    [property: Id(5)] double? CarsPerHousehold,
    [property: Id(6)] double? EvShare,
    [property: Id(7)] int Days,
    [property: Id(8)] int Seed,
    [property: Id(9)] bool ConsiderSharing,
    [property: Id(10)] double SharingOwnersShare,
    [property: Id(11)] int TimeLimitSeconds,
    [property: Id(12)] int HistoryDays)
{
    public const string Synthetic = "synthetic";
    public const string Recorded = "recorded";
}
