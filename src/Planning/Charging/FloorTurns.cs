namespace Parking.Planning.Charging;

/// <summary>
/// Turns for a share order built from a plan that is good for energy: every driver the plan leaves below a floor (a
/// least share of the need, or of the minimum need) is given a short turn where it costs the holders least, and the
/// turns are powered with the floors as constraints. The share orders' fairness stage finds a least share but picks
/// its turns for it alone (constant power, CP-SAT's turn model); the plans that deliver most energy leave a few
/// drivers with little or nothing. Carving short turns for those few into a plan made for energy keeps most of its
/// energy and reaches the same least share.
/// <para>
/// A driver below its floor takes, on one charger, the shortest stretch of its stay (starting and ending at boundaries
/// it may use) in which its car could draw what it misses; turns of other cars there are cut back to keep the
/// changeover, or dropped when nothing of them is left. Among chargers and stretches the one whose holders lose least
/// (by what they drew there) is chosen. A holder pushed below its own floor costs, besides what it loses, what its own
/// cheapest place elsewhere would cost (one level deep, pushing nobody below a floor there), or a hundred times what it
/// misses when it has none: so a night holder that could take its floor in the evening makes way for a driver who can
/// charge only at night, and not the other way round. Fixed turns and plugged cars are never cut. Rounds repeat with
/// the linear program's answer until every floor is met or the rounds run out; the result is one candidate, ranked in
/// the order as every other.
/// </para>
/// </summary>
internal static class FloorTurns
{
    private sealed record Place(string Charger, int From, int To, double Cost, List<(int Holder, ChargingTurn Turn, ChargingTurn? Left)> Cuts);

