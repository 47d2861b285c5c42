using Parking.Domain.Scenarios;

namespace Parking.Grains.Rebalancing;

/// <summary>
/// The rebalancing proposals of a compound (key: compound id). A proposal is asked for by staff, solved and
/// simulated off the grain's scheduler (progress and cancel like a simulation run), then edited, accepted
/// (it becomes a committee scenario) or rejected. A refused command changes nothing.
/// </summary>
public interface IRebalancingGrain : IGrainWithStringKey
{
    /// <summary>Checks the ask against the live layout and starts the job; the proposal is <c>running</c> until it ends.</summary>
    Task<Outcome<RebalancingProposalRecord>> Request(RebalancingAsk ask, string staffId);

    /// <summary>Newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<RebalancingProposalRecord>> List();

    [ReadOnly]
    Task<RebalancingProposalRecord?> Get(string proposalId);

    /// <summary>
    /// Replaces a ready proposal's changes (staff drop or alter some): checked against the live layout, the
    /// fixed spaces and the budget; the model's figures are recomputed, the simulated effect is marked stale.
    /// </summary>
    Task<Outcome<RebalancingProposalRecord>> Edit(string proposalId, LayoutChanges changes, string staffId);

    /// <summary>Turns a ready proposal into a committee scenario (origin <c>rebalancing:&lt;id&gt;</c>); returns the scenario id.</summary>
    Task<Outcome<string>> Accept(string proposalId, string staffId, string? name);

    Task<Outcome<RebalancingProposalRecord>> Reject(string proposalId, string reason, string staffId);

    /// <summary>Cancels a running proposal's job.</summary>
    Task<Outcome<RebalancingProposalRecord>> Cancel(string proposalId, string staffId);
}
