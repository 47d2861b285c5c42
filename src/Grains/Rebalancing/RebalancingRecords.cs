using Parking.Domain.Rebalancing;
using Parking.Planning.Rebalancing;

namespace Parking.Grains.Rebalancing;

/// <summary>The optimizer's suggestion as what the grain stores.</summary>
internal static class RebalancingRecords
{
    /// <summary>The running suggestion, ready: the optimizer's records kept as they are, the weekly gains rounded to a tenth.</summary>
    public static RebalancingSuggestion Ready(
        RebalancingSuggestion running, LayoutSuggestion suggestion, SimulatedEffect? effect, string demandUsed, string? note) => running.MoveTo(RebalancingStatus.Ready) with
        {
            Changes = suggestion.Changes,
            Rules = suggestion.Rules,
            Retypes = [.. suggestion.Retypes.Select(r => r with
            {
                ServedGainPerWeek = Math.Round(r.ServedGainPerWeek, 1),
                ServedLossPerWeek = Math.Round(r.ServedLossPerWeek, 1),
            })],
            Sharing = suggestion.Sharing is { } s ? s with { ServedGainPerWeek = Math.Round(s.ServedGainPerWeek, 1) } : null,
            Before = suggestion.Before,
            After = suggestion.After,
            SolveStatus = suggestion.Status,
            Method = suggestion.Method,
            SolveSeconds = Math.Round(suggestion.Elapsed.TotalSeconds, 2),
            Effect = effect,
            DemandUsed = demandUsed,
            Note = note,
        };

}
