namespace Parking.Domain.Rebalancing;

/// <summary>Where a rebalancing proposal stands. Only a <see cref="Ready"/> one can be edited, accepted or rejected.</summary>
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
/// The names a proposal's status is stored and sent under. Stored state keeps these strings, so proposals
/// stored by earlier versions load unchanged; every change of status goes through <see cref="RebalancingLifecycle"/>.
/// </summary>
public static class ProposalStatus
{
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
}

/// <summary>
/// The life cycle of a rebalancing proposal as a state machine: a proposal starts <c>running</c>; the job
/// ends it <c>ready</c> or <c>failed</c>, staff may cancel it while it runs; a ready proposal is accepted
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

    /// <summary>Edits, acceptance and rejection need a ready proposal.</summary>
    public static bool CanBeDecided(RebalancingStatus status) => status == RebalancingStatus.Ready;

    /// <summary>The status a stored name stands for.</summary>
    public static RebalancingStatus Parse(string stored) => stored switch
    {
        ProposalStatus.Running => RebalancingStatus.Running,
        ProposalStatus.Ready => RebalancingStatus.Ready,
        ProposalStatus.Accepted => RebalancingStatus.Accepted,
        ProposalStatus.Rejected => RebalancingStatus.Rejected,
        ProposalStatus.Cancelled => RebalancingStatus.Cancelled,
        ProposalStatus.Failed => RebalancingStatus.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(stored), stored, "Not a rebalancing proposal status."),
    };

    /// <summary>The name a status is stored and sent under.</summary>
    public static string Name(RebalancingStatus status) => status switch
    {
        RebalancingStatus.Running => ProposalStatus.Running,
        RebalancingStatus.Ready => ProposalStatus.Ready,
        RebalancingStatus.Accepted => ProposalStatus.Accepted,
        RebalancingStatus.Rejected => ProposalStatus.Rejected,
        RebalancingStatus.Cancelled => ProposalStatus.Cancelled,
        RebalancingStatus.Failed => ProposalStatus.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The stored name after moving from <paramref name="stored"/> to <paramref name="to"/>; a move the life cycle forbids is a programming error.</summary>
    public static string Move(string stored, RebalancingStatus to)
    {
        var from = Parse(stored);
        return Allows(from, to)
            ? Name(to)
            : throw new InvalidOperationException($"A rebalancing proposal cannot go from {Name(from)} to {Name(to)}.");
    }
}
