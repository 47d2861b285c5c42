using Parking.Domain.Scenarios;

namespace Parking.Grains.Rebalancing;

/// <summary>
/// The rebalancing suggestions of a compound (key: compound id): the optimizer's suggestions to staff, not the
/// owners' vote (a proposal, <c>IProposalGrain</c>). A suggestion is asked for by staff, solved and
/// simulated off the grain's scheduler (progress and cancel like a simulation run), then edited, accepted
/// (it becomes a committee scenario) or rejected. A refused command changes nothing.
/// </summary>
public interface IRebalancingGrain : IGrainWithStringKey
{
    /// <summary>Checks the ask against the live layout and starts the job; the suggestion is <c>running</c> until it ends.</summary>
    Task<Outcome<RebalancingSuggestion>> Request(RebalancingAsk ask, string staffId);

    /// <summary>Newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<RebalancingSuggestion>> List();

    [ReadOnly]
    Task<RebalancingSuggestion?> Get(string suggestionId);

    /// <summary>
    /// Replaces a ready suggestion's changes (staff drop or alter some): checked against the live layout, the
    /// fixed spaces and the budget; the model's figures are recomputed, the simulated effect is marked stale.
    /// </summary>
    Task<Outcome<RebalancingSuggestion>> Edit(string suggestionId, LayoutChanges changes, string staffId);

    /// <summary>Turns a ready suggestion into a committee scenario (origin <c>rebalancing:&lt;id&gt;</c>); returns the scenario id.</summary>
    Task<Outcome<string>> Accept(string suggestionId, string staffId, string? name);

    Task<Outcome<RebalancingSuggestion>> Reject(string suggestionId, string reason, string staffId);

    /// <summary>Cancels a running suggestion's job.</summary>
    Task<Outcome<RebalancingSuggestion>> Cancel(string suggestionId, string staffId);
}
