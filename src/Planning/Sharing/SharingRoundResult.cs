using Orleans;

namespace Parking.Planning.Sharing;

public enum SharingSolveStatus
{
    /// <summary>CP-SAT proved its round the best possible (over the candidate spaces it was given).</summary>
    Optimal,

    /// <summary>CP-SAT's best round within the time budget; at least as many hours as the greedy one.</summary>
    Feasible,

    /// <summary>The greedy first-come-first-served round: the budget was zero or too small, or the solve was cancelled.</summary>
    Fallback,
}

/// <summary>Which algorithm produced a round.</summary>
public enum SharingAlgorithm
{
    Greedy,
    Round,
}

/// <summary>A request served whole on one space.</summary>
public sealed record SharingAssignment(string RequestId, string SpaceId, string LotId, int WalkMeters, double Hours);

/// <summary>
/// Figures of one round. Fairness is over the households that asked: a household's share is the hours
/// it was served over the hours it asked for; <see cref="JainIndex"/> is 1 when every household got the
/// same share and 1/n when one got everything. A round's report carries them as they are, across grain boundaries.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SharingMetrics(
    [Id(0)] int Requests,
    [Id(1)] int RequestsServed,
    [Id(2)] double HoursRequested,
    [Id(3)] double HoursServed,
    [Id(4)] double SupplyHours,
    [Id(5)] double SupplyUsedShare,
    [Id(6)] double MeanWalkMeters,
    [Id(7)] int Households,
    [Id(8)] int HouseholdsServed,
    [Id(9)] double JainIndex,
    [Id(10)] double WorstHouseholdShare);

public sealed record SharingRoundResult(
    SharingAlgorithm Algorithm,
    SharingSolveStatus Status,
    IReadOnlyList<SharingAssignment> Assignments,
    IReadOnlyList<string> UnservedRequestIds,
    SharingMetrics Metrics,
    TimeSpan SolveTime)
{
    /// <summary>The space a request was given, or null when it was not served.</summary>
    public string? SpaceOf(string requestId) => Assignments.FirstOrDefault(a => a.RequestId == requestId)?.SpaceId;
}
