using Google.OrTools.LinearSolver;

namespace Parking.Planning.Charging;

/// <summary>
/// Upper bounds on the energy of in-turn charging that know about turns: linear relaxations (GLOP) of a
/// time-indexed model of turns with modulated power, in which quiet hours count.
/// <para>
/// For every request and charger class (chargers of equal power and phases; a charger a car is plugged into or that
/// holds a fixed turn is a class of its own), the request's window is cut into <b>runs</b>: stretches of periods with
/// no boundary inside at which its turn may start or end. Outside quiet hours a run is one period; inside them it
/// lasts from the quiet start (or the car's arrival) to the quiet end (or its departure), since a car holding a
/// charger then keeps it. A long run has one occupancy <c>x</c> in [0, 1], the share of a charger of the class the
/// request holds through it, and the energy the request takes in the run is at most its need times <c>x</c>: this cut
/// is what makes quiet hours count (without it a car holding a fifth of a charger all night would get a fifth of the
/// charger's power all night, and three hundred cars would share sixty chargers through the night as if nobody held
/// one). Per class and period, the occupancy of long runs plus, in one-period runs, each request's power over its
/// turn's power is at most the class's chargers; site capacity and each phase's limit per period; energy within each
/// need. Every in-turn plan (modulated power included) is a solution of the integer model, so its energy is at most
/// either bound.
/// </para>
/// <para>
/// <see cref="UpperBoundKwh"/> is that relaxation (under a second at the Chengshangcheng scale).
/// <see cref="TightUpperBoundKwh"/> adds, per run, an occupancy with power at most occupancy times the turn's power,
/// a turn start where occupancy rises (at most <see cref="ChargingInstance.MaxTurnsPerRequest"/> per request, and energy at most the need times the turns
/// started) and an end where it falls, followed by the changeover: tighter, but a much larger program.
/// </para>
/// </summary>
public static class TurnBound
{
    /// <summary>The bound in kWh, or null when GLOP fails or does not finish within <paramref name="timeLimit"/>.</summary>
    public static double? UpperBoundKwh(ChargingInstance instance, TimeSpan? timeLimit = null) => Solve(instance, timeLimit, tight: false);

    /// <summary>
    /// A bound and how its linear program ended: <see cref="Kwh"/> is null when it did not end optimal, and
    /// <see cref="Outcome"/> then says why (the time limit reached, GLOP's status), so a report never shows a missing
    /// bound without its reason.
    /// </summary>
    /// <para><see cref="PeriodKw"/>: the optimum's power per period (kW, summed over requests), null without a value;
    /// set beside a plan's own, it says in which periods the plan leaves energy the bound counts.</para>
    public sealed record Result(double? Kwh, string Outcome, TimeSpan Elapsed, int Rows, int Columns)
    {
        public IReadOnlyList<double>? PeriodKw { get; init; }
    }

    /// <summary><see cref="UpperBoundKwh(ChargingInstance, TimeSpan?)"/> with how its linear program ended.</summary>
    public static Result UpperBound(ChargingInstance instance, TimeSpan? timeLimit = null)
    {
        Result? result = null;
        Solve(instance, timeLimit, tight: false, report: r => result = r);
        return result!;
    }

    /// <summary>
    /// <see cref="UpperBoundKwh(ChargingInstance, IReadOnlyList{double}, TimeSpan?)"/> with how its linear program ended
    /// (infeasible when no plan gives every request what it must get).
    /// </summary>
    public static Result UpperBound(ChargingInstance instance, IReadOnlyList<double> atLeastKwh, TimeSpan? timeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(atLeastKwh);
        if (atLeastKwh.Count != (instance?.Requests.Count ?? 0))
            throw new ArgumentException($"atLeastKwh has {atLeastKwh.Count} values for {instance?.Requests.Count} requests.", nameof(atLeastKwh));
        Result? result = null;
        Solve(instance!, timeLimit, tight: false, atLeastKwh, report: r => result = r);
        return result!;
    }

    /// <summary>
    /// <see cref="TightUpperBoundKwh"/> with how its linear program ended. With <paramref name="warmStart"/>, GLOP first
    /// solves the program with the rows of turn starts, ends and their limits left loose, then tightens them and solves
    /// again from the basis it ended with (both without presolve, so the second solve keeps the first one's basis).
    /// </summary>
    public static Result TightUpperBound(ChargingInstance instance, TimeSpan? timeLimit = null, bool warmStart = false)
    {
        Result? result = null;
        Solve(instance, timeLimit, tight: true, report: r => result = r, warmStart: warmStart);
        return result!;
    }

