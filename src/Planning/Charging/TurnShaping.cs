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
}
