namespace Parking.Domain.Rebalancing;

/// <summary>Where a rebalancing suggestion stands. Only a <see cref="Ready"/> one can be edited, accepted or rejected.</summary>
public enum RebalancingStatus
{
    Running,
    Ready,
    Accepted,
    Rejected,
    Cancelled,
    Failed,
}

/// <summary>
/// The life cycle of a rebalancing suggestion as a state machine: a suggestion starts <c>running</c>; the job
/// ends it <c>ready</c> or <c>failed</c>, staff may cancel it while it runs; a ready suggestion is accepted
/// or rejected. Nothing leaves accepted, rejected, cancelled or failed.
/// </summary>
public static class RebalancingLifecycle
{
    public const RebalancingStatus Initial = RebalancingStatus.Running;

    public static bool Allows(RebalancingStatus from, RebalancingStatus to) => (from, to) is
        (RebalancingStatus.Running, RebalancingStatus.Ready or RebalancingStatus.Failed or RebalancingStatus.Cancelled) or
        (RebalancingStatus.Ready, RebalancingStatus.Accepted or RebalancingStatus.Rejected);

    public static bool IsFinal(RebalancingStatus status) =>
        status is RebalancingStatus.Accepted or RebalancingStatus.Rejected or RebalancingStatus.Cancelled or RebalancingStatus.Failed;

    /// <summary>Edits, acceptance and rejection need a ready suggestion.</summary>
    public static bool CanBeDecided(RebalancingStatus status) => status == RebalancingStatus.Ready;

    /// <summary>The status a lower-case name stands for (as builds before the enum stored it, and as messages say it).</summary>
    public static RebalancingStatus Parse(string stored) => stored switch
    {
        "running" => RebalancingStatus.Running,
        "ready" => RebalancingStatus.Ready,
        "accepted" => RebalancingStatus.Accepted,
        "rejected" => RebalancingStatus.Rejected,
        "cancelled" => RebalancingStatus.Cancelled,
        "failed" => RebalancingStatus.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(stored), stored, "Not a rebalancing status."),
    };

    /// <summary>The status's word in messages (<c>running</c>, <c>ready</c>, ...).</summary>
    public static string Name(RebalancingStatus status) => status switch
    {
        RebalancingStatus.Running => "running",
        RebalancingStatus.Ready => "ready",
        RebalancingStatus.Accepted => "accepted",
        RebalancingStatus.Rejected => "rejected",
        RebalancingStatus.Cancelled => "cancelled",
        RebalancingStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The status after moving from <paramref name="from"/> to <paramref name="to"/>; a move the life cycle forbids is a programming error.</summary>
    public static RebalancingStatus Move(RebalancingStatus from, RebalancingStatus to) =>
        Allows(from, to)
            ? to
            : throw new InvalidOperationException($"A rebalancing suggestion cannot go from {Name(from)} to {Name(to)}.");

    /// <summary>The same move on the lower-case names.</summary>
    public static string Move(string from, RebalancingStatus to) => Name(Move(Parse(from), to));
}
