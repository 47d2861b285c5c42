using Parking.Domain.Layout;

namespace Parking.Domain.Rebalancing;

/// <summary>
/// What staff ask the optimizer for: the spaces it may not change, the budget, the kinds not to touch, the
/// demand (<c>synthetic</c> from parameters, or <c>recorded</c> from the last <see cref="HistoryDays"/> of
/// reservations), the days and seed of the simulated effect, and the solve's time limit.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RebalancingAsk(
    [Id(0)] IReadOnlyList<string> FixedSpaceIds,
    [Id(1)] int MaxSpaceChanges,
    [Id(2)] int MaxNewChargers,
    [Id(3)] IReadOnlyList<SpaceKind> KindsNotToTouch,
    [Id(4)] string DemandSource,
    [Id(5)] double? CarsPerHousehold,
    [Id(6)] double? EvShare,
    [Id(7)] int Days,
    [Id(8)] int Seed,
    [Id(9)] bool ConsiderSharing,
    [Id(10)] double SharingOwnersShare,
    [Id(11)] int TimeLimitSeconds,
    [Id(12)] int HistoryDays)
{
    public const string Synthetic = "synthetic";
    public const string Recorded = "recorded";
}
