using System.Globalization;
using System.Text;
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

    /// <summary>The scenario's description: what the suggestion changes, in one paragraph the committee can read.</summary>
    public static string Describe(RebalancingSuggestion suggestion)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Proposed by rebalancing {suggestion.SuggestionId} ({suggestion.CreatedBy}, {suggestion.CreatedAt:yyyy-MM-dd})."));
        foreach (var r in suggestion.Retypes)
        {
            text.Append(CultureInfo.InvariantCulture, $" {r.LotId}: {r.SpaceIds.Count} {r.From} → {r.To} (+{r.ServedGainPerWeek:0} {r.GainUnit}/week).");
        }

        if (suggestion.Sharing is { } s)
        {
            text.Append(CultureInfo.InvariantCulture, $" Private spaces shared {s.From:HH\\:mm}–{s.Until:HH\\:mm} (+{s.ServedGainPerWeek:0} space-hours/week).");
        }

        return text.ToString();
    }
}
