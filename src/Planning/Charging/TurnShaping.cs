namespace Parking.Planning.Charging;

/// <summary>
/// Makes the most of turns whose power is modulated: a car without a turn takes a charger that is idle while it is
/// there (it plugs in and waits at 0 kW until the feed has room), and every turn then holds its charger for as long as
/// the charger is free around it, from the car's arrival to its departure at best. Both only add periods in which a car
/// may draw power, so the power program can only do better. Boundaries keep the rules: a turn starts at the car's
/// arrival or at a boundary outside quiet hours, ends at its departure or outside quiet hours, and two turns on one
/// charger keep the changeover between them. Fixed turns stay as they are.
/// </summary>
internal static class TurnShaping
{
    public static ChargingTurn?[] Shape(ChargingInstance instance, IReadOnlyList<ChargingTurn?> turns, bool extend = true)
    {
        var requests = instance.Requests;
        var shaped = turns.ToArray();
        var fixedIds = (instance.FixedTurns ?? []).Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        var changeover = instance.ChangeoverPeriods;
        bool StartOk(ChargingRequest r, int b) => b == r.ArrivalPeriod || !instance.IsQuietBoundary(b);
        bool EndOk(ChargingRequest r, int b) => b == r.DeparturePeriod || !instance.IsQuietBoundary(b);
        var byCharger = instance.Chargers.ToDictionary(c => c.Id, _ => new List<int>(), StringComparer.Ordinal);
        for (var i = 0; i < requests.Count; i++)
            if (shaped[i] is { } turn && byCharger.TryGetValue(turn.ChargerId, out var list)) list.Add(i);
        foreach (var list in byCharger.Values) list.Sort((a, b) => shaped[a]!.StartPeriod.CompareTo(shaped[b]!.StartPeriod));
        List<int> OnCharger(string chargerId) => byCharger[chargerId];

        // Fill: the requests without a turn, most wanted energy first, each on the charger and idle stretch that lets it draw most.
        foreach (var i in Enumerable.Range(0, requests.Count).Where(i => shaped[i] is null && requests[i].EnergyKwh > 0 && !fixedIds.Contains(requests[i].Id))
                     .OrderByDescending(i => requests[i].EnergyKwh).ToList())
        {
            var request = requests[i];
            (ChargingTurn Turn, double Score)? best = null;
            foreach (var charger in instance.Chargers)
            {
                if (request.PluggedChargerId is { } plugged && plugged != charger.Id) continue;
                var kw = Math.Min(request.MaxKw, charger.MaxKw);
                if (kw <= 0) continue;
                var on = OnCharger(charger.Id);
                var gapStart = 0;
                for (var k = 0; k <= on.Count; k++)
                {
                    var gapEnd = k < on.Count ? shaped[on[k]]!.StartPeriod - changeover : instance.Periods;
                    var from = Math.Max(gapStart, request.ArrivalPeriod);
                    var to = Math.Min(gapEnd, request.DeparturePeriod);
                    while (from < to && !StartOk(request, from)) from++;
                    while (to > from && !EndOk(request, to)) to--;
                    if (to > from && (best is null || (to - from) * kw > best.Value.Score))
                        best = (new ChargingTurn(charger.Id, from, to), (to - from) * kw);
                    if (k < on.Count) gapStart = shaped[on[k]]!.EndPeriod + changeover;
                }
            }
            if (best is not { } chosen) continue;
            shaped[i] = chosen.Turn;
            var onCharger = byCharger[chosen.Turn.ChargerId];
            var at = onCharger.FindIndex(j => shaped[j]!.StartPeriod > chosen.Turn.StartPeriod);
            onCharger.Insert(at < 0 ? onCharger.Count : at, i);
        }

        // Extend: every turn holds its charger as long as it is free around it.
        foreach (var charger in extend ? instance.Chargers : [])
        {
            var on = OnCharger(charger.Id);
            for (var k = 0; k < on.Count; k++)
            {
                var i = on[k];
                if (fixedIds.Contains(requests[i].Id)) continue;
                var request = requests[i];
                var turn = shaped[i]!;
                var earliest = Math.Max(request.ArrivalPeriod, k > 0 ? shaped[on[k - 1]]!.EndPeriod + changeover : 0);
                var latest = Math.Min(request.DeparturePeriod, k + 1 < on.Count ? shaped[on[k + 1]]!.StartPeriod - changeover : instance.Periods);
                var start = earliest;
                while (start < turn.StartPeriod && !StartOk(request, start)) start++;
                var end = latest;
                while (end > turn.EndPeriod && !EndOk(request, end)) end--;
                shaped[i] = turn with { StartPeriod = Math.Min(start, turn.StartPeriod), EndPeriod = Math.Max(end, turn.EndPeriod) };
            }
        }
        return shaped;
    }

