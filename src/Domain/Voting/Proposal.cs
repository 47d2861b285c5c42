namespace Parking.Domain.Voting;

/// <summary>What a proposal asks the owners, which decides the majority it needs (PRC Civil Code, Article 278).</summary>
public enum VoteMatter
{
    /// <summary>Changing the use of common parts (converting common spaces, for example): three quarters of both.</summary>
    CommonPartsUse,

    /// <summary>Any other matter put to the owners: more than half of both.</summary>
    Other,
}

public enum BallotChoice
{
    Yes,
    No,
    Abstain,
}

/// <summary>What the committee asks to put to the vote: a version of a scenario and the period in which households vote.</summary>
[GenerateSerializer, Immutable]
public sealed record ProposalDraft(
    [Id(0)] string Title,
    [Id(1)] string? Description,
    [Id(2)] string ScenarioId,
    [Id(3)] int ScenarioVersion,
    [Id(4)] VoteMatter Matter,
    [Id(5)] DateTimeOffset Opens,
    [Id(6)] DateTimeOffset Closes);

/// <summary>A scenario put to the owners' vote: households vote in <c>[Opens, Closes)</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record Proposal(
    [Id(0)] string CompoundId,
    [Id(1)] string ProposalId,
    [Id(2)] string Title,
    [Id(3)] string Description,
    [Id(4)] string ScenarioId,
    [Id(5)] int ScenarioVersion,
    [Id(6)] VoteMatter Matter,
    [Id(7)] DateTimeOffset Opens,
    [Id(8)] DateTimeOffset Closes,
    [Id(9)] string CreatedBy,
    [Id(10)] DateTimeOffset CreatedAt)
{
    public TimeWindow Period => new(Opens, Closes);
}

/// <summary>Who casts a ballot: a resident, for their household.</summary>
[GenerateSerializer, Immutable]
public sealed record Voter([Id(0)] string UserId, [Id(1)] string HouseholdId);

/// <summary>A household's ballot as it stands: its choice now, who cast it first and who changed it last.</summary>
[GenerateSerializer, Immutable]
public sealed record Ballot(
    [Id(0)] string HouseholdId,
    [Id(1)] BallotChoice Choice,
    [Id(2)] string CastBy,
    [Id(3)] DateTimeOffset CastAt,
    [Id(4)] string UpdatedBy,
    [Id(5)] DateTimeOffset UpdatedAt,
    [Id(6)] int Changes);

public enum BallotAction
{
    Cast,
    Change,
}

/// <summary>One line of the audit trail: a household's ballot cast or changed, by whom, when, from what.</summary>
[GenerateSerializer, Immutable]
public sealed record BallotAuditEntry(
    [Id(0)] long Sequence,
    [Id(1)] string HouseholdId,
    [Id(2)] string UserId,
    [Id(3)] BallotAction Action,
    [Id(4)] BallotChoice Choice,
    [Id(5)] BallotChoice? PreviousChoice,
    [Id(6)] DateTimeOffset At);
