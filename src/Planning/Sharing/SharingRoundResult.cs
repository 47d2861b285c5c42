using Parking.Domain.Sharing;

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