    /// <summary>
    /// Further turns for cars still short after their turn (up to <see cref="ChargingInstance.MaxTurnsPerRequest"/> each):
    /// the least served car first, each takes the stretch of an idle charger inside its stay where the feed, as powered
    /// in <paramref name="kw"/>, has the most room left for it. A new turn keeps the changeover from every other turn on
    /// its charger and from the car's own other turns (it has to be moved), starts and ends only at boundaries a turn may
    /// use (outside quiet hours, or at the car's arrival or departure), and is worth at least a tenth of a kWh of room.
    /// Cars plugged into a charger and cars with a started (fixed) turn keep the one turn they have. Returns every
    /// request's turns in time order; the caller powers them again.
    /// </summary>
    public static IReadOnlyList<ChargingTurn>[] AddTurns(ChargingInstance instance, IReadOnlyList<ChargingTurn?> turns, double[][] kw, bool shiftMorning = false)
    {
        var requests = instance.Requests;
        var result = turns.Select(t => t is null ? new List<ChargingTurn>() : new List<ChargingTurn> { t }).ToArray();
        if (instance.MaxTurnsPerRequest <= 1 || requests.Count == 0) return result;
        var hours = instance.PeriodHours;
        var changeover = instance.ChangeoverPeriods;
        var fixedIds = (instance.FixedTurns ?? []).Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        var held = instance.Chargers.ToDictionary(c => c.Id, _ => new List<(int Start, int End)>(), StringComparer.Ordinal);
        foreach (var list in result)
            foreach (var turn in list)
                if (held.TryGetValue(turn.ChargerId, out var on)) on.Add((turn.StartPeriod, turn.EndPeriod));
        foreach (var f in instance.FixedTurns ?? [])
            if (held.TryGetValue(f.ChargerId, out var on) && !on.Contains((f.StartPeriod, f.EndPeriod))) on.Add((f.StartPeriod, f.EndPeriod));
        var used = new double[instance.Periods];
        var delivered = new double[requests.Count];
        for (var i = 0; i < requests.Count; i++)
            for (var t = 0; t < instance.Periods; t++)
            {
                used[t] += kw[i][t];
                delivered[i] += kw[i][t] * hours;
            }
        bool StartOk(ChargingRequest r, int b) => b == r.ArrivalPeriod || !instance.IsQuietBoundary(b);
        bool EndOk(ChargingRequest r, int b) => b == r.DeparturePeriod || !instance.IsQuietBoundary(b);
        // After the last quiet hours the feed the plan leaves unused there can be reached by moving what cars that stay
        // draw into the periods it is unused in: a full feed there still counts as room, up to that unused energy.
        var morningFrom = shiftMorning && instance.QuietPeriods is { Count: > 0 } quiet ? quiet.Max(q => q.End) : instance.Periods;
        var morningSpare = 0.0;
        for (var t = morningFrom; t < instance.Periods; t++) morningSpare += Math.Max(0, instance.CapacityKw(t) - used[t]) * hours;
        for (var round = 1; round < instance.MaxTurnsPerRequest; round++)
        {
            var shortOnes = Enumerable.Range(0, requests.Count)
                .Where(i => requests[i].EnergyKwh > 0 && delivered[i] < requests[i].EnergyKwh - 0.1 && result[i].Count == round
                    && requests[i].PluggedChargerId is null && !fixedIds.Contains(requests[i].Id))
                .OrderBy(i => delivered[i] / requests[i].EnergyKwh).ThenBy(i => requests[i].ArrivalPeriod).ToList();
            // Then cars served in full that stay into the morning: a turn there lets the program move what they drew
            // earlier (where the feed was full) into the morning's unused feed, for others to draw earlier.
            var stayers = morningFrom < instance.Periods
                ? Enumerable.Range(0, requests.Count)
                    .Where(i => requests[i].EnergyKwh > 0 && delivered[i] >= requests[i].EnergyKwh - 0.1 && result[i].Count == round
                        && requests[i].DeparturePeriod > morningFrom && requests[i].PluggedChargerId is null && !fixedIds.Contains(requests[i].Id))
                    .OrderByDescending(i => requests[i].DeparturePeriod).ThenBy(i => requests[i].ArrivalPeriod).ToList()
                : [];
            foreach (var i in shortOnes.Concat(stayers))
            {
                var request = requests[i];
                var served = delivered[i] >= request.EnergyKwh - 0.1;
                // A car served in full only moves energy: what it drew, into the morning's unused feed.
                var need = served ? delivered[i] : request.EnergyKwh - delivered[i];
                // Periods the car is free to hold another charger: its stay, away from its own turns by the changeover.
                var free = new bool[instance.Periods];
                for (var t = request.ArrivalPeriod; t < Math.Min(instance.Periods, request.DeparturePeriod); t++) free[t] = true;
                foreach (var own in result[i])
                    for (var t = Math.Max(0, own.StartPeriod - changeover); t < Math.Min(instance.Periods, own.EndPeriod + changeover); t++) free[t] = false;
                (ChargingTurn Turn, double Room, double Shifted)? best = null;
                foreach (var charger in instance.Chargers)
                {
                    var limit = Math.Min(request.MaxKw, charger.MaxKw);
                    if (limit <= 0) continue;
                    var on = held[charger.Id];
                    var idle = (bool[])free.Clone();
                    foreach (var (start, end) in on)
                        for (var t = Math.Max(0, start - changeover); t < Math.Min(instance.Periods, end + changeover); t++) idle[t] = false;
                    for (var t = 0; t < instance.Periods;)
                    {
                        if (!idle[t]) { t++; continue; }
                        var stretchEnd = t;
                        while (stretchEnd < instance.Periods && idle[stretchEnd]) stretchEnd++;
                        var from = t;
                        var to = stretchEnd;
                        while (from < to && !StartOk(request, from)) from++;
                        while (to > from && !EndOk(request, to)) to--;
                        if (to > from)
                        {
                            var room = 0.0;
                            var shiftable = 0.0;
                            for (var u = from; u < to && room < need; u++)
                            {
                                var direct = served ? 0 : Math.Max(0, Math.Min(limit * request.PresentShare(u), instance.CapacityKw(u) - used[u]));
                                room += direct * hours;
                                if (u >= morningFrom) shiftable += Math.Max(0, (limit * request.PresentShare(u)) - direct) * hours;
                            }
                            room = Math.Min(room, need);
                            var shifted = Math.Min(Math.Min(shiftable, morningSpare), need - room);
                            if (room + shifted >= 0.1 && (best is null || room + shifted > best.Value.Room + best.Value.Shifted))
                                best = (new ChargingTurn(charger.Id, from, to), room, shifted);
                        }
                        t = stretchEnd;
                    }
                }
                if (best is not { } chosen) continue;
                result[i].Add(chosen.Turn);
                result[i].Sort((a, b) => a.StartPeriod.CompareTo(b.StartPeriod));
                held[chosen.Turn.ChargerId].Add((chosen.Turn.StartPeriod, chosen.Turn.EndPeriod));
                morningSpare = Math.Max(0, morningSpare - chosen.Shifted);
                if (served) continue;
                // What the car is expected to draw there, so the next cars see the feed's room that is left.
                var chosenLimit = Math.Min(request.MaxKw, instance.Charger(chosen.Turn.ChargerId)!.MaxKw);
                var left = need;
                for (var u = chosen.Turn.StartPeriod; u < chosen.Turn.EndPeriod && left > 1e-9; u++)
                {
                    var draw = Math.Min(Math.Max(0, Math.Min(chosenLimit * request.PresentShare(u), instance.CapacityKw(u) - used[u])), left / hours);
                    used[u] += draw;
                    left -= draw * hours;
                }
                delivered[i] += need - left;
            }
        }
        return result;
    }

