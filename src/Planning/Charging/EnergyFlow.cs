using Google.OrTools.Graph;

namespace Parking.Planning.Charging;

/// <summary>
/// Rate allocation as a flow: source → request (its energy), request → period (its power while present),
/// period → sink (site capacity). The maximum flow is the most energy any plan can deliver; among maximum
/// flows the one of least cost is taken (prices, or a preference for earlier periods).
/// </summary>
internal static class EnergyFlow
{
    /// <param name="requests">Indices into the instance's requests to plan.</param>
    /// <param name="from">First period to plan; periods before it are left alone.</param>
    /// <param name="needWh">Energy still wanted, by request index.</param>
    /// <param name="siteWh">Site capacity left in every period.</param>
    /// <param name="cost">Unit cost of energy for a request in a period.</param>
    /// <returns>Wh by request index and period (only the planned requests' rows are filled).</returns>
    public static long[][] Solve(
        ChargingInstance instance, IReadOnlyList<int> requests, int from, long[] needWh, long[] siteWh,
        Func<int, int, long> cost, double unitsPerKwh = 1000)
    {
        var result = EnergyUnits.Empty(instance);
        var to = requests.Count == 0 ? from : requests.Max(i => instance.Requests[i].DeparturePeriod);
        if (to <= from) return result;
        using var flow = new MinCostFlow();
        var source = 0;
        var sink = 1;
        int PeriodNode(int t) => 2 + (t - from);
        var firstRequestNode = 2 + (to - from);
        long total = 0;
        for (var t = from; t < to; t++)
            flow.AddArcWithCapacityAndUnitCost(PeriodNode(t), sink, Math.Max(0, siteWh[t]), 0);
        var arcs = new List<(int Request, int Period, int Arc)>();
        for (var k = 0; k < requests.Count; k++)
        {
            var i = requests[k];
            var request = instance.Requests[i];
            var need = needWh[i];
            if (need <= 0) continue;
            var node = firstRequestNode + k;
            flow.AddArcWithCapacityAndUnitCost(source, node, need, 0);
            total += need;
            for (var t = Math.Max(from, request.ArrivalPeriod); t < request.DeparturePeriod; t++)
            {
                var perPeriod = Units(instance.PowerLimitKw(request, t) * instance.PeriodHours, unitsPerKwh);
                if (perPeriod > 0) arcs.Add((i, t, flow.AddArcWithCapacityAndUnitCost(node, PeriodNode(t), perPeriod, cost(i, t))));
            }
        }
        if (total == 0) return result;
        flow.SetNodeSupply(source, total);
        flow.SetNodeSupply(sink, -total);
        var status = flow.SolveMaxFlowWithMinCost();
        if (status != MinCostFlowBase.Status.OPTIMAL)
            throw new InvalidOperationException($"The energy flow could not be solved: {status}.");
        foreach (var (request, period, arc) in arcs)
            result[request][period] = flow.Flow(arc);
        return result;
    }

    /// <summary>Energy in whole units of 1/<paramref name="unitsPerKwh"/> kWh, rounded down.</summary>
    public static long Units(double kwh, double unitsPerKwh) => (long)Math.Floor((Math.Max(0, kwh) * unitsPerKwh) + 1e-6);

    public static long[] SiteUnits(ChargingInstance instance, double unitsPerKwh)
    {
        var chargersKw = instance.Chargers.Sum(c => c.MaxKw);
        var limitChargers = !instance.AllPlugged;
        return [.. Enumerable.Range(0, instance.Periods).Select(t => Units(
            (limitChargers ? Math.Min(instance.CapacityKw(t), chargersKw) : instance.CapacityKw(t)) * instance.PeriodHours, unitsPerKwh))];
    }

    public static long[] SiteWh(ChargingInstance instance)
    {
        // With more cars than chargers no more than every charger at full power can be drawn at once.
        var chargersKw = instance.Chargers.Sum(c => c.MaxKw);
        var limitChargers = !instance.AllPlugged;
        return [.. Enumerable.Range(0, instance.Periods).Select(t => EnergyUnits.PeriodWh(
            limitChargers ? Math.Min(instance.CapacityKw(t), chargersKw) : instance.CapacityKw(t), instance.PeriodHours))];
    }

    public static long[] NeedWh(ChargingInstance instance) =>
        [.. instance.Requests.Select(r => EnergyUnits.Wh(r.EnergyKwh))];
}
