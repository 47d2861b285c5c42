using System.Globalization;
using System.Text;
using Parking.Domain.Rebalancing;
using Parking.Planning.Rebalancing;

namespace Parking.Grains.Rebalancing;

/// <summary>The optimizer's results as what the grain stores.</summary>
internal static class RebalancingRecords
{
    public static RebalancingProposalRecord Ready(
        RebalancingProposalRecord running, RebalancingProposal proposal, SimulatedEffect? effect, string demandUsed, string? note) => running with
        {
            Status = RebalancingLifecycle.Move(running.Status, RebalancingStatus.Ready),
            Changes = proposal.Changes,
            Rules = proposal.Rules,
            Retypes = [.. proposal.Retypes.Select(r => new RetypeRationale(
                r.LotId, r.From, r.To, r.SpaceIds, Math.Round(r.ServedGainPerWeek, 1), r.GainUnit, Math.Round(r.ServedLossPerWeek, 1), r.LossUnit, r.MeanWalkMeters, r.Buildings))],
            Sharing = proposal.Sharing is { } s
                ? new SharingRationale(s.From, s.Until, s.OwnersShare, s.PrivateSpaces, Math.Round(s.ServedGainPerWeek, 1))
                : null,
            Before = ToRecord(proposal.Before),
            After = ToRecord(proposal.After),
            SolveStatus = proposal.Status.ToString().ToLowerInvariant(),
            Method = proposal.Method,
            SolveSeconds = Math.Round(proposal.Elapsed.TotalSeconds, 2),
            Effect = effect,
            DemandUsed = demandUsed,
            Note = note,
        };

    public static ModelFigures ToRecord(RebalancingFigures figures) => new(
        [.. figures.Needs.Select(n => new NeedFigure(Wire(n.Need), n.Unit, n.DemandPerWeek, n.ServedPerWeek, n.MeanWalkMeters))],
        [.. figures.Unserved.Select(u => new UnservedFigure(u.BuildingId, Wire(u.Need), u.UnservedPerWeek))],
        figures.Objective);

    public static string Wire(Need need) => need.ToString().ToLowerInvariant();

    /// <summary>The scenario's description: what the proposal changes, in one paragraph the committee can read.</summary>
    public static string Describe(RebalancingProposalRecord proposal)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Proposed by rebalancing {proposal.ProposalId} ({proposal.CreatedBy}, {proposal.CreatedAt:yyyy-MM-dd})."));
        foreach (var r in proposal.Retypes)
        {
            text.Append(CultureInfo.InvariantCulture, $" {r.LotId}: {r.SpaceIds.Count} {r.From} → {r.To} (+{r.ServedGainPerWeek:0} {r.GainUnit}/week).");
        }

        if (proposal.Sharing is { } s)
        {
            text.Append(CultureInfo.InvariantCulture, $" Private spaces shared {s.From:HH\\:mm}–{s.Until:HH\\:mm} (+{s.ServedGainPerWeek:0} space-hours/week).");
        }

        return text.ToString();
    }
}
