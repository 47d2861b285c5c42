using Parking.Domain;
using Parking.Domain.Layout;

namespace Parking.Planning.Sharing;

/// <summary>
/// One space offered to a sharing round: a private space in its owner's sharing windows, or a common or
/// temporary space in the hours it is open to the pool. The walk from the space to a building is the
/// walk from its lot's entrance (<see cref="SharingInstance.WalkMetersFromLotToBuilding"/>) plus
/// <see cref="WalkOffsetMeters"/>.
/// </summary>
public sealed record SupplySlot(
    string SpaceId,
    string LotId,
    SpaceKind Kind,
    SpaceOwnership Ownership,
    IReadOnlyList<TimeWindow> Windows,
    int WalkOffsetMeters = 0);

/// <summary>
/// A driver's request in a round: every window is served on the same space, or none is (a month of
/// weekday nights is one request with about twenty windows).
/// </summary>
public sealed record SharingRequest(
    string Id,
    string DriverId,
    string HouseholdId,
    IReadOnlyList<TimeWindow> Windows,
    SpaceKind Kind,
    string? PreferredBuildingId);

/// <summary>
/// Everything one allocation round decides on. Requests are listed in the order they were made: that
/// order is what first-come-first-served follows. <see cref="HouseholdWeights"/> come from past rounds
/// (see <see cref="SharingRotation"/>): 1 for a household that has no history, more for one that lost.
/// </summary>
public sealed record SharingInstance(
    IReadOnlyList<SupplySlot> Supply,
    IReadOnlyList<SharingRequest> Requests,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> WalkMetersFromLotToBuilding,
    IReadOnlyDictionary<string, double>? HouseholdWeights = null)
{
    /// <summary>Walking distance from a space to a building; the offset alone when either is unknown.</summary>
    public int WalkMeters(SupplySlot slot, string? buildingId)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var fromLot = buildingId is not null
            && WalkMetersFromLotToBuilding.TryGetValue(slot.LotId, out var table)
            && table.TryGetValue(buildingId, out var meters) ? meters : 0;
        return fromLot + slot.WalkOffsetMeters;
    }

    /// <summary>The household's weight from past rounds: 1 when it has none.</summary>
    public double WeightOf(string householdId) =>
        HouseholdWeights is not null && HouseholdWeights.TryGetValue(householdId, out var weight) && weight > 0 ? weight : 1.0;

    /// <summary>The lots' walking tables of a compound layout, keyed by lot id, for building an instance.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> WalkTablesOf(CompoundLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Lots.ToDictionary(l => l.LotId, l => l.WalkMetersToBuilding);
    }
}

/// <summary>
/// How the optimized round is solved. A zero <see cref="TimeLimit"/> returns the greedy round (status
/// <see cref="SharingSolveStatus.Fallback"/>). <see cref="CandidatesPerRequest"/> caps the spaces the
/// model considers for one request (the nearest ones, a few from every lot, and always the greedy's pick).
/// </summary>
public sealed record SharingSolveOptions(
    TimeSpan TimeLimit,
    int Workers = 2,
    int CandidatesPerRequest = 10,
    int CandidatesPerLot = 3,
    int RandomSeed = 0)
{
    public static SharingSolveOptions Default { get; } = new(TimeSpan.FromSeconds(10));
}
