using Google.OrTools.LinearSolver;
using Parking.Domain.Charging;

namespace Parking.Planning.Charging;

/// <summary>
/// Power per period for given turns: a linear program (GLOP) over each car's power in every period of its turn
/// (at most its car's and charger's power, times the share of the period it is present), the feed per period, each
/// phase's limit and the imbalance limit, and each need. Turns decide who holds which charger; this decides how the
/// feed is shared, in the area's <see cref="ChargingObjectiveOrder"/>, solved stage by stage (each stage's optimum
/// kept as a constraint of the next): the least share (of the need, or of the minimum need), the drivers fully
/// served (the largest set, smallest needs first, that can all be served in full), then energy, cheaper and earlier
/// periods first among equal energy.
/// </summary>
internal static class TurnPower
{
    // Kept off the sums' limits so that the solver's tolerances never take a plan over one; the result is also
    // clamped and scaled back onto every power, need and period's capacity.
    private const double Margin = 1e-9;

    public static double[][] Allocate(
        ChargingInstance instance, IReadOnlyList<ChargingTurn?> turns, ChargingObjectiveOrder order, double minimumNeedKwh) =>
        Allocate(instance, [.. turns.Select(t => t is null ? (IReadOnlyList<ChargingTurn>)[] : [t])], order, minimumNeedKwh);

    /// <summary>As above, for requests with several turns each (<paramref name="turns"/>[i] are request i's turns, disjoint in time).</summary>
    public static double[][] Allocate(
        ChargingInstance instance, IReadOnlyList<IReadOnlyList<ChargingTurn>> turns, ChargingObjectiveOrder order, double minimumNeedKwh) =>
        Allocate(instance, turns, order, minimumNeedKwh, null, null);

    /// <summary>
    /// Energy (cheaper, then earlier periods first among equals) for the given turns with a floor per request
    /// (<paramref name="floorsKwh"/>, kWh): a floor the turns cannot meet is met as far as they allow, at a price of a
    /// hundred times the energy, and what is still missing is written to <paramref name="shortKwh"/> (a request without
    /// a turn misses its whole floor). Tells which drivers the turns leave below a least share, and by how much.
    /// </summary>
    public static double[][] AllocateToFloors(
        ChargingInstance instance, IReadOnlyList<IReadOnlyList<ChargingTurn>> turns, IReadOnlyList<double> floorsKwh, double[] shortKwh) =>
        Allocate(instance, turns, ChargingObjectiveOrder.FullyServedFirst, 0, floorsKwh, shortKwh);

    private static double[][] Allocate(
        ChargingInstance instance, IReadOnlyList<IReadOnlyList<ChargingTurn>> turns, ChargingObjectiveOrder order, double minimumNeedKwh,
        IReadOnlyList<double>? floorsKwh, double[]? shortKwh)
    {
        var requests = instance.Requests;
        var hours = instance.PeriodHours;
        var kw = requests.Select(_ => new double[instance.Periods]).ToArray();
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("GLOP is not available.");
        var power = new Variable?[requests.Count][];
        var site = Enumerable.Range(0, instance.Periods)
            .Select(t => solver.MakeConstraint(double.NegativeInfinity, Math.Max(0, instance.CapacityKw(t) - Margin))).ToArray();
        var phaseLoad = instance.HasPhaseLimits
            ? Enumerable.Range(0, instance.Periods).Select(_ => new List<(Variable P, ChargerSpec Charger)>()).ToArray()
            : null;
        var energyRows = new Constraint?[requests.Count];
        var shareRows = new Constraint?[requests.Count];
        var share = solver.MakeNumVar(0, 1, "share");
        var objective = solver.Objective();
        var maxPrice = Enumerable.Range(0, instance.Periods).Select(instance.Price).DefaultIfEmpty(0).Max();
        var any = false;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            power[i] = new Variable?[instance.Periods];
            if (turns[i].Count == 0 || request.EnergyKwh <= 0) continue;
            var energy = energyRows[i] = solver.MakeConstraint(0, Math.Max(0, request.EnergyKwh - Margin) / hours);
            var target = order == ChargingObjectiveOrder.MinimumNeedFirst && minimumNeedKwh > 0
                ? Math.Min(request.EnergyKwh, minimumNeedKwh) : request.EnergyKwh;
            var shareRow = shareRows[i] = solver.MakeConstraint(0, double.PositiveInfinity);
            shareRow.SetCoefficient(share, -target / hours);
            foreach (var turn in turns[i])
            for (var t = Math.Max(0, turn.StartPeriod); t < Math.Min(instance.Periods, turn.EndPeriod); t++)
            {
                var charger = instance.Charger(turn.ChargerId)!;
                var limit = Math.Max(0, Math.Min(request.MaxKw, charger.MaxKw));
                if (power[i][t] is not null) continue;
                var cap = limit * request.PresentShare(t);
                if (cap <= Margin) continue;
                var p = power[i][t] = solver.MakeNumVar(0, cap, "");
                any = true;
                site[t].SetCoefficient(p, 1);
                energy.SetCoefficient(p, 1);
                shareRow.SetCoefficient(p, 1);
                phaseLoad?[t].Add((p, charger));
                // Energy first; among equal energy cheaper periods, then earlier ones.
                objective.SetCoefficient(p, hours * (1 - (maxPrice > 0 ? 1e-4 * instance.Price(t) / maxPrice : 0) - (1e-6 * t / instance.Periods)));
            }
        }
        if (floorsKwh is not null)
        {
            // Each floor with a slack that costs a hundred times the energy it stands for; floors above the need are the need.
            var slack = new Variable?[requests.Count];
            for (var i = 0; i < requests.Count; i++)
            {
                var floor = Math.Min(floorsKwh[i], requests[i].EnergyKwh);
                shortKwh![i] = Math.Max(0, floor);
                if (floor <= 0 || energyRows[i] is null) continue;
                var s = slack[i] = solver.MakeNumVar(0, floor / hours, "");
                var row = solver.MakeConstraint(Math.Max(0, floor - Margin) / hours, double.PositiveInfinity);
                row.SetCoefficient(s, 1);
                foreach (var p in power[i].OfType<Variable>()) row.SetCoefficient(p, 1);
                objective.SetCoefficient(s, -100 * hours);
            }
            objective.SetMaximization();
            if (!any || solver.Solve() is not Solver.ResultStatus.OPTIMAL) return kw;
            for (var i = 0; i < requests.Count; i++)
                if (slack[i] is { } s) shortKwh![i] = Math.Max(0, s.SolutionValue() * hours);
                else if (energyRows[i] is not null) shortKwh![i] = 0;
            return Read(instance, power, kw);
        }
        if (!any) return kw;
        if (phaseLoad is not null)
        {
            for (var t = 0; t < instance.Periods; t++)
            {
                if (phaseLoad[t].Count == 0) continue;
                for (var a = 0; a < 3; a++)
                {
                    if (instance.PhaseLimitKw is { } phaseLimit)
                    {
                        var row = solver.MakeConstraint(double.NegativeInfinity, Math.Max(0, phaseLimit - Margin));
                        foreach (var (p, charger) in phaseLoad[t]) row.SetCoefficient(p, charger.PhaseShare(a));
                    }
                    if (instance.PhaseImbalanceKw is not { } imbalance) continue;
                    for (var b = 0; b < 3; b++)
                    {
                        if (a == b) continue;
                        var row = solver.MakeConstraint(double.NegativeInfinity, Math.Max(0, imbalance - Margin));
                        foreach (var (p, charger) in phaseLoad[t]) row.SetCoefficient(p, charger.PhaseShare(a) - charger.PhaseShare(b));
                    }
                }
            }
        }

