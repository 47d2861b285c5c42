using System.Diagnostics;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;

namespace Parking.Planning.Rebalancing;

/// <summary>
/// Layout rebalancing: proposes which shared-pool spaces to retype (and where to put chargers) and which daily
/// hours to open private spaces to the pool, to serve the demand best within what staff fix. <see cref="Greedy"/>
/// moves spaces that stand idle all week to the nearest unmet need (the baseline, the hint and the fallback);
/// <see cref="Suggest"/> solves the mixed-integer model from that hint and never returns a worse suggestion.
/// Every suggestion keeps the fixed spaces and kinds, stays within the budget and applies to the live layout.
/// </summary>
public static class Rebalancer
{
    private const double Epsilon = 1e-6;

    /// <summary>The greedy suggestion: idle spaces, nearest unmet need first.</summary>
    public static LayoutSuggestion Greedy(
        CompoundLayout live, RebalancingDemand demand, RebalancingConstraints constraints, RebalancingSolveOptions? options = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var prepared = new PreparedRebalancing(live, demand, constraints, options ?? RebalancingSolveOptions.Default);
        var before = Evaluate(prepared, RebalancingDecision.None(prepared));
        var decision = GreedyDecision(prepared, before);
        var after = Evaluate(prepared, decision);
        return Suggestion(prepared, decision, before, after, RebalancingSolveStatus.Fallback, "greedy", stopwatch.Elapsed);
    }

    /// <summary>
    /// The optimized suggestion: the greedy one, then the model hinted with it within the time budget; the better
    /// of the two by the model's objective. A cancelled token or a model that finds nothing gives the greedy one.
    /// </summary>
    public static LayoutSuggestion Suggest(
        CompoundLayout live, RebalancingDemand demand, RebalancingConstraints constraints, RebalancingSolveOptions? options = null,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= RebalancingSolveOptions.Default;
        var stopwatch = Stopwatch.StartNew();
        var prepared = new PreparedRebalancing(live, demand, constraints, options);
        var before = Evaluate(prepared, RebalancingDecision.None(prepared));
        progress?.Report(0.1);
        var greedyDecision = GreedyDecision(prepared, before);
        var greedy = Evaluate(prepared, greedyDecision);
        progress?.Report(0.2);
        var remaining = options.TimeLimit - stopwatch.Elapsed;
        if (remaining <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return Suggestion(prepared, greedyDecision, before, greedy, RebalancingSolveStatus.Fallback, "greedy", stopwatch.Elapsed);
        }

        // A tenth of what is left stays for evaluating the chosen layout after the solve.
        var solved = RebalancingModel.Solve(prepared, null, greedyDecision, remaining * 0.9, cancellationToken);
        progress?.Report(0.9);
        if (solved is null || solved.Objective < greedy.Objective - Epsilon || !WithinConstraints(prepared, solved.Decision))
        {
            return Suggestion(prepared, greedyDecision, before, greedy, RebalancingSolveStatus.Fallback, "greedy", stopwatch.Elapsed);
        }

        // The figures of the chosen layout are its own best flows (an LP), as for every other layout.
        var after = Evaluate(prepared, solved.Decision);
        var status = solved.Optimal ? RebalancingSolveStatus.Optimal : RebalancingSolveStatus.Feasible;
        return Suggestion(prepared, solved.Decision, before, after, status, "mip", stopwatch.Elapsed);
    }

    /// <summary>
    /// The model's figures for a layout (today's, or one a scenario made) with an optional daily sharing
    /// window: the best the layout can serve of the demand.
    /// </summary>
    public static RebalancingFigures Evaluate(
        CompoundLayout layout, RebalancingDemand demand, ScenarioRules? rules = null, RebalancingSolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var constraints = new RebalancingConstraints
        {
            ConsiderSharing = rules?.SharingFrom is not null,
            SharingOwnersShare = rules?.SharingOwnersShare ?? 0.3,
        };
        List<SharingWindowChoice>? windows = rules?.SharingFrom is { } from && rules.SharingUntil is { } until
            ? [new SharingWindowChoice(from.Hour, until.Hour)]
            : null;
        var prepared = new PreparedRebalancing(layout, demand, constraints, options ?? RebalancingSolveOptions.Default, windows);
        var decision = RebalancingDecision.None(prepared) with { Window = windows is null ? -1 : 0 };
        return Figures(prepared, Evaluate(prepared, decision));
    }

