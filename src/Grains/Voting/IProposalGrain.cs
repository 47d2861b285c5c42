using Parking.Domain.Voting;

namespace Parking.Grains.Voting;

/// <summary>A proposal as everyone may read it, with the vote's status and figures at the time of reading.</summary>
[GenerateSerializer, Immutable]
public sealed record ProposalView(
    [property: Id(0)] Proposal Proposal,
    [property: Id(1)] VoteResult Result,
    [property: Id(2)] long Version);

/// <summary>A household's ballot (null before it votes) and the history of its casts and changes.</summary>
[GenerateSerializer, Immutable]
public sealed record HouseholdBallot(
    [property: Id(0)] string HouseholdId,
    [property: Id(1)] Ballot? Ballot,
    [property: Id(2)] IReadOnlyList<BallotAuditEntry> History);

/// <summary>
/// One proposal and its vote (key: compound/proposal): the single writer of its ballots, so a household can
/// never vote twice. Closes itself at the end of the period on the domain clock, freezing the result.
/// </summary>
public interface IProposalGrain : IGrainWithStringKey
{
    /// <summary>Makes the proposal, taking every household of the compound (and its area) as the electorate.</summary>
    Task<Outcome<ProposalView>> Create(ProposalDraft draft, string createdBy);

    /// <summary>The proposal and its result now, or null when there is no such proposal.</summary>
    Task<ProposalView?> Get();

    Task<Outcome<Ballot>> Cast(Voter voter, BallotChoice choice);

    Task<Outcome<Ballot>> Change(Voter voter, BallotChoice choice);

    /// <summary>A household's own ballot and history.</summary>
    Task<Outcome<HouseholdBallot>> GetBallot(string householdId);

    /// <summary>Every cast and change (the committee's view).</summary>
    Task<Outcome<IReadOnlyList<BallotAuditEntry>>> GetAudit();

    /// <summary>Wakes the proposal at its opening or closing: freezes the result once closed and pushes the change.</summary>
    Task Wake();
}

/// <summary>A compound's proposals (key: compound id): hands out their ids and lists them, newest first.</summary>
public interface IProposalIndexGrain : IGrainWithStringKey
{
    Task<Outcome<ProposalView>> Create(ProposalDraft draft, string createdBy);

    /// <summary>Makes a proposal with a chosen id (a seed); refused with <c>proposal-exists</c> when it is there already.</summary>
    Task<Outcome<ProposalView>> CreateAs(string proposalId, ProposalDraft draft, string createdBy);

    [ReadOnly]
    Task<IReadOnlyList<string>> GetProposalIds();
}

public static class VotingGrainKeys
{
    public static IProposalGrain Proposal(this IGrainFactory grains, string compoundId, string proposalId) =>
        grains.GetGrain<IProposalGrain>(GrainKeys.Of(compoundId, proposalId));

    public static IProposalIndexGrain Proposals(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IProposalIndexGrain>(compoundId);
}