        // Stage 1: the least share (of the need, or of the minimum need), unless only full service and energy count.
        if (order != ChargingObjectiveOrder.FullyServedFirst)
        {
            var energyObjective = Enumerable.Range(0, requests.Count).SelectMany(i => power[i].OfType<Variable>())
                .Select(p => (p, objective.GetCoefficient(p))).ToList();
            objective.Clear();
            objective.SetCoefficient(share, 1);
            objective.SetMaximization();
            if (solver.Solve() is Solver.ResultStatus.OPTIMAL)
                share.SetBounds(Math.Max(0, share.SolutionValue() - 1e-7), 1);
            objective.Clear();
            objective.SetCoefficient(share, 0);
            foreach (var (p, c) in energyObjective) objective.SetCoefficient(p, c);
        }
        objective.SetMaximization();

        // Stage 2: drivers fully served, smallest needs first: the longest prefix that can all be served in full.
        if (order != ChargingObjectiveOrder.LeastShareFirst)
        {
            var candidates = Enumerable.Range(0, requests.Count)
                .Where(i => energyRows[i] is not null
                    && power[i].OfType<Variable>().Sum(p => p.Ub()) * hours >= requests[i].EnergyKwh - 1e-6)
                .OrderBy(i => requests[i].EnergyKwh).ThenBy(i => requests[i].ArrivalPeriod).ToList();
            bool Feasible(int count)
            {
                for (var k = 0; k < candidates.Count; k++)
                {
                    var i = candidates[k];
                    var full = Math.Max(0, requests[i].EnergyKwh - Margin) / hours;
                    energyRows[i]!.SetBounds(k < count ? full * 0.99995 : 0, full);
                }
                return solver.Solve() is Solver.ResultStatus.OPTIMAL;
            }
            int lo = 0, hi = candidates.Count;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (Feasible(mid)) lo = mid;
                else hi = mid - 1;
            }
            Feasible(lo);
        }

        // Stage 3: energy (cheaper, then earlier periods first among equals).
        if (solver.Solve() is not Solver.ResultStatus.OPTIMAL)
        {
            // Relax the stages' constraints rather than return nothing: zero is always feasible without them.
            share.SetBounds(0, 1);
            foreach (var row in energyRows) row?.SetLb(0);
            if (solver.Solve() is not Solver.ResultStatus.OPTIMAL) return kw;
        }
        return Read(instance, power, kw);
    }

    /// <summary>The program's powers, clamped and scaled back onto every power, need and period's capacity.</summary>
    private static double[][] Read(ChargingInstance instance, Variable?[][] power, double[][] kw)
    {
        var requests = instance.Requests;
        var hours = instance.PeriodHours;
        for (var i = 0; i < requests.Count; i++)
        {
            for (var t = 0; t < instance.Periods; t++)
            {
                if (power[i][t] is not { } p) continue;
                var value = Math.Clamp(p.SolutionValue(), 0, p.Ub());
                kw[i][t] = value < 1e-9 ? 0 : value;
            }
            var delivered = kw[i].Sum() * hours;
            if (delivered > requests[i].EnergyKwh)
                for (var t = 0; t < instance.Periods; t++) kw[i][t] *= requests[i].EnergyKwh / delivered;
        }
        for (var t = 0; t < instance.Periods; t++)
        {
            var total = kw.Sum(row => row[t]);
            if (total > instance.CapacityKw(t))
                foreach (var row in kw) row[t] *= instance.CapacityKw(t) / total;
        }
        return kw;
    }
}
