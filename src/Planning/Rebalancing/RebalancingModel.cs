using System.Globalization;
using Google.OrTools.LinearSolver;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;

namespace Parking.Planning.Rebalancing;

/// <summary>How many spaces of each kind a lot gains and loses, and the sharing window (-1: none).</summary>
internal sealed record RebalancingDecision(int[,] Gain, int[,] Loss, int Window)
{
    public static RebalancingDecision None(PreparedRebalancing prepared) =>
        new(new int[prepared.Lots.Length, PreparedRebalancing.Kinds], new int[prepared.Lots.Length, PreparedRebalancing.Kinds], -1);

    public int Changes
    {
        get
        {
            var sum = 0;
            foreach (var g in Gain)
            {
                sum += g;
            }

            return sum;
        }
    }

    public int NewEvSpaces(int lots) => Enumerable.Range(0, lots).Sum(l => Gain[l, (int)SpaceKind.EV]);
}

/// <summary>A solved model: the decision, its objective, and what each lot serves.</summary>
internal sealed record RebalancingSolution(
    RebalancingDecision Decision,
    double Objective,
    bool Optimal,
    double[,,] Served,
    double[,,] Used,
    double[,,] Unmet,
    double[] SharedServed);

/// <summary>
/// The rebalancing model, a mixed-integer program (SCIP through OR-Tools' linear solver). Integer: how many
/// spaces each lot gains and loses of each kind, and a binary per candidate sharing window. Continuous: the
/// flow of demand from each building to its nearest lots in every period of the week, per need. Demand is a
/// mean (cars per hour), so flows are fractional by nature and the flow part is an LP; only the layout is
/// integer, which is why a MIP fits better than CP-SAT here (no scaling of fractional demand to integers, and
/// the LP bound proves optimality of small instances). With the layout fixed the same model is an LP (GLOP),
/// which is how any layout, today's included, is evaluated.
/// </summary>
internal static class RebalancingModel
{
    /// <summary>Value of a served unit per need (in the order of <see cref="Need"/>): an hour on a standard space; a kWh; an hour on an accessible or visitor space.</summary>
    private static readonly double[] Value = [1.0, 1.5 / 7.0, 2.0, 0.8];

    /// <summary>
    /// Cost of each space changed, in served hours per week: repainting and re-signing a space is not free, and
    /// a change must serve at least this much more to be proposed (it also keeps changes worth nothing out).
    /// </summary>
    public const double ChangeCost = 2;

    /// <summary>Cost of each private space-hour opened to the pool: owners give something up.</summary>
    private const double SharingCost = 0.02;

