using Orleans.Runtime;
using Parking.Domain.Voting;

namespace Parking.Grains.Voting;

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
        state.State.MayMakeAs(proposalId) is { } exists ? exists : await Make(proposalId, draft, createdBy);

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
        Task.FromResult(state.State.Newest);
}
