using System.Diagnostics;
using Google.OrTools.Sat;
using Parking.Domain.Charging;

namespace Parking.Planning.Charging;

/// <summary>
/// In-turn charging as a time-indexed CP-SAT model with power per period: for every request, charger class (chargers of
/// equal power and phases) and period of its window, whether the request holds a charger of the class, and its power in
/// the period (in tenths of a kW) up to its car's and the charger's limit while it holds one, 0 otherwise. A turn is a
/// run of held periods: it starts and ends only at boundaries outside quiet hours (or at the car's own arrival and
/// departure), a request gets at most <see cref="ChargingInstance.MaxTurnsPerRequest"/> turns, holds one charger at a
/// time and waits out the changeover between two of its turns; per class and period, the turns held plus those that
/// ended within the changeover are at most the class's chargers (so that colouring the turns, earliest start first, gives
/// each its charger); the feed per period and per phase bound the power.
/// <para>
/// The model improves a plan it is started from (a complete hint): in the least-share orders every request keeps at least
/// what the hint's least share gives it (of its need or of the minimum need) and energy is maximised; fully served first
/// maximises the drivers fully served, then energy. The turns it returns are powered again in the area's order
/// (<see cref="TurnPower"/>) by the caller. Instances with cars already plugged in, turns already started or an
/// imbalance limit are left to the turn model (null).
/// </para>
/// </summary>
internal static class TimeIndexedModel
{
    /// <summary>Power unit: a tenth of a kW.</summary>
    private const int Scale = 10;

    /// <summary>Phase shares (1, 1/2, 1/3) in sixths, so that per-phase loads are whole numbers.</summary>
    private const int PhaseScale = 6;

    public sealed record Result(IReadOnlyList<ChargingTurn>[] Turns, CpSolverStatus Status, double Objective, double Bound);

    public static bool Supports(ChargingInstance instance) =>
        instance.FixedTurns is not { Count: > 0 } && instance.Requests.All(r => r.PluggedChargerId is null) && instance.PhaseImbalanceKw is null;

    /// <summary>
    /// The model started from <paramref name="hint"/>, solved for at most <paramref name="limit"/> with
    /// <paramref name="workers"/> workers (and, when set, a deterministic time limit in CP-SAT's own units instead of the
    /// wall clock, for tests); null when it is not supported or CP-SAT finds no solution.
    /// </summary>
    public static Result? Solve(
        ChargingInstance instance, ChargingPlan hint, ChargingObjectiveOrder order, double minimumNeedKwh, TimeSpan limit, int workers,
        double? deterministicLimit = null, Action<string>? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(hint);
        if (!Supports(instance) || instance.Requests.Count == 0) return null;
        var clock = Stopwatch.StartNew();
        var chargers = instance.Chargers;
        var classes = Enumerable.Range(0, chargers.Count).GroupBy(c => (chargers[c].MaxKw, chargers[c].PhaseShares())).Select(g => g.ToArray()).ToArray();
        var classOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < classes.Length; k++)
            foreach (var c in classes[k]) classOf[chargers[c].Id] = k;
        var periods = instance.Periods;
        var changeover = instance.ChangeoverPeriods;
        var hours = instance.PeriodHours;
        var requests = instance.Requests;
        var turnsMax = instance.MaxTurnsPerRequest;
        var perPhase = instance.PhaseLimitKw is not null;