    /// <summary>
    /// Each request's last turn (fixed turns and those <paramref name="keep"/> marks aside) held on to the right as long
    /// as its charger is free, up to the car's departure: a car that stays can then draw late what it drew early, leaving
    /// the early periods' feed to cars that leave. Ends only at boundaries a turn may use; the changeover is kept from
    /// the next turn on the charger.
    /// </summary>
    public static IReadOnlyList<ChargingTurn>[] ExtendLast(ChargingInstance instance, IReadOnlyList<IReadOnlyList<ChargingTurn>> turns, Func<int, bool> keep)
    {
        var requests = instance.Requests;
        var changeover = instance.ChangeoverPeriods;
        var fixedIds = (instance.FixedTurns ?? []).Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        var starts = instance.Chargers.ToDictionary(c => c.Id, _ => new List<int>(), StringComparer.Ordinal);
        foreach (var list in turns)
            foreach (var turn in list)
                if (starts.TryGetValue(turn.ChargerId, out var on)) on.Add(turn.StartPeriod);
        foreach (var f in instance.FixedTurns ?? [])
            if (starts.TryGetValue(f.ChargerId, out var on)) on.Add(f.StartPeriod);
        var result = new IReadOnlyList<ChargingTurn>[turns.Count];
        for (var i = 0; i < turns.Count; i++)
        {
            result[i] = turns[i];
            if (turns[i].Count == 0 || keep(i) || fixedIds.Contains(requests[i].Id)) continue;
            var request = requests[i];
            var last = turns[i].MaxBy(t => t.StartPeriod)!;
            if (!starts.TryGetValue(last.ChargerId, out var others)) continue;
            var end = Math.Min(request.DeparturePeriod, instance.Periods);
            foreach (var s in others)
                if (s >= last.EndPeriod) end = Math.Min(end, s - changeover);
            while (end > last.EndPeriod && end != request.DeparturePeriod && instance.IsQuietBoundary(end)) end--;
            if (end <= last.EndPeriod) continue;
            result[i] = [.. turns[i].Select(t => ReferenceEquals(t, last) ? t with { EndPeriod = end } : t)];
        }
        return result;
    }
}