    private static RebalancingSolution Evaluate(PreparedRebalancing prepared, RebalancingDecision decision) =>
        RebalancingModel.Solve(prepared, decision, null, TimeSpan.Zero, CancellationToken.None)
            ?? throw new InvalidOperationException("The layout could not be evaluated.");

    private static bool WithinConstraints(PreparedRebalancing prepared, RebalancingDecision decision)
    {
        var lots = prepared.Lots.Length;
        for (var l = 0; l < lots; l++)
        {
            for (var k = 0; k < PreparedRebalancing.Kinds; k++)
            {
                if (decision.Loss[l, k] > prepared.Lots[l].MovableCount(k) || (decision.Gain[l, k] > 0 && !prepared.CanGain(l, k)))
                {
                    return false;
                }
            }
        }

        return decision.Changes <= prepared.Constraints.MaxSpaceChanges && decision.NewEvSpaces(lots) <= prepared.Constraints.MaxNewChargers;
    }

    /// <summary>
    /// Spaces idle in every period of the week move, within the budget, to the need with the highest value per
    /// unit first (accessible, charging, standard, visitor), for the building with the largest unmet peak first,
    /// into its nearest lot that has such idle spaces; then the sharing window that serves most unmet standard
    /// demand for its cost, if any does.
    /// </summary>
    private static RebalancingDecision GreedyDecision(PreparedRebalancing prepared, RebalancingSolution today)
    {
        var lots = prepared.Lots;
        const int kinds = PreparedRebalancing.Kinds;
        var decision = RebalancingDecision.None(prepared);
        var idle = new int[lots.Length, kinds];
        for (var l = 0; l < lots.Length; l++)
        {
            for (var k = 0; k < kinds; k++)
            {
                var peak = Enumerable.Range(0, prepared.Periods).Max(p => today.Used[l, p, k]);
                var spare = k == (int)SpaceKind.EV
                    ? lots[l].AverageMovableKw > 0 ? (lots[l].FixedKw + lots[l].MovableKw - peak) / lots[l].AverageMovableKw : lots[l].MovableCount(k)
                    : lots[l].Fixed[k] + lots[l].MovableCount(k) - peak;
                idle[l, k] = Math.Clamp((int)Math.Floor(spare + Epsilon), 0, lots[l].MovableCount(k));
            }
        }

        var budget = prepared.Constraints.MaxSpaceChanges;
        var chargersLeft = prepared.Constraints.MaxNewChargers;
        foreach (var k in new[] { (int)Need.Accessible, (int)Need.Charging, (int)Need.Standard, (int)Need.Visitor })
        {
            var perSpace = k == (int)Need.Charging ? prepared.Constraints.NewChargerKw : 1;
            var buildings = Enumerable.Range(0, prepared.Buildings.Length)
                .Select(b => (Building: b, Peak: Enumerable.Range(0, prepared.Periods).Max(p => today.Unmet[b, p, k])))
                .Where(x => x.Peak > Epsilon)
                .OrderByDescending(x => x.Peak).ThenBy(x => x.Building)
                .ToList();
            foreach (var (b, peak) in buildings)
            {
                var wanted = (int)Math.Ceiling((peak / perSpace) - Epsilon);
                foreach (var l in prepared.LotsOf[b])
                {
                    while (wanted > 0 && budget > 0 && (k != (int)SpaceKind.EV || chargersLeft > 0) && prepared.CanGain(l, k))
                    {
                        var source = Enumerable.Range(0, kinds).Where(s => s != k && idle[l, s] > 0)
                            .OrderByDescending(s => idle[l, s]).ThenBy(s => s).DefaultIfEmpty(-1).First();
                        if (source < 0)
                        {
                            break;
                        }

                        idle[l, source]--;
                        decision.Loss[l, source]++;
                        decision.Gain[l, k]++;
                        budget--;
                        wanted--;
                        chargersLeft -= k == (int)SpaceKind.EV ? 1 : 0;
                    }
                }
            }
        }

        if (prepared.SharablePrivateTotal == 0)
        {
            return decision;
        }

        var offered = prepared.SharablePrivateTotal * prepared.Constraints.SharingOwnersShare;
        var best = (Window: -1, Value: 0.0);
        for (var w = 0; w < prepared.Windows.Length; w++)
        {
            double value = 0;
            for (var p = 0; p < prepared.Periods; p++)
            {
                if (prepared.Windows[w].Covers(prepared.PeriodHourOfDay[p]))
                {
                    var unmet = Enumerable.Range(0, prepared.Buildings.Length).Sum(b => today.Unmet[b, p, (int)Need.Standard]);
                    value += prepared.PeriodWeight[p] * (Math.Min(unmet, offered * prepared.Away[p]) - (0.02 * offered));
                }
            }

            if (value > best.Value + Epsilon)
            {
                best = (w, value);
            }
        }

        return decision with { Window = best.Window };
    }

