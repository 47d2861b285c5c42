using Orleans.Runtime;
using Parking.Domain.Voting;

namespace Parking.Grains.Voting;

[GenerateSerializer]
public sealed class ProposalIndexState
{
    [Id(0)]
    internal List<string> _proposalIds = [];

    [Id(1)]
    internal long _nextId;

    /// <summary>The proposals made, oldest first.</summary>
    public IReadOnlyList<string> ProposalIds => _proposalIds;

    /// <summary>The number the last id taken had (0 before any).</summary>
    public long NextId => _nextId;

    /// <summary>Takes the next proposal id; it is never handed out again, whether the proposal is made or not.</summary>
    public string TakeId() => $"p{++_nextId}";

    /// <summary>The proposal <paramref name="proposalId"/> was made.</summary>
    public void Made(string proposalId) => _proposalIds.Add(proposalId);
}

public sealed class ProposalIndexGrain(
    [PersistentState("proposal-index", GrainKeys.StorageName)] IPersistentState<ProposalIndexState> state,
    ParkingClock time) : Grain, IProposalIndexGrain
{
    public async Task<Outcome<ProposalView>> Create(ProposalDraft draft, string createdBy)
    {
        // A bad draft is refused before an id is spent on it: it changes nothing.
        if (VotingRules.Validate(draft, time.GetUtcNow()) is { } invalid)
        {
            return invalid;
        }

        // The id is taken (and stored) before the proposal is made, so a retry after a failure never reuses one.
        var proposalId = state.State.TakeId();
        await state.WriteStateAsync();
        return await Make(proposalId, draft, createdBy);
    }

    public async Task<Outcome<ProposalView>> CreateAs(string proposalId, ProposalDraft draft, string createdBy) =>
        state.State.ProposalIds.Contains(proposalId)
            ? DomainError.Conflict("proposal-exists", $"Proposal '{proposalId}' already exists.")
            : await Make(proposalId, draft, createdBy);

    private async Task<Outcome<ProposalView>> Make(string proposalId, ProposalDraft draft, string createdBy)
    {
        var outcome = await GrainFactory.Proposal(this.GetPrimaryKeyString(), proposalId).Create(draft, createdBy);
        if (outcome.IsSuccess)
        {
            state.State.Made(proposalId);
            await state.WriteStateAsync();
        }

        return outcome;
    }

    public Task<IReadOnlyList<string>> GetProposalIds() =>
        Task.FromResult<IReadOnlyList<string>>([.. Enumerable.Reverse(state.State.ProposalIds)]);
}