    /// <summary>
    /// The bound among plans that give request <c>i</c> at least <paramref name="atLeastKwh"/>[i] (in the instance's
    /// order): the most energy a plan as fair as a given one can deliver, for instance with every driver at least the
    /// least share the plan reached. Null when GLOP fails, finds no such plan or does not finish in time.
    /// </summary>
    public static double? UpperBoundKwh(ChargingInstance instance, IReadOnlyList<double> atLeastKwh, TimeSpan? timeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(atLeastKwh);
        if (atLeastKwh.Count != (instance?.Requests.Count ?? 0))
            throw new ArgumentException($"atLeastKwh has {atLeastKwh.Count} values for {instance?.Requests.Count} requests.", nameof(atLeastKwh));
        return Solve(instance!, timeLimit, tight: false, atLeastKwh);
    }

    /// <summary>
    /// The bound with turn starts and changeovers (never above <see cref="UpperBoundKwh"/>), or null when GLOP fails or
    /// does not finish within <paramref name="timeLimit"/>.
    /// </summary>
    public static double? TightUpperBoundKwh(ChargingInstance instance, TimeSpan? timeLimit = null) => Solve(instance, timeLimit, tight: true);

    /// <summary>
    /// The relaxation's night holders: for each request (in the instance's order), how much of a charger it holds through
    /// the quiet hours in <see cref="UpperBoundKwh(ChargingInstance, TimeSpan?)"/>'s optimum (its occupancies of runs
    /// longer than a period, summed over charger classes, weighted by the runs' lengths, over the longest quiet run).
    /// Null when GLOP fails. Planners use it to choose who holds the chargers at night.
    /// </summary>
    internal static double[]? NightOccupancy(ChargingInstance instance, TimeSpan? timeLimit = null)
    {
        var night = new double[instance.Requests.Count];
        return Solve(instance, timeLimit, tight: false, nightOccupancy: night) is null ? null : night;
    }

    /// <summary>
    /// The bounds as they were before 2026-12-05, without the cuts that hold a car to one charger at a time (its holds over
    /// the classes at most one per period, its power at most its car's, power in a long run at most its occupancy times
    /// the turn's power). The benchmark prints them beside the bounds with the cuts, and tests check those are never
    /// above these. Null when GLOP fails or does not finish within <paramref name="timeLimit"/>.
    /// </summary>
    public static double? WithoutOneChargerCuts(ChargingInstance instance, bool tight, TimeSpan? timeLimit = null) => Solve(instance, timeLimit, tight, coupling: false);

    /// <summary>
    /// The most energy a request can take outside its long runs (the one-period runs between <paramref name="cuts"/>): in
    /// each such period its best charger's power for it, within the site's capacity, times the share of the period it is
    /// present, and never more than its need.
    /// </summary>
    private static double OutsideLongRunsKwh(ChargingInstance instance, ChargingRequest request, List<int> cuts, double bestKw)
    {
        var kwh = 0.0;
        for (var r = 0; r + 1 < cuts.Count; r++)
            if (cuts[r + 1] - cuts[r] == 1)
                kwh += Math.Min(bestKw, instance.CapacityKw(cuts[r])) * request.PresentShare(cuts[r]) * instance.PeriodHours;
        return Math.Min(kwh, request.EnergyKwh);
    }