    private static LayoutSuggestion Suggestion(
        PreparedRebalancing prepared, RebalancingDecision decision, RebalancingSolution before, RebalancingSolution after,
        RebalancingSolveStatus status, string method, TimeSpan elapsed)
    {
        var spaceChanges = new List<SpaceChange>();
        var chargerChanges = new List<ChargerChange>();
        var retypes = new List<SuggestedRetype>();
        var withCharger = prepared.Layout.ChargingAreas.SelectMany(a => a.Chargers).Select(c => c.SpaceId).ToHashSet(StringComparer.Ordinal);
        for (var l = 0; l < prepared.Lots.Length; l++)
        {
            var lot = prepared.Lots[l];
            var gains = new List<int>();
            var losses = new List<int>();
            for (var k = 0; k < PreparedRebalancing.Kinds; k++)
            {
                var net = decision.Gain[l, k] - decision.Loss[l, k];
                gains.AddRange(Enumerable.Repeat(k, Math.Max(0, net)));
                losses.AddRange(Enumerable.Repeat(k, Math.Max(0, -net)));
            }

            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pair in losses.Zip(gains).GroupBy(p => p).Select(g => (From: g.Key.First, To: g.Key.Second, Count: g.Count())))
            {
                var spaces = Pick(lot.Movable[pair.From].Where(s => !taken.Contains(s.SpaceId)), pair.From, pair.To, withCharger).Take(pair.Count).ToList();
                var ids = new List<string>();
                foreach (var space in spaces)
                {
                    taken.Add(space.SpaceId);
                    ids.Add(space.SpaceId);
                    spaceChanges.Add(new SpaceChange(space.SpaceId, Kind: (SpaceKind)pair.To));
                    if (pair.From == (int)SpaceKind.EV && withCharger.Contains(space.SpaceId))
                    {
                        chargerChanges.Add(new ChargerChange(space.SpaceId, 0));
                    }
                    else if (pair.To == (int)SpaceKind.EV)
                    {
                        chargerChanges.Add(new ChargerChange(space.SpaceId, prepared.Constraints.NewChargerKw));
                    }
                }

                retypes.Add(Rationale(prepared, l, pair.From, pair.To, ids, decision, before, after));
            }
        }

        SuggestedSharing? sharing = null;
        var rules = ScenarioRules.Live;
        if (decision.Window >= 0)
        {
            var window = prepared.Windows[decision.Window];
            var from = new TimeOnly(window.FromHour % 24, 0);
            var until = new TimeOnly(window.UntilHour % 24, 0);
            rules = rules with { SharingOwnersShare = prepared.Constraints.SharingOwnersShare, SharingFrom = from, SharingUntil = until };
            sharing = new SuggestedSharing(from, until, prepared.Constraints.SharingOwnersShare, prepared.SharablePrivateTotal, after.SharedServed.Sum());
        }

