using Google.OrTools.LinearSolver;

namespace Parking.Planning.Charging;

/// <summary>
/// Rate allocation as a linear program solved by GLOP: a power <c>r[i, t]</c> (kW) for every request to plan and
/// every period of its window from <c>from</c> on, within its limit in that period (its car, its charger, the share
/// of the period it is present); its energy within what it still needs; in every period the site's capacity, and
/// when the feed has them each phase's limit and the imbalance limit between any two phases. The objective is
/// energy weighted per request and period (the caller's weights), minus a small penalty on the largest share of
/// its limit any car takes in the first period (an equal-share regulariser, linearised as a max).
/// <para>
/// A request that is not plugged into a charger has no known phase: it then counts only toward the total, and the
/// total is held within three times the phase limit (a relaxation; turns place cars on phases).
/// </para>
/// </summary>
internal static class RateLp
{
    /// <summary>Constraint violations GLOP may leave are cleaned up to this tolerance before a plan is returned.</summary>
    private const double Slack = 1e-9;

    /// <param name="requests">Indices into the instance's requests to plan.</param>
    /// <param name="from">First period to plan.</param>
    /// <param name="remainingKwh">Energy still wanted, by request index.</param>
    /// <param name="usedKw">Power already committed in each period (by requests not planned here), by phase; may be null.</param>
    /// <param name="weight">Objective weight of one kWh for request <c>i</c> in period <c>t</c>.</param>
    /// <param name="equalShare">Weight of the equal-share regulariser on the first period (0 for none).</param>
    /// <returns>kW by request index and period (only the planned requests' rows are filled), or null when GLOP fails.</returns>
    public static double[][]? Solve(
        ChargingInstance instance, IReadOnlyList<int> requests, int from, double[] remainingKwh,
        Func<int, int, double> weight, double equalShare = 0, int? to = null, int fine = int.MaxValue, int block = 1)
    {
        var result = new double[instance.Requests.Count][];
        var planned = requests.Where(i => remainingKwh[i] > 1e-9).ToList();
        var end = to ?? (planned.Count == 0 ? from : planned.Max(i => instance.Requests[i].DeparturePeriod));
        end = Math.Min(end, instance.Periods);
        foreach (var i in requests) result[i] = new double[instance.Periods];
        if (end <= from || planned.Count == 0) return result;

        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("GLOP is not available.");
        // Every column here is bounded and the program has few rows (one per car and per period) against many columns:
        // GLOP's dual simplex solves it in under half the time of its default primal simplex (the online planner's
        // re-plans on the dense Caltech trace: 8.5 s against 20.4 s in all; p99 53 ms against 98 ms).
        solver.SetSolverSpecificParametersAsString("use_dual_simplex: true");
        var hours = instance.PeriodHours;
        // Periods one by one for the first `fine` of them, then in blocks of `block` (one average power per block):
        // the far future only needs to be roughly right, since it is planned again before it comes.
        // Block 0: the far horizon in blocks that end where something changes (a planned car arrives or leaves, or the
        // site's capacity changes), so inside a block the same cars share the same capacity and one average power per
        // car loses nothing of what is feasible.
        var breaks = block == 0 ? Breaks(instance, planned, from, end) : null;
        var segments = new List<(int Start, int End)>();
        for (var t = from; t < end;)
        {
            var length = t - from < fine ? 1 : breaks is null ? Math.Max(1, block) : NextBreak(breaks, t, end) - t;
            segments.Add((t, Math.Min(end, t + length)));
            t += length;
        }
        var segmentOf = new int[end - from];
        for (var k = 0; k < segments.Count; k++)
            for (var t = segments[k].Start; t < segments[k].End; t++) segmentOf[t - from] = k;
        var horizon = segments.Count;
        var site = new Constraint[horizon];
        var phase = new Constraint[horizon, 3];
        for (var k = 0; k < horizon; k++)
        {
            var (t, segmentEnd) = segments[k];
            var cap = Enumerable.Range(t, segmentEnd - t).Min(instance.CapacityKw);
            if (instance.PhaseLimitKw is { } limit) cap = Math.Min(cap, 3 * limit);
            if (!instance.AllPlugged) cap = Math.Min(cap, instance.Chargers.Sum(c => c.MaxKw));
            site[k] = solver.MakeConstraint(double.NegativeInfinity, cap);
            if (instance.PhaseLimitKw is { } phaseLimit)
                for (var p = 0; p < 3; p++) phase[k, p] = solver.MakeConstraint(double.NegativeInfinity, phaseLimit);
        }
        var imbalance = instance.PhaseImbalanceKw is { } maxImbalance
            ? Enumerable.Range(0, horizon).Select(_ => Pairs.Select(_ => solver.MakeConstraint(double.NegativeInfinity, maxImbalance)).ToArray()).ToArray()
            : null;
        var objective = solver.Objective();
        objective.SetMaximization();
        Variable? largestShare = null;
        if (equalShare > 0)
        {
            largestShare = solver.MakeNumVar(0, 1, "z");
            objective.SetCoefficient(largestShare, -equalShare);
        }
        var variables = new List<(int Request, int Segment, Variable Rate)>();
        foreach (var i in planned)
        {
            var request = instance.Requests[i];
            var charger = instance.Charger(request.PluggedChargerId);
            var shares = charger?.PhaseShares() ?? default;
            var energy = solver.MakeConstraint(0, remainingKwh[i] / hours);
            var first = Math.Max(from, request.ArrivalPeriod);
            var last = Math.Min(end, request.DeparturePeriod);
            for (var k = first >= last ? horizon : segmentOf[first - from]; k < horizon && segments[k].Start < last; k++)
            {
                var (t, segmentEnd) = segments[k];
                var length = segmentEnd - t;
                var limit = 0.0;
                for (var u = t; u < segmentEnd; u++) limit += instance.PowerLimitKw(request, u);
                limit /= length;
                if (limit <= 0) continue;
                var rate = solver.MakeNumVar(0, limit, "");
                variables.Add((i, k, rate));
                energy.SetCoefficient(rate, length);
                site[k].SetCoefficient(rate, 1);
                if (shares is var (a, b, c) && charger is not null)
                {
                    double[] load = [a, b, c];
                    if (instance.PhaseLimitKw is not null)
                        for (var p = 0; p < 3; p++)
                            if (load[p] > 0) phase[k, p].SetCoefficient(rate, load[p]);
                    if (imbalance is not null)
                        for (var q = 0; q < Pairs.Length; q++)
                        {
                            var coefficient = load[Pairs[q].P] - load[Pairs[q].Q];
                            if (coefficient != 0) imbalance[k][q].SetCoefficient(rate, coefficient);
                        }
                }
                var worth = 0.0;
                for (var u = t; u < segmentEnd; u++) worth += weight(i, u);
                objective.SetCoefficient(rate, worth * hours);
                if (largestShare is not null && t == from)
                {
                    // z >= r / limit for every car present now.
                    var share = solver.MakeConstraint(double.NegativeInfinity, 0);
                    share.SetCoefficient(rate, 1 / limit);
                    share.SetCoefficient(largestShare, -1);
                }
            }
        }
        var status = solver.Solve();
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE)) return null;
        foreach (var (i, k, rate) in variables)
        {
            var value = Math.Max(0, rate.SolutionValue());
            for (var t = segments[k].Start; t < segments[k].End; t++)
                result[i][t] = Math.Min(value, instance.PowerLimitKw(instance.Requests[i], t));
        }
        Clean(instance, planned, from, end, remainingKwh, result);
        return result;
    }

    private static int[] Breaks(ChargingInstance instance, List<int> planned, int from, int end)
    {
        var breaks = new SortedSet<int>();
        foreach (var i in planned)
        {
            var request = instance.Requests[i];
            if (request.ArrivalPeriod > from && request.ArrivalPeriod < end) breaks.Add(request.ArrivalPeriod);
            if (request.DeparturePeriod > from && request.DeparturePeriod < end) breaks.Add(request.DeparturePeriod);
        }
        for (var t = from + 1; t < end; t++)
            if (instance.CapacityKw(t) != instance.CapacityKw(t - 1)) breaks.Add(t);
        return [.. breaks];
    }

    private static int NextBreak(int[] breaks, int t, int end)
    {
        var k = Array.BinarySearch(breaks, t + 1);
        if (k < 0) k = ~k;
        return k < breaks.Length ? breaks[k] : end;
    }

    private static readonly (int P, int Q)[] Pairs = [(0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1)];

    /// <summary>
    /// Removes the small violations a floating-point LP may leave: each request's energy within what it needs,
    /// then every period within the site's and each phase's limit (scaling the period down if needed).
    /// </summary>
    private static void Clean(ChargingInstance instance, List<int> planned, int from, int end, double[] remainingKwh, double[][] kw)
    {
        var hours = instance.PeriodHours;
        foreach (var i in planned)
        {
            var total = 0.0;
            for (var t = from; t < end; t++) total += kw[i][t] * hours;
            if (total > remainingKwh[i])
            {
                var factor = remainingKwh[i] / total * (1 - Slack);
                for (var t = from; t < end; t++) kw[i][t] *= factor;
            }
        }
        for (var t = from; t < end; t++)
        {
            var factor = 1.0;
            var sum = planned.Sum(i => kw[i][t]);
            var cap = instance.CapacityKw(t);
            if (sum > cap) factor = Math.Min(factor, cap / sum * (1 - Slack));
            if (instance.PhaseLimitKw is { } limit)
            {
                var loads = PhaseLoads(instance, planned, kw, t);
                foreach (var load in loads)
                    if (load > limit) factor = Math.Min(factor, limit / load * (1 - Slack));
            }
            if (factor < 1)
                foreach (var i in planned) kw[i][t] *= factor;
        }
    }

    /// <summary>The load on phases A, B and C in period <paramref name="t"/> of the given requests' powers.</summary>
    public static double[] PhaseLoads(ChargingInstance instance, IEnumerable<int> requests, double[][] kw, int t)
    {
        var loads = new double[3];
        foreach (var i in requests)
        {
            var charger = instance.Charger(instance.Requests[i].PluggedChargerId);
            var (a, b, c) = charger?.PhaseShares() ?? (1 / 3.0, 1 / 3.0, 1 / 3.0);
            loads[0] += a * kw[i][t];
            loads[1] += b * kw[i][t];
            loads[2] += c * kw[i][t];
        }
        return loads;
    }
}