    public static RebalancingSolution? Solve(
        PreparedRebalancing prepared, RebalancingDecision? fixedDecision, RebalancingDecision? hint, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        using var solver = Solver.CreateSolver(fixedDecision is null ? "SCIP" : "GLOP")
            ?? throw new InvalidOperationException("OR-Tools has no SCIP/GLOP solver in this build.");
        var lots = prepared.Lots;
        var constraints = prepared.Constraints;
        const int kinds = PreparedRebalancing.Kinds;
        var gain = new Variable[lots.Length, kinds];
        var loss = new Variable[lots.Length, kinds];
        var objective = solver.Objective();
        var budget = solver.MakeConstraint(0, Math.Max(0, constraints.MaxSpaceChanges), "budget");
        var chargers = solver.MakeConstraint(0, Math.Max(0, constraints.MaxNewChargers), "chargers");
        for (var l = 0; l < lots.Length; l++)
        {
            var balance = solver.MakeConstraint(0, 0, Name("balance", l));
            for (var k = 0; k < kinds; k++)
            {
                var gainMax = prepared.CanGain(l, k) ? lots[l].MovableTotal : 0;
                var lossMax = lots[l].MovableCount(k);
                if (fixedDecision is not null)
                {
                    gainMax = fixedDecision.Gain[l, k];
                    lossMax = fixedDecision.Loss[l, k];
                }

                gain[l, k] = solver.MakeIntVar(fixedDecision?.Gain[l, k] ?? 0, gainMax, Name("gain", l, k));
                loss[l, k] = solver.MakeIntVar(fixedDecision?.Loss[l, k] ?? 0, lossMax, Name("loss", l, k));
                balance.SetCoefficient(gain[l, k], 1);
                balance.SetCoefficient(loss[l, k], -1);
                budget.SetCoefficient(gain[l, k], 1);
                objective.SetCoefficient(gain[l, k], -ChangeCost);
                if (k == (int)SpaceKind.EV)
                {
                    chargers.SetCoefficient(gain[l, k], 1);
                }
            }
        }

        if (fixedDecision is not null)
        {
            // Today's layout (or any fixed one) is evaluated whatever its counts, even beyond a budget.
            budget.SetUb(double.PositiveInfinity);
            chargers.SetUb(double.PositiveInfinity);
        }

        var windows = prepared.Windows;
        var window = new Variable[windows.Length];
        var sharable = prepared.SharablePrivateTotal > 0;
        var oneWindow = solver.MakeConstraint(0, 1, "one-window");
        for (var w = 0; w < windows.Length; w++)
        {
            var on = fixedDecision is null ? (sharable ? 1 : 0) : fixedDecision.Window == w ? 1 : 0;
            var lower = fixedDecision is not null && fixedDecision.Window == w ? 1 : 0;
            window[w] = solver.MakeIntVar(lower, on, Name("window", w));
            oneWindow.SetCoefficient(window[w], 1);
            var offeredHours = Enumerable.Range(0, prepared.Periods).Where(p => windows[w].Covers(prepared.PeriodHourOfDay[p])).Sum(p => prepared.PeriodWeight[p]);
            objective.SetCoefficient(window[w], -SharingCost * offeredHours * prepared.SharablePrivateTotal * prepared.Constraints.SharingOwnersShare);
        }

        // Capacity rows per lot, period and need; demand rows per building, period and need.
        var capacity = new Constraint?[lots.Length, prepared.Periods, kinds];
        var site = new Constraint?[lots.Length, prepared.Periods];
        var share = prepared.Constraints.SharingOwnersShare;
        for (var l = 0; l < lots.Length; l++)
        {
            var lot = lots[l];
            for (var p = 0; p < prepared.Periods; p++)
            {
                for (var k = 0; k < kinds; k++)
                {
                    var row = k == (int)SpaceKind.EV
                        ? solver.MakeConstraint(double.NegativeInfinity, lot.FixedKw + lot.MovableKw)
                        : solver.MakeConstraint(double.NegativeInfinity, lot.Fixed[k] + lot.MovableCount(k));
                    var perSpace = k == (int)SpaceKind.EV ? constraints.NewChargerKw : 1;
                    row.SetCoefficient(gain[l, k], -perSpace);
                    row.SetCoefficient(loss[l, k], k == (int)SpaceKind.EV ? lot.AverageMovableKw : 1);
                    if (k == (int)SpaceKind.Standard && sharable)
                    {
                        for (var w = 0; w < windows.Length; w++)
                        {
                            if (windows[w].Covers(prepared.PeriodHourOfDay[p]))
                            {
                                row.SetCoefficient(window[w], -lot.SharablePrivate * share * prepared.Away[p]);
                            }
                        }
                    }

                    capacity[l, p, k] = row;
                }

                if (double.IsFinite(lot.SiteCapacityKw))
                {
                    site[l, p] = solver.MakeConstraint(double.NegativeInfinity, lot.SiteCapacityKw);
                }
            }
        }

        var flows = new List<(int Lot, int Building, int Period, int Kind, Variable Flow)>();
        for (var b = 0; b < prepared.Buildings.Length; b++)
        {
            for (var p = 0; p < prepared.Periods; p++)
            {
                for (var k = 0; k < kinds; k++)
                {
                    var demand = prepared.Demand[b, p, k];
                    if (demand <= 1e-9)
                    {
                        continue;
                    }

                    var row = prepared.LotsOf[b].Length > 1 ? solver.MakeConstraint(double.NegativeInfinity, demand) : null;
                    foreach (var l in prepared.LotsOf[b])
                    {
                        var f = solver.MakeNumVar(0, demand, string.Empty);
                        flows.Add((l, b, p, k, f));
                        row?.SetCoefficient(f, 1);
                        capacity[l, p, k]!.SetCoefficient(f, 1);
                        site[l, p]?.SetCoefficient(f, k == (int)SpaceKind.EV ? 1 : 0);
                        var walk = Math.Min(prepared.Walk[l][b], prepared.Options.WalkHorizonMeters * 0.95);
                        objective.SetCoefficient(f, prepared.PeriodWeight[p] * Value[k] * (1 - (walk / prepared.Options.WalkHorizonMeters)));
                    }
                }
            }
        }

        objective.SetMaximization();
        if (hint is not null && fixedDecision is null)
        {
            var hintVars = new List<Variable>();
            var hintValues = new List<double>();
            for (var l = 0; l < lots.Length; l++)
            {
                for (var k = 0; k < kinds; k++)
                {
                    hintVars.Add(gain[l, k]);
                    hintValues.Add(hint.Gain[l, k]);
                    hintVars.Add(loss[l, k]);
                    hintValues.Add(hint.Loss[l, k]);
                }
            }

            for (var w = 0; w < windows.Length; w++)
            {
                hintVars.Add(window[w]);
                hintValues.Add(hint.Window == w ? 1 : 0);
            }

            solver.SetHint([.. hintVars], [.. hintValues]);
        }

        if (fixedDecision is null)
        {
            solver.SetSolverSpecificParametersAsString(string.Create(CultureInfo.InvariantCulture, $"randomization/randomseedshift = {Math.Abs(prepared.Options.RandomSeed) % 1000}"));
            solver.SetTimeLimit((long)Math.Max(50, timeLimit.TotalMilliseconds));
        }

        using var registration = cancellationToken.Register(() => solver.InterruptSolve());
        var status = solver.Solve();
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            return null;
        }