        return new LayoutSuggestion(
            new LayoutChanges(spaceChanges, chargerChanges, [], []),
            rules,
            retypes,
            sharing,
            Figures(prepared, before),
            Figures(prepared, after),
            status,
            method,
            elapsed);
    }

    /// <summary>
    /// Which spaces of a kind to retype: accessible and visitor spaces go nearest the entrance, EV spaces along
    /// the far end (where the cables run); spaces given up for standard ones are the far accessible ones and
    /// the EV spaces without a charger first. Ties go by space id, so the choice is deterministic.
    /// </summary>
    private static IEnumerable<SpaceDefinition> Pick(IEnumerable<SpaceDefinition> candidates, int from, int to, HashSet<string> withCharger) => to switch
    {
        (int)SpaceKind.Accessible or (int)SpaceKind.Visitor => candidates.OrderBy(s => s.WalkOffsetMeters).ThenBy(s => s.SpaceId, StringComparer.Ordinal),
        (int)SpaceKind.EV => candidates.OrderByDescending(s => s.WalkOffsetMeters).ThenBy(s => s.SpaceId, StringComparer.Ordinal),
        _ when from == (int)SpaceKind.EV => candidates.OrderBy(s => withCharger.Contains(s.SpaceId)).ThenBy(s => s.WalkOffsetMeters).ThenBy(s => s.SpaceId, StringComparer.Ordinal),
        _ => candidates.OrderByDescending(s => s.WalkOffsetMeters).ThenBy(s => s.SpaceId, StringComparer.Ordinal),
    };

    private static SuggestedRetype Rationale(
        PreparedRebalancing prepared, int lot, int from, int to, List<string> ids, RebalancingDecision decision,
        RebalancingSolution before, RebalancingSolution after)
    {
        double Delta(int kind) => Enumerable.Range(0, prepared.Buildings.Length).Sum(b => after.Served[lot, b, kind] - before.Served[lot, b, kind]);
        var gained = Math.Max(1, decision.Gain[lot, to] - decision.Loss[lot, to]);
        var lost = Math.Max(1, decision.Loss[lot, from] - decision.Gain[lot, from]);
        var buildings = Enumerable.Range(0, prepared.Buildings.Length)
            .Select(b => (b, Delta: after.Served[lot, b, to] - before.Served[lot, b, to]))
            .Where(x => x.Delta > Epsilon)
            .OrderByDescending(x => x.Delta).ThenBy(x => x.b)
            .ToList();
        var walkWeight = buildings.Sum(x => x.Delta);
        var walk = walkWeight > 0 ? buildings.Sum(x => x.Delta * prepared.Walk[lot][x.b]) / walkWeight : 0;
        return new SuggestedRetype(
            prepared.Lots[lot].LotId,
            (SpaceKind)from,
            (SpaceKind)to,
            ids,
            Math.Max(0, Delta(to)) * ids.Count / gained,
            UnitOf((Need)to),
            Math.Max(0, -Delta(from)) * ids.Count / lost,
            UnitOf((Need)from),
            Math.Round(walk, 1),
            [.. buildings.Take(3).Select(x => prepared.Buildings[x.b])]);
    }

    private static RebalancingFigures Figures(PreparedRebalancing prepared, RebalancingSolution solution)
    {
        var needs = new List<NeedFigures>();
        var unserved = new List<BuildingUnserved>();
        for (var k = 0; k < PreparedRebalancing.Kinds; k++)
        {
            double demand = 0, served = 0, walk = 0;
            for (var b = 0; b < prepared.Buildings.Length; b++)
            {
                double wanted = 0, got = 0;
                for (var p = 0; p < prepared.Periods; p++)
                {
                    wanted += prepared.Demand[b, p, k] * prepared.PeriodWeight[p];
                }

                for (var l = 0; l < prepared.Lots.Length; l++)
                {
                    got += solution.Served[l, b, k];
                    walk += solution.Served[l, b, k] * prepared.Walk[l][b];
                }

                demand += wanted;
                served += got;
                if (wanted - got > 0.01)
                {
                    unserved.Add(new BuildingUnserved(prepared.Buildings[b], (Need)k, Math.Round(wanted - got, 2)));
                }
            }

            needs.Add(new NeedFigures((Need)k, UnitOf((Need)k), Math.Round(demand, 2), Math.Round(served, 2), served > 0 ? Math.Round(walk / served, 1) : 0));
        }

        return new RebalancingFigures(needs, unserved, Math.Round(solution.Objective, 3));
    }

    private static string UnitOf(Need need) => need == Need.Charging ? "kWh" : "space-hours";
}