    private static double? Solve(ChargingInstance instance, TimeSpan? timeLimit, bool tight, IReadOnlyList<double>? atLeastKwh = null, double[]? nightOccupancy = null, bool coupling = true, Action<Result>? report = null, bool warmStart = false)
    {
        // The rows only the tight bound has (turn starts and ends, their limits), loosened for a first solve when warm starting.
        var tightRows = new List<Constraint>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var powers = report is null ? null : new List<(int Period, Variable Power)>();
        var longRuns = new List<(int Request, Variable X, int Length)>();
        ArgumentNullException.ThrowIfNull(instance);
        var chargers = instance.Chargers;
        var fixedTurns = instance.FixedTurns ?? [];
        var special = instance.Requests.Select(r => r.PluggedChargerId).Concat(fixedTurns.Select(f => f.ChargerId)).OfType<string>().ToHashSet();
        var classes = new List<int[]>();
        foreach (var c in Enumerable.Range(0, chargers.Count).Where(c => special.Contains(chargers[c].Id))) classes.Add([c]);
        foreach (var group in Enumerable.Range(0, chargers.Count).Where(c => !special.Contains(chargers[c].Id))
                     .GroupBy(c => (chargers[c].MaxKw, chargers[c].PhaseShares())))
            classes.Add([.. group]);
        var periods = instance.Periods;
        var hours = instance.PeriodHours;
        var changeover = instance.ChangeoverPeriods;

        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("GLOP is not available.");
        var occupancy = classes.Select(cls => Enumerable.Range(0, periods).Select(_ => solver.MakeConstraint(double.NegativeInfinity, cls.Length)).ToArray()).ToArray();
        var site = Enumerable.Range(0, periods).Select(t => solver.MakeConstraint(double.NegativeInfinity, instance.CapacityKw(t))).ToArray();
        var phase = instance.PhaseLimitKw is { } limit
            ? Enumerable.Range(0, periods).Select(_ => Enumerable.Range(0, 3).Select(_ => solver.MakeConstraint(double.NegativeInfinity, limit)).ToArray()).ToArray()
            : null;
        var objective = solver.Objective();
        objective.SetMaximization();
        // The changeover at the edges of quiet hours (with the one-charger cuts): a charger held through a quiet range
        // that ends at boundary e is still held, or in its changeover, in period e, so in e a class's night holders
        // (long runs ending at e) and the cars holding one of its chargers there without being such a holder share its
        // chargers; likewise in the period before a quiet range starting at s, the cars holding a charger there that do
        // not keep it through the night and the night holders of runs starting at s (each came to a charger free at s,
        // so nobody else held it before s). Without these cuts every charger changes hands at 06:00 at no cost.
        var edges = coupling && changeover > 0
            ? (instance.QuietPeriods ?? []).Where(q => q.End - q.Start > 1).SelectMany(q => new[] { (Period: q.Start - 1, Boundary: q.Start, AtEnd: false), (Period: q.End, Boundary: q.End, AtEnd: true) })
                .Where(edge => edge.Period >= 0 && edge.Period < periods).Distinct().ToList()
            : [];
        var edgeRows = edges.ToDictionary(edge => edge, _ => classes.Select(cls => solver.MakeConstraint(double.NegativeInfinity, cls.Length)).ToArray());
        for (var i = 0; i < instance.Requests.Count; i++)
        {
            var request = instance.Requests[i];
            var fixedTurn = fixedTurns.FirstOrDefault(f => f.RequestId == request.Id);
            var only = fixedTurn?.ChargerId ?? request.PluggedChargerId;
            var needKwPeriods = request.EnergyKwh / hours;
            var energy = solver.MakeConstraint(Math.Min(needKwPeriods, (atLeastKwh?[i] ?? 0) / hours), needKwPeriods);
            var starts = tight ? solver.MakeConstraint(0, instance.MaxTurnsPerRequest) : null;
            // Energy only with a turn: sum of power - need x (turns started) <= 0.
            var withTurn = tight ? solver.MakeConstraint(double.NegativeInfinity, 0) : null;
            if (tight) tightRows.AddRange([starts!, withTurn!]);
            var from = fixedTurn?.StartPeriod ?? request.ArrivalPeriod;
            var to = fixedTurn?.EndPeriod ?? request.DeparturePeriod;
            // Runs: the boundaries from..to at which the turn may start or end cut the window.
            var cuts = new List<int> { from };
            for (var b = from + 1; b < to; b++)
                if (fixedTurn is null && !instance.IsQuietBoundary(b)) cuts.Add(b);
            cuts.Add(to);
            // One car, one charger at a time: per period, its holds over the classes at most one and its power over the
            // classes at most its car's (without these a car may draw from a 7 kW and an 11 kW charger at once).
            var eligible = Enumerable.Range(0, classes.Count)
                .Where(k => only is not null ? chargers[classes[k][0]].Id == only && classes[k].Length == 1 : !special.Contains(chargers[classes[k][0]].Id))
                .ToList();
            // A floor the car cannot reach outside its long runs makes it hold a charger through one of them: in a plan a
            // long run is held whole or not at all (no boundary inside it at which a turn may start or end), so the holds
            // of a request's long runs, summed over runs and classes, are at least one. Without this the relaxation meets
            // every floor with a sliver of a night charger at no cost in energy, and cannot tell what fairness costs.
            var mustHold = atLeastKwh is not null && fixedTurn is null && eligible.Count > 0
                && Math.Min(request.EnergyKwh, atLeastKwh[i]) > OutsideLongRunsKwh(instance, request, cuts, eligible.Max(k => Math.Min(request.MaxKw, chargers[classes[k][0]].MaxKw))) + 1e-9
                ? solver.MakeConstraint(1, double.PositiveInfinity)
                : null;
            var couple = coupling && eligible.Count > 1;
            var holdOnce = couple ? new Constraint?[periods] : null;
            var carPower = couple ? new Constraint?[periods] : null;
            if (couple)
                for (var t = from; t < to; t++)
                {
                    holdOnce![t] = solver.MakeConstraint(double.NegativeInfinity, 1);
                    carPower![t] = solver.MakeConstraint(double.NegativeInfinity, request.MaxKw * request.PresentShare(t));
                }
            foreach (var k in eligible)
            {
                var charger = chargers[classes[k][0]];
                var kw = Math.Min(request.MaxKw, charger.MaxKw);
                var x = new Variable?[cuts.Count - 1];
                // For the quiet edges' cuts: the request's night run that ends (or starts) at each edge's boundary, and
                // its power in the edge's period.
                var nightAt = new Dictionary<(int Period, int Boundary, bool AtEnd), (Variable X, Constraint? InRun)>();
                var powerAt = new Dictionary<(int Period, int Boundary, bool AtEnd), (Variable P, double Cap)>();
                for (var r = 0; r < x.Length; r++)
                {
                    var longRun = cuts[r + 1] - cuts[r] > 1;
                    x[r] = fixedTurn is not null ? solver.MakeNumVar(1, 1, "") : tight || longRun ? solver.MakeNumVar(0, 1, "") : null;
                    // Energy in a long run at most the need times the run's occupancy.
                    var inRun = longRun && x[r] is not null ? solver.MakeConstraint(double.NegativeInfinity, 0) : null;
                    inRun?.SetCoefficient(x[r], -needKwPeriods);
                    if (longRun && x[r] is { } held)
                    {
                        mustHold?.SetCoefficient(held, 1);
                        longRuns.Add((i, held, cuts[r + 1] - cuts[r]));
                        foreach (var edge in edges.Where(edge => edge.Boundary == (edge.AtEnd ? cuts[r + 1] : cuts[r])))
                        {
                            nightAt[edge] = (held, inRun);
                            edgeRows[edge][k].SetCoefficient(held, 1);
                        }
                    }
                    for (var t = cuts[r]; t < cuts[r + 1]; t++)
                    {
                        if (x[r] is not null)
                        {
                            occupancy[k][t].SetCoefficient(x[r], 1);
                            holdOnce?[t]?.SetCoefficient(x[r], 1);
                        }
                        var cap = kw * request.PresentShare(t);
                        if (cap <= 0) continue;
                        var p = solver.MakeNumVar(0, cap, "");
                        powers?.Add((t, p));
                        foreach (var edge in edges.Where(edge => edge.Period == t)) powerAt[edge] = (p, cap);
                        carPower?[t]?.SetCoefficient(p, 1);
                        if (x[r] is null)
                        {
                            // A one-period run without an occupancy: the request holds at least power / turn's power of a charger.
                            occupancy[k][t].SetCoefficient(p, 1 / cap);
                            holdOnce?[t]?.SetCoefficient(p, 1 / cap);
                        }
                        else if ((tight && !longRun) || coupling)
                        {
                            var link = solver.MakeConstraint(double.NegativeInfinity, 0);
                            link.SetCoefficient(p, 1);
                            link.SetCoefficient(x[r], -cap);
                        }
                        energy.SetCoefficient(p, 1);
                        withTurn?.SetCoefficient(p, 1);
                        inRun?.SetCoefficient(p, 1);
                        site[t].SetCoefficient(p, 1);
                        if (phase is not null)
                            for (var q = 0; q < 3; q++)
                                if (charger.PhaseShare(q) > 0) phase[t][q].SetCoefficient(p, charger.PhaseShare(q));
                        objective.SetCoefficient(p, hours);
                    }
                }
                // Holding a charger of the class in an edge's period: as its night holder, or counted in the edge's row. What
                // a night holder draws there while it keeps its charger counts in its night run's energy, which is at most
                // its need times its occupancy: a car holding a charger all night and in the edge period gets at most its
                // need in all of them (without this, every holder charging fully at night also charged at 23:00 and 06:00).
                foreach (var (edge, (p, cap)) in powerAt)
                {
                    var other = solver.MakeNumVar(0, 1, "");
                    edgeRows[edge][k].SetCoefficient(other, 1);
                    var hold = solver.MakeConstraint(double.NegativeInfinity, 0); // p / cap - other - held / cap <= 0
                    hold.SetCoefficient(p, 1 / cap);
                    hold.SetCoefficient(other, -1);
                    if (!nightAt.TryGetValue(edge, out var night)) continue;
                    var held = solver.MakeNumVar(0, cap, "");
                    hold.SetCoefficient(held, -1 / cap);
                    var asHolder = solver.MakeConstraint(double.NegativeInfinity, 0); // held - cap x <= 0
                    asHolder.SetCoefficient(held, 1);
                    asHolder.SetCoefficient(night.X, -cap);
                    night.InRun?.SetCoefficient(held, 1);
                }
                if (!tight) continue;
                // At each cut: a start where occupancy rises, an end where it falls (0 outside the window).
                for (var r = 0; r <= x.Length; r++)
                {
                    var before = r > 0 ? x[r - 1] : null;
                    var after = r < x.Length ? x[r] : null;
                    var b = cuts[r];
                    if (after is not null)
                    {
                        var start = solver.MakeNumVar(0, 1, "");
                        var rise = solver.MakeConstraint(double.NegativeInfinity, 0); // after - before - start <= 0
                        tightRows.Add(rise);
                        rise.SetCoefficient(after, 1);
                        if (before is not null) rise.SetCoefficient(before, -1);
                        rise.SetCoefficient(start, -1);
                        starts!.SetCoefficient(start, 1);
                        withTurn!.SetCoefficient(start, -needKwPeriods);
                    }
                    if (before is not null && changeover > 0 && b < periods)
                    {
                        var end = solver.MakeNumVar(0, 1, "");
                        var fall = solver.MakeConstraint(double.NegativeInfinity, 0); // before - after - end <= 0
                        tightRows.Add(fall);
                        fall.SetCoefficient(before, 1);
                        if (after is not null) fall.SetCoefficient(after, -1);
                        fall.SetCoefficient(end, -1);
                        for (var u = b; u < Math.Min(periods, b + changeover); u++) occupancy[k][u].SetCoefficient(end, 1);
                    }
                }
            }
        }
        if (timeLimit is { } limitTime) solver.SetTimeLimit((long)limitTime.TotalMilliseconds);
        Solver.ResultStatus status;
        var warmNote = "";
        if (warmStart && tight)
        {
            using var parameters = new MPSolverParameters();
            parameters.SetIntegerParam(MPSolverParameters.IntegerParam.PRESOLVE, (int)MPSolverParameters.PresolveValues.PRESOLVE_OFF);
            var bounds = tightRows.Select(row => (row.Lb(), row.Ub())).ToList();
            foreach (var row in tightRows) row.SetBounds(double.NegativeInfinity, double.PositiveInfinity);
            status = solver.Solve(parameters);
            var loose = (clock.Elapsed, solver.Iterations(), status == Solver.ResultStatus.OPTIMAL ? objective.Value() : double.NaN);
            for (var k = 0; k < tightRows.Count; k++) tightRows[k].SetBounds(bounds[k].Item1, bounds[k].Item2);
            if (timeLimit is { } left) solver.SetTimeLimit((long)Math.Max(1, (left - clock.Elapsed).TotalMilliseconds));
            status = solver.Solve(parameters);
            warmNote = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"; warm start: loose {loose.Item3:0.0} kWh in {loose.Elapsed.TotalSeconds:0.0} s ({loose.Item2} iterations), then {solver.Iterations()} iterations");
        }
        else status = solver.Solve();
        if (status != Solver.ResultStatus.OPTIMAL)
        {
            // GLOP reports a time limit reached as NOT_SOLVED (or ABNORMAL when it stopped mid-iteration).
            var limited = timeLimit is { } l && clock.Elapsed >= l * 0.95;
            var why = status == Solver.ResultStatus.INFEASIBLE ? "infeasible: no plan gives every request what it must get"
                : limited ? $"not finished within the {timeLimit!.Value.TotalSeconds:0} s limit (GLOP stopped with {status} after {solver.Iterations()} iterations)"
                : $"GLOP ended with {status} after {clock.Elapsed.TotalSeconds:0.0} s";
            report?.Invoke(new Result(null, why + warmNote, clock.Elapsed, solver.NumConstraints(), solver.NumVariables()));
            return null;
        }
        if (report is not null)
        {
            var periodKw = new double[instance.Periods];
            foreach (var (t, p) in powers!) periodKw[t] += p.SolutionValue();
            report(new Result(objective.Value(), "optimal" + warmNote, clock.Elapsed, solver.NumConstraints(), solver.NumVariables()) { PeriodKw = periodKw });
        }
        if (nightOccupancy is not null && longRuns.Count > 0)
        {
            var longest = longRuns.Max(run => run.Length);
            foreach (var (i, x, length) in longRuns) nightOccupancy[i] += x.SolutionValue() * length / longest;
        }
        return objective.Value();
    }
}