    /// <summary>The turns of <paramref name="start"/> (each request's list) with turns carved for drivers below <paramref name="floorsKwh"/>.</summary>
    public static IReadOnlyList<ChargingTurn>[] Raise(
        ChargingInstance instance, IReadOnlyList<IReadOnlyList<ChargingTurn>> start, IReadOnlyList<double> floorsKwh, int rounds, Func<bool> more)
    {
        var requests = instance.Requests;
        var periods = instance.Periods;
        var hours = instance.PeriodHours;
        var changeover = instance.ChangeoverPeriods;
        var fixedIds = (instance.FixedTurns ?? []).Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        bool Uncut(int j) => fixedIds.Contains(requests[j].Id) || requests[j].PluggedChargerId is not null;
        bool StartOk(ChargingRequest r, int b) => b == r.ArrivalPeriod || !instance.IsQuietBoundary(b);
        bool EndOk(ChargingRequest r, int b) => b == r.DeparturePeriod || !instance.IsQuietBoundary(b);
        double Floor(int i) => Math.Min(requests[i].EnergyKwh, floorsKwh[i]);
        var turns = start.Select(list => list.ToList()).ToArray();
        var shortKwh = new double[requests.Count];
        double[][] kw = [];
        double[] got = [];
        // Each charger's turns as (holder, turn), rebuilt after every change.
        var onCharger = new Dictionary<string, List<(int Holder, ChargingTurn Turn)>>(StringComparer.Ordinal);
        void Index()
        {
            onCharger = instance.Chargers.ToDictionary(c => c.Id, _ => new List<(int, ChargingTurn)>(), StringComparer.Ordinal);
            for (var j = 0; j < requests.Count; j++)
                foreach (var turn in turns[j])
                    if (onCharger.TryGetValue(turn.ChargerId, out var list)) list.Add((j, turn));
            foreach (var f in instance.FixedTurns ?? [])
                if (onCharger.TryGetValue(f.ChargerId, out var list) && !list.Any(o => requests[o.Holder].Id == f.RequestId))
                    list.Add((-1, new ChargingTurn(f.ChargerId, f.StartPeriod, f.EndPeriod)));
        }
        // Turns carved here are never cut again: two drivers who want one charger's night would otherwise take it from
        // each other round after round.
        var carved = new HashSet<ChargingTurn>();
        // Where a holder pushed below its floor would go, one level deep (cached for the round: an estimate).
        var elsewhere = new Dictionary<int, double>();

        // The cheapest place for driver d to draw `missing` more (its own turns kept apart from it, or, with `replace`,
        // given up); at the second level (`deep` false) no holder may be pushed below its floor.
        Place? Best(int d, double missing, bool replace, bool deep)
        {
            var r = requests[d];
            IReadOnlyList<ChargingTurn> own = replace ? [] : turns[d];
            Place? best = null;
            foreach (var charger in instance.Chargers)
            {
                if (r.PluggedChargerId is { } plugged && plugged != charger.Id) continue;
                var carKw = Math.Min(r.MaxKw, charger.MaxKw);
                if (carKw <= 0) continue;
                var others = onCharger[charger.Id];
                for (var from = Math.Max(0, r.ArrivalPeriod); from < Math.Min(periods, r.DeparturePeriod); from++)
                {
                    if (!StartOk(r, from)) continue;
                    // The shortest stretch from here in which the car could draw what it misses, out to a boundary it may end at.
                    var to = from;
                    var could = 0.0;
                    while (to < r.DeparturePeriod && to < periods && could < missing - 1e-9)
                        could += carKw * r.PresentShare(to++) * hours;
                    if (could < missing - 1e-9) break;
                    while (to < r.DeparturePeriod && !EndOk(r, to)) to++;
                    if (!EndOk(r, to)) continue;
                    if (own.Any(o => o.StartPeriod < to + changeover && from < o.EndPeriod + changeover)) continue;
                    var (b0, b1) = (from - changeover, to + changeover);
                    var cost = 1e-6 * (to - from);
                    List<(int, ChargingTurn, ChargingTurn?)>? cuts = null;
                    var possible = true;
                    foreach (var (j, turn) in others)
                    {
                        if (j == d || turn.EndPeriod <= b0 || turn.StartPeriod >= b1) continue;
                        if (j < 0 || Uncut(j) || carved.Contains(turn)) { possible = false; break; }
                        var holder = requests[j];
                        double Lost(int a, int b)
                        {
                            var lost = 0.0;
                            for (var t = Math.Max(a, turn.StartPeriod); t < Math.Min(b, turn.EndPeriod); t++) lost += kw[j][t] * hours;
                            return lost;
                        }
                        // What is left of the holder's turn before the stretch, or after it (the cheaper), or nothing.
                        ChargingTurn? left = null;
                        var loss = Lost(turn.StartPeriod, turn.EndPeriod);
                        var end = Math.Min(b0, turn.EndPeriod);
                        while (end > turn.StartPeriod && !EndOk(holder, end)) end--;
                        if (end > turn.StartPeriod && Lost(end, turn.EndPeriod) < loss)
                            (left, loss) = (turn with { EndPeriod = end }, Lost(end, turn.EndPeriod));
                        var begin = Math.Max(b1, turn.StartPeriod);
                        while (begin < turn.EndPeriod && !StartOk(holder, begin)) begin++;
                        if (begin < turn.EndPeriod && Lost(turn.StartPeriod, begin) < loss)
                            (left, loss) = (turn with { StartPeriod = begin }, Lost(turn.StartPeriod, begin));
                        var deficit = Floor(j) - (got[j] - loss);
                        if (deficit > 1e-6)
                        {
                            if (!deep) { possible = false; break; }
                            if (!elsewhere.TryGetValue(j, out var away))
                                elsewhere[j] = away = Best(j, Floor(j), replace: true, deep: false)?.Cost ?? double.PositiveInfinity;
                            cost += double.IsPositiveInfinity(away) ? 100 * deficit : away;
                        }
                        cost += loss;
                        (cuts ??= []).Add((j, turn, left));
                        if (best is not null && cost >= best.Cost) break;
                    }
                    if (!possible || (best is not null && cost >= best.Cost)) continue;
                    best = new Place(charger.Id, from, to, cost, cuts ?? []);
                }
            }
            return best;
        }

        for (var round = 0; round < rounds && more(); round++)
        {
            kw = TurnPower.AllocateToFloors(instance, turns, floorsKwh, shortKwh);
            var below = Enumerable.Range(0, requests.Count).Where(i => shortKwh[i] > 1e-3 && requests[i].EnergyKwh > 0 && !fixedIds.Contains(requests[i].Id)).ToList();
            InTurnCpSat.Trace?.Invoke($"floor turns round {round}: below {below.Count} short {below.Sum(i => shortKwh[i]):0.0} energy {kw.Sum(row => row.Sum()) * hours:0.0}");
            if (below.Count == 0) break;
            got = [.. kw.Select(row => row.Sum() * hours)];
            Index();
            elsewhere.Clear();
            // Drivers with the shortest stays (fewest places to go) first, then the ones missing most.
            foreach (var d in below.OrderBy(i => requests[i].DeparturePeriod - requests[i].ArrivalPeriod).ThenByDescending(i => shortKwh[i]).ThenBy(i => i))
            {
                if (!more()) break;
                var r = requests[d];
                // A driver at its most turns gives them up and takes one turn for its whole floor.
                var replace = turns[d].Count >= instance.MaxTurnsPerRequest;
                var missing = replace ? Floor(d) : shortKwh[d];
                if (Best(d, missing, replace, deep: true) is not { } chosen) continue;
                foreach (var (j, turn, left) in chosen.Cuts)
                {
                    var at = turns[j].IndexOf(turn);
                    if (at < 0) continue;
                    if (left is null) turns[j].RemoveAt(at);
                    else turns[j][at] = left;
                    for (var t = turn.StartPeriod; t < turn.EndPeriod; t++)
                        if (left is null || t < left.StartPeriod || t >= left.EndPeriod)
                        {
                            got[j] -= kw[j][t] * hours;
                            kw[j][t] = 0;
                        }
                }
                if (replace)
                {
                    turns[d].Clear();
                    Array.Clear(kw[d]);
                    got[d] = 0;
                }
                var added = new ChargingTurn(chosen.Charger, chosen.From, chosen.To);
                carved.Add(added);
                turns[d].Add(added);
                turns[d].Sort((a, b) => a.StartPeriod.CompareTo(b.StartPeriod));
                // The new turn drawn at the car's power from its start until the floor is met, so that a later driver's
                // turn weighs what cutting it would cost.
                var chargerKw = Math.Min(r.MaxKw, instance.Charger(chosen.Charger)!.MaxKw);
                for (var t = chosen.From; t < chosen.To && missing > 1e-9; t++)
                {
                    var give = Math.Min(chargerKw * r.PresentShare(t), missing / hours);
                    kw[d][t] += give;
                    missing -= give * hours;
                    got[d] += give * hours;
                }
                Index();
            }
        }
        return turns;
    }
}