        var decision = new RebalancingDecision(new int[lots.Length, kinds], new int[lots.Length, kinds], -1);
        for (var l = 0; l < lots.Length; l++)
        {
            for (var k = 0; k < kinds; k++)
            {
                decision.Gain[l, k] = (int)Math.Round(gain[l, k].SolutionValue());
                decision.Loss[l, k] = (int)Math.Round(loss[l, k].SolutionValue());
            }
        }

        for (var w = 0; w < windows.Length; w++)
        {
            if (window[w].SolutionValue() > 0.5)
            {
                decision = decision with { Window = w };
            }
        }

        var served = new double[lots.Length, prepared.Buildings.Length, kinds];
        var used = new double[lots.Length, prepared.Periods, kinds];
        var unmet = new double[prepared.Buildings.Length, prepared.Periods, kinds];
        for (var b = 0; b < prepared.Buildings.Length; b++)
        {
            for (var p = 0; p < prepared.Periods; p++)
            {
                for (var k = 0; k < kinds; k++)
                {
                    unmet[b, p, k] = prepared.Demand[b, p, k];
                }
            }
        }

        foreach (var (l, b, p, k, f) in flows)
        {
            var value = f.SolutionValue();
            served[l, b, k] += value * prepared.PeriodWeight[p];
            used[l, p, k] += value;
            unmet[b, p, k] -= value;
        }

        // What the sharing window serves: standard flow above the lot's own standard spaces.
        var sharedServed = new double[lots.Length];
        for (var l = 0; l < lots.Length; l++)
        {
            var own = lots[l].Fixed[0] + lots[l].MovableCount(0) + decision.Gain[l, 0] - decision.Loss[l, 0];
            for (var p = 0; p < prepared.Periods; p++)
            {
                sharedServed[l] += Math.Max(0, used[l, p, 0] - own) * prepared.PeriodWeight[p];
            }
        }

        return new RebalancingSolution(decision, objective.Value(), status == Solver.ResultStatus.OPTIMAL, served, used, unmet, sharedServed);
    }

    private static string Name(string what, params int[] indices) =>
        what + string.Join('_', indices.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
