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
    [property: Id(0)] string Title,
    [property: Id(1)] string? Description,
    [property: Id(2)] string ScenarioId,
    [property: Id(3)] int ScenarioVersion,
    [property: Id(4)] VoteMatter Matter,
    [property: Id(5)] DateTimeOffset Opens,
    [property: Id(6)] DateTimeOffset Closes);

/// <summary>A scenario put to the owners' vote: households vote in <c>[Opens, Closes)</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record Proposal(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string ProposalId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Description,
    [property: Id(4)] string ScenarioId,
    [property: Id(5)] int ScenarioVersion,
    [property: Id(6)] VoteMatter Matter,
    [property: Id(7)] DateTimeOffset Opens,
    [property: Id(8)] DateTimeOffset Closes,
    [property: Id(9)] string CreatedBy,
    [property: Id(10)] DateTimeOffset CreatedAt)
{
    public TimeWindow Period => new(Opens, Closes);
}

/// <summary>Who casts a ballot: a resident, for their household.</summary>
[GenerateSerializer, Immutable]
public sealed record Voter([property: Id(0)] string UserId, [property: Id(1)] string HouseholdId);

/// <summary>A household's ballot as it stands: its choice now, who cast it first and who changed it last.</summary>
[GenerateSerializer, Immutable]
public sealed record Ballot(
    [property: Id(0)] string HouseholdId,
    [property: Id(1)] BallotChoice Choice,
    [property: Id(2)] string CastBy,
    [property: Id(3)] DateTimeOffset CastAt,
    [property: Id(4)] string UpdatedBy,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] int Changes);

public enum BallotAction
{
    Cast,
    Change,
}

/// <summary>One line of the audit trail: a household's ballot cast or changed, by whom, when, from what.</summary>
[GenerateSerializer, Immutable]
public sealed record BallotAuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string UserId,
    [property: Id(3)] BallotAction Action,
    [property: Id(4)] BallotChoice Choice,
    [property: Id(5)] BallotChoice? PreviousChoice,
    [property: Id(6)] DateTimeOffset At);
