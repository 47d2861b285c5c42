using Parking.Domain.Layout;
using Parking.Domain.Scenarios;

namespace Parking.Planning.Rebalancing;

/// <summary>One group of retyped spaces, and why: what it serves more, what it serves less, and the walk.</summary>
public sealed record ProposedRetype(
    string LotId,
    SpaceKind From,
    SpaceKind To,
    IReadOnlyList<string> SpaceIds,
    double ServedGainPerWeek,
    string GainUnit,
    double ServedLossPerWeek,
    string LossUnit,
    double MeanWalkMeters,
    IReadOnlyList<string> Buildings);

/// <summary>A daily sharing window for private spaces, and what it serves.</summary>
public sealed record ProposedSharing(
    TimeOnly From,
    TimeOnly Until,
    double OwnersShare,
    int PrivateSpaces,
    double ServedGainPerWeek);

/// <summary>The model's figures for one need: demand, served, and the mean walk of what is served, per week.</summary>
public sealed record NeedFigures(Need Need, string Unit, double DemandPerWeek, double ServedPerWeek, double MeanWalkMeters)
{
    public double ServedShare => DemandPerWeek > 0 ? ServedPerWeek / DemandPerWeek : 1;
}

/// <summary>A building's demand the layout leaves unserved, per week, by need.</summary>
public sealed record BuildingUnserved(string BuildingId, Need Need, double UnservedPerWeek);

/// <summary>The model's evaluation of one layout against the demand.</summary>
public sealed record RebalancingFigures(
    IReadOnlyList<NeedFigures> Needs,
    IReadOnlyList<BuildingUnserved> Unserved,
    double Objective)
{
    public NeedFigures For(Need need) => Needs.First(n => n.Need == need);
}

/// <summary>
/// A proposed rebalancing: the layout changes (ready for <see cref="ScenarioLayout.Apply"/>), the sharing
/// rules, the reason for each change, and the model's figures for today's layout and the proposed one.
/// </summary>
public sealed record RebalancingProposal(
    LayoutChanges Changes,
    ScenarioRules Rules,
    IReadOnlyList<ProposedRetype> Retypes,
    ProposedSharing? Sharing,
    RebalancingFigures Before,
    RebalancingFigures After,
    RebalancingSolveStatus Status,
    string Method,
    TimeSpan Elapsed)
{
    public int SpaceChanges => Changes.Spaces.Count;

    public int NewChargers => Changes.Chargers.Count(c => c.MaxKw > 0);

    /// <summary>The proposal as a scenario's content, for the committee.</summary>
    public ScenarioDefinition ToDefinition(string name, string description) => new(name, description, Changes, Rules);
}
