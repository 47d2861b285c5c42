namespace Parking.Contracts;

/// <summary>
/// Body of <c>POST /api/compounds/{compoundId}/proposals</c> (committee): a scenario version put to the owners'
/// vote. Matter: <c>commonPartsUse</c> (changing the use of common parts: three quarters needed) or <c>other</c>
/// (more than half). Households vote in <c>[opens, closes)</c>; it must close within 90 days.
/// </summary>
public sealed record CreateProposalRequest(
    string? Title,
    string? Description,
    string? ScenarioId,
    int? ScenarioVersion,
    string? Matter,
    DateTimeOffset? Opens,
    DateTimeOffset? Closes);

/// <summary>Body of <c>POST</c> (cast) and <c>PUT</c> (change) <c>.../proposals/{proposalId}/ballot</c>: <c>yes</c>, <c>no</c> or <c>abstain</c>.</summary>
public sealed record BallotRequest(string? Choice);

/// <summary>
/// The rule a proposal is decided by (PRC Civil Code, Article 278): participation of at least
/// <c>2/3</c> of the owners and of the exclusive area; then a yes of at least (or, when
/// <see cref="MajorityStrict"/>, more than) <c>MajorityNumerator/MajorityDenominator</c> of the participating
/// owners and of the participating area.
/// </summary>
public sealed record VoteRuleDto(
    int ParticipationNumerator,
    int ParticipationDenominator,
    int MajorityNumerator,
    int MajorityDenominator,
    bool MajorityStrict);

/// <summary>Who has taken part (households and their exclusive area, m²), against the two-thirds thresholds. Everyone of the compound sees it.</summary>
public sealed record VoteTurnoutDto(
    int TotalOwners,
    decimal TotalArea,
    int ParticipatingOwners,
    decimal ParticipatingArea,
    bool ParticipationOwnersMet,
    bool ParticipationAreaMet,
    bool QuorumMet);

/// <summary>How the participants voted, against the majority the matter needs: for the committee while open, for everyone after the close.</summary>
public sealed record VoteTallyDto(
    int YesOwners,
    decimal YesArea,
    int NoOwners,
    decimal NoArea,
    int AbstainOwners,
    decimal AbstainArea,
    bool YesOwnersMet,
    bool YesAreaMet,
    bool MajorityMet);

/// <summary>
/// A proposal and its vote. Status: <c>scheduled</c>, <c>open</c>, <c>passed</c> or <c>failed</c> (failure
/// <c>quorumNotMet</c> or <c>majorityNotMet</c>). <see cref="Tally"/> is null where you may not see it yet.
/// </summary>
public sealed record ProposalDto(
    string ProposalId,
    string Title,
    string Description,
    string ScenarioId,
    int ScenarioVersion,
    VoteMatterDto Matter,
    DateTimeOffset Opens,
    DateTimeOffset Closes,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    VoteStatusDto Status,
    string? Failure,
    DateTimeOffset? ClosedAt,
    VoteRuleDto Rule,
    VoteTurnoutDto Turnout,
    VoteTallyDto? Tally,
    long Version);

/// <summary>A household's ballot as it stands.</summary>
public sealed record BallotDto(
    string ProposalId,
    string HouseholdId,
    BallotChoiceDto Choice,
    string CastBy,
    DateTimeOffset CastAt,
    string UpdatedBy,
    DateTimeOffset UpdatedAt,
    int Changes);

/// <summary>One cast or change (action <c>cast</c> or <c>change</c>), with the choice it replaced.</summary>
public sealed record BallotAuditEntryDto(
    long Sequence,
    string HouseholdId,
    string UserId,
    BallotActionDto Action,
    BallotChoiceDto Choice,
    BallotChoiceDto? PreviousChoice,
    DateTimeOffset At);

/// <summary>Your household's ballot on a proposal (null before it votes) and its history.</summary>
public sealed record MyBallotDto(string ProposalId, string HouseholdId, BallotDto? Ballot, IReadOnlyList<BallotAuditEntryDto> History);
