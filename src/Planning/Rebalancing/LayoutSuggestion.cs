using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;

namespace Parking.Planning.Rebalancing;

/// <summary>
/// A suggested rebalancing: the layout changes (ready for <see cref="ScenarioLayout.Apply"/>), the sharing
/// rules, the reason for each change, and the model's figures for today's layout and the suggested one.
/// </summary>
public sealed record LayoutSuggestion(
    LayoutChanges Changes,
    ScenarioRules Rules,
    IReadOnlyList<SuggestedRetype> Retypes,
    SuggestedSharing? Sharing,
    RebalancingFigures Before,
    RebalancingFigures After,
    RebalancingSolveStatus Status,
    string Method,
    TimeSpan Elapsed)
{
    public int SpaceChanges => Changes.Spaces.Count;

    public int NewChargers => Changes.Chargers.Count(c => c.MaxKw > 0);

    /// <summary>The suggestion as a scenario's content, for the committee.</summary>
    public ScenarioDefinition ToDefinition(string name, string description) => new(name, description, Changes, Rules);
}
