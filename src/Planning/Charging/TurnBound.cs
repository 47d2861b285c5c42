using Google.OrTools.LinearSolver;

namespace Parking.Planning.Charging;

/// <summary>
/// An upper bound on the energy of in-turn charging that knows about turns: the linear relaxation (GLOP) of a
/// time-indexed model. For every request, charger class (chargers of equal power and phases; a charger a car is
/// plugged into or that holds a fixed turn is a class of its own) and period of its window, an occupancy
/// <c>x</c> in [0, 1] and a power <c>p &lt;= x</c> times the turn's power; a turn start where <c>x</c> rises and
/// a turn end where it falls; at most one start per request; per class and period, occupancy plus chargers in
/// changeover after an end at most the class's chargers; no start or end strictly inside quiet hours (except at the
/// car's arrival or departure), so occupancy is constant across them; site capacity and each phase's limit per
/// period; energy within each request's need. Every in-turn plan is a solution of the integer model, so its energy
/// is at most this bound.
/// </summary>
public static class TurnBound
{
    /// <summary>The bound in kWh, or null when GLOP fails or does not finish within <paramref name="timeLimit"/>.</summary>
    public static double? UpperBoundKwh(ChargingInstance instance, TimeSpan? timeLimit = null)
    {
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
        for (var i = 0; i < instance.Requests.Count; i++)
        {
            var request = instance.Requests[i];
            var fixedTurn = fixedTurns.FirstOrDefault(f => f.RequestId == request.Id);
            var only = fixedTurn?.ChargerId ?? request.PluggedChargerId;
            var energy = solver.MakeConstraint(0, request.EnergyKwh / hours);
            var starts = solver.MakeConstraint(0, 1);
            for (var k = 0; k < classes.Count; k++)
            {
                if (only is not null ? chargers[classes[k][0]].Id != only || classes[k].Length != 1 : special.Contains(chargers[classes[k][0]].Id)) continue;
                var charger = chargers[classes[k][0]];
                var kw = Math.Min(request.MaxKw, charger.MaxKw);
                var from = fixedTurn?.StartPeriod ?? request.ArrivalPeriod;
                var to = fixedTurn?.EndPeriod ?? request.DeparturePeriod;
                var x = new Variable[to - from];
                for (var t = from; t < to; t++)
                {
                    x[t - from] = fixedTurn is null ? solver.MakeNumVar(0, 1, "") : solver.MakeNumVar(1, 1, "");
                    occupancy[k][t].SetCoefficient(x[t - from], 1);
                    var p = solver.MakeNumVar(0, kw * request.PresentShare(t), "");
                    var link = solver.MakeConstraint(double.NegativeInfinity, 0);
                    link.SetCoefficient(p, 1);
                    link.SetCoefficient(x[t - from], -kw * request.PresentShare(t));
                    energy.SetCoefficient(p, 1);
                    site[t].SetCoefficient(p, 1);
                    if (phase is not null)
                        for (var q = 0; q < 3; q++)
                            if (charger.PhaseShare(q) > 0) phase[t][q].SetCoefficient(p, charger.PhaseShare(q));
                    objective.SetCoefficient(p, hours);
                }
                // Boundaries from..to: a start where occupancy rises, an end where it falls (0 outside the window).
                for (var b = from; b <= to; b++)
                {
                    var before = b > from ? x[b - from - 1] : null;
                    var after = b < to ? x[b - from] : null;
                    var quiet = fixedTurn is null && instance.IsQuietBoundary(b);
                    if (after is not null)
                    {
                        var start = solver.MakeNumVar(0, quiet && b != request.ArrivalPeriod ? 0 : 1, "");
                        var rise = solver.MakeConstraint(double.NegativeInfinity, 0); // after - before - start <= 0
                        rise.SetCoefficient(after, 1);
                        if (before is not null) rise.SetCoefficient(before, -1);
                        rise.SetCoefficient(start, -1);
                        starts.SetCoefficient(start, 1);
                    }
                    if (before is not null)
                    {
                        var end = solver.MakeNumVar(0, quiet && b != request.DeparturePeriod ? 0 : 1, "");
                        var fall = solver.MakeConstraint(double.NegativeInfinity, 0); // before - after - end <= 0
                        fall.SetCoefficient(before, 1);
                        if (after is not null) fall.SetCoefficient(after, -1);
                        fall.SetCoefficient(end, -1);
                        for (var u = b; u < Math.Min(periods, b + changeover); u++) occupancy[k][u].SetCoefficient(end, 1);
                    }
                }
            }
        }
        if (timeLimit is { } limitTime) solver.SetTimeLimit((long)limitTime.TotalMilliseconds);
        var status = solver.Solve();
        return status == Solver.ResultStatus.OPTIMAL ? objective.Value() : null;
    }
}