        var model = new CpModel();
        // held[i][k][t - arrival], power[i][k or 0][t - arrival], ends[i][k][b - arrival - 1] (boundary b in (arrival, departure]).
        var held = new BoolVar[requests.Count][][];
        var power = new IntVar?[requests.Count][][];
        var ends = new BoolVar?[requests.Count][][];
        var energy = new LinearExpr[requests.Count];
        var needUnits = new long[requests.Count];
        var classLoad = classes.Select(_ => Enumerable.Range(0, periods).Select(_ => new List<LinearExpr>()).ToArray()).ToArray();
        var siteLoad = Enumerable.Range(0, periods).Select(_ => new List<LinearExpr>()).ToArray();
        var phaseLoad = perPhase ? Enumerable.Range(0, periods).Select(_ => new[] { new List<LinearExpr>(), [], [] }).ToArray() : null;
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var (a, d) = (r.ArrivalPeriod, r.DeparturePeriod);
            var n = d - a;
            needUnits[i] = (long)Math.Floor(r.EnergyKwh / hours * Scale + 1e-9);
            held[i] = new BoolVar[classes.Length][];
            ends[i] = new BoolVar?[classes.Length][];
            power[i] = new IntVar?[perPhase ? classes.Length : 1][];
            var starts = new List<LinearExpr>();
            var own = Enumerable.Range(0, n).Select(_ => new List<LinearExpr>()).ToArray();
            var drawn = new List<LinearExpr>();
            for (var k = 0; k < classes.Length; k++)
            {
                var h = held[i][k] = [.. Enumerable.Range(0, n).Select(_ => model.NewBoolVar(""))];
                var e = ends[i][k] = new BoolVar?[n];
                for (var b = a; b <= d; b++)
                {
                    var inside = b > a && b < d;
                    if (inside && instance.IsQuietBoundary(b))
                    {
                        // Nobody plugs in or unplugs here: the charger is held on both sides or on neither.
                        model.Add(h[b - a] == h[b - a - 1]);
                        continue;
                    }
                    if (b < d)
                    {
                        // A start where holding rises (counted against the turns allowed).
                        var s = model.NewBoolVar("");
                        model.Add(b > a ? s >= h[b - a] - h[b - a - 1] : s >= h[0]);
                        starts.Add(s);
                    }
                    if (b > a && changeover > 0)
                    {
                        // An end where holding falls: the charger (and the car) wait out the changeover after it.
                        var end = model.NewBoolVar("");
                        model.Add(b < d ? end >= h[b - a - 1] - h[b - a] : end >= h[n - 1]);
                        e[b - a - 1] = end;
                    }
                }
                for (var t = a; t < d; t++)
                {
                    own[t - a].Add(h[t - a]);
                    classLoad[k][t].Add(h[t - a]);
                    for (var b = Math.Max(a + 1, t - changeover + 1); b <= t; b++)
                        if (e[b - a - 1] is { } end)
                        {
                            classLoad[k][t].Add(end);
                            own[t - a].Add(end);
                        }
                }
                // After the departure, the changeover still keeps the charger.
                if (changeover > 0 && e[n - 1] is { } last)
                    for (var t = d; t < Math.Min(periods, d + changeover); t++) classLoad[k][t].Add(last);
            }
            model.AddLinearConstraint(LinearExpr.Sum(starts), 0, turnsMax);
            foreach (var list in own) model.Add(LinearExpr.Sum(list) <= 1);
            for (var group = 0; group < power[i].Length; group++)
            {
                power[i][group] = new IntVar?[n];
                for (var t = a; t < d; t++)
                {
                    var share = r.PresentShare(t);
                    var ks = perPhase ? [group] : Enumerable.Range(0, classes.Length).ToArray();
                    var caps = ks.Select(k => (long)Math.Floor(Math.Min(r.MaxKw, chargers[classes[k][0]].MaxKw) * share * Scale + 1e-9)).ToArray();
                    if (caps.Max() <= 0) continue;
                    var p = model.NewIntVar(0, caps.Max(), "");
                    power[i][group]![t - a] = p;
                    model.Add(p <= LinearExpr.WeightedSum(ks.Select(k => (LinearExpr)held[i][k][t - a]), caps));
                    drawn.Add(p);
                    siteLoad[t].Add(p);
                    if (phaseLoad is not null)
                        for (var q = 0; q < 3; q++)
                        {
                            var sixths = (long)Math.Round(chargers[classes[group][0]].PhaseShare(q) * PhaseScale);
                            if (sixths > 0) phaseLoad[t][q].Add(p * sixths);
                        }
                }
            }
            energy[i] = LinearExpr.Sum(drawn);
            model.Add(energy[i] <= needUnits[i]);
        }
        for (var k = 0; k < classes.Length; k++)
            for (var t = 0; t < periods; t++)
                if (classLoad[k][t].Count > classes[k].Length) model.Add(LinearExpr.Sum(classLoad[k][t]) <= classes[k].Length);
        for (var t = 0; t < periods; t++)
        {
            if (siteLoad[t].Count > 0) model.Add(LinearExpr.Sum(siteLoad[t]) <= (long)Math.Floor(instance.CapacityKw(t) * Scale + 1e-9));
            if (phaseLoad is not null)
                for (var q = 0; q < 3; q++)
                    if (phaseLoad[t][q].Count > 0)
                        model.Add(LinearExpr.Sum(phaseLoad[t][q]) <= (long)Math.Floor(instance.PhaseLimitKw!.Value * Scale * PhaseScale + 1e-9));
        }

        // The hint: the plan's turns held, its power in whole units (rounded down, so that every limit holds).
        var hintEnergy = new long[requests.Count];
        var heldHint = new bool[requests.Count][][];
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var (a, d) = (r.ArrivalPeriod, r.DeparturePeriod);
            heldHint[i] = [.. Enumerable.Range(0, classes.Length).Select(_ => new bool[d - a])];
            var session = hint.Session(r.Id);
            if (session is null) continue;
            foreach (var turn in session.Turns)
                if (classOf.TryGetValue(turn.ChargerId, out var k))
                    for (var t = Math.Max(a, turn.StartPeriod); t < Math.Min(d, turn.EndPeriod); t++) heldHint[i][k][t - a] = true;
        }
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var (a, d) = (r.ArrivalPeriod, r.DeparturePeriod);
            var session = hint.Session(r.Id);
            for (var k = 0; k < classes.Length; k++)
            {
                var hh = heldHint[i][k];
                for (var t = a; t < d; t++) model.AddHint(held[i][k][t - a], hh[t - a]);
                for (var b = a + 1; b <= d; b++)
                    if (ends[i][k][b - a - 1] is { } end) model.AddHint(end, hh[b - a - 1] && (b == d || !hh[b - a]));
            }
            var total = 0L;
            for (var group = 0; group < power[i].Length; group++)
                for (var t = a; t < d; t++)
                {
                    if (power[i][group]![t - a] is not { } p) continue;
                    var holds = perPhase ? heldHint[i][group][t - a] : Enumerable.Range(0, classes.Length).Any(k => heldHint[i][k][t - a]);
                    var units = holds && session is not null && t < session.PowerKw.Count
                        ? Math.Min(p.Domain.Max(), (long)Math.Floor(session.PowerKw[t] * Scale + 1e-9)) : 0;
                    if (holds && perPhase && units > 0)
                    {
                        var cap = (long)Math.Floor(Math.Min(r.MaxKw, chargers[classes[group][0]].MaxKw) * r.PresentShare(t) * Scale + 1e-9);
                        units = Math.Min(units, cap);
                    }
                    units = Math.Min(units, needUnits[i] - total);
                    model.AddHint(p, units);
                    total += units;
                }
            hintEnergy[i] = total;
        }

        // Objectives in the order.
        if (order == ChargingObjectiveOrder.FullyServedFirst)
        {
            var full = new List<LinearExpr>();
            for (var i = 0; i < requests.Count; i++)
            {
                if (needUnits[i] <= 0) continue;
                var f = model.NewBoolVar("");
                // Fully served: within the metric's share of the need, and a unit per period of the window for the rounding
                // of power to whole units (the powering afterwards closes the rest).
                var slack = (long)Math.Floor(needUnits[i] * (1 - ChargingMetrics.FullShare)) + requests[i].DeparturePeriod - requests[i].ArrivalPeriod;
                model.Add(energy[i] >= needUnits[i] - slack).OnlyEnforceIf(f);
                model.AddHint(f, hintEnergy[i] >= needUnits[i] - slack);
                full.Add(f);
            }
            var weight = needUnits.Sum() + 1;
            model.Maximize(LinearExpr.Sum(full) * weight + LinearExpr.Sum(energy));
        }
        else
        {
            // Every request keeps what the hint's least share gives it (or what the hint gave it, when rounding left it less).
            var minimum = order == ChargingObjectiveOrder.MinimumNeedFirst ? minimumNeedKwh : 0;
            var least = InTurnCpSat.LeastShareOf(instance, hint, minimum);
            for (var i = 0; i < requests.Count; i++)
            {
                var target = minimum > 0 ? Math.Min(requests[i].EnergyKwh, minimum) : requests[i].EnergyKwh;
                var atLeast = Math.Min(hintEnergy[i], (long)Math.Floor(least * target / hours * Scale));
                if (atLeast > 0) model.Add(energy[i] >= atLeast);
            }
            model.Maximize(LinearExpr.Sum(energy));
        }
        note?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"model built in {clock.Elapsed.TotalSeconds:0.00}s"));

        var rest = limit - clock.Elapsed;
        if (rest <= TimeSpan.FromMilliseconds(50) || cancellationToken.IsCancellationRequested) return null;
        var extra = "cp_model_probing_level:0 symmetry_level:0 random_seed:1"
            + (deterministicLimit is { } det ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" max_deterministic_time:{det:0.###}") : "");
        var solver = new CpSolver { StringParameters = CpSatParameters.For(deterministicLimit is null ? rest : TimeSpan.FromHours(1), workers, extra) };
        using var registration = cancellationToken.Register(solver.StopSearch);
        var status = solver.Solve(model);
        note?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status {status} objective {solver.ObjectiveValue} bound {solver.BestObjectiveBound} wall {solver.WallTime():0.00}s"));
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible)) return null;

        // Turns: runs of held periods per class, then chargers by colouring, earliest start first.
        var runs = new List<(int Request, int Class, int Start, int End)>();
        for (var i = 0; i < requests.Count; i++)
        {
            var a = requests[i].ArrivalPeriod;
            for (var k = 0; k < classes.Length; k++)
            {
                var h = held[i][k];
                for (var t = 0; t < h.Length; t++)
                {
                    if (!solver.BooleanValue(h[t]) || (t > 0 && solver.BooleanValue(h[t - 1]))) continue;
                    var end = t;
                    while (end < h.Length && solver.BooleanValue(h[end])) end++;
                    runs.Add((i, k, a + t, a + end));
                }
            }
        }
        var turns = requests.Select(_ => new List<ChargingTurn>()).ToArray();
        var freeFrom = new int[chargers.Count];
        foreach (var run in runs.OrderBy(x => x.Start).ThenBy(x => x.Request))
        {
            var charger = classes[run.Class].Where(c => freeFrom[c] <= run.Start).OrderBy(c => freeFrom[c]).Cast<int?>().FirstOrDefault()
                ?? throw new InvalidOperationException("The time-indexed model's turns do not fit their class's chargers.");
            freeFrom[charger] = run.End + changeover;
            turns[run.Request].Add(new ChargingTurn(chargers[charger].Id, run.Start, run.End));
        }
        return new Result([.. turns.Select(list => (IReadOnlyList<ChargingTurn>)list)], status, solver.ObjectiveValue, solver.BestObjectiveBound);
    }
}
