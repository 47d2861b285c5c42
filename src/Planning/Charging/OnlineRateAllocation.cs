using System.Diagnostics;

namespace Parking.Planning.Charging;

/// <summary>
/// Online rate allocation, as a charging network must run: whenever a car arrives or leaves it re-plans the cars
/// present (knowing only their declared departure and remaining energy, nothing of cars still to come) by a
/// maximum flow that prefers earlier periods (and, between cars, the one leaving first), and follows that plan until
/// the next arrival or departure. Preferring early periods leaves the most room for cars not yet seen.
/// </summary>
public sealed class OnlineRateAllocation : IChargingAlgorithm
{
    public string Name => "online";

    public ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var clock = Stopwatch.StartNew();
        var wh = EnergyUnits.Empty(instance);
        var need = EnergyFlow.NeedWh(instance);
        var site = EnergyFlow.SiteWh(instance);
        var events = instance.Requests.SelectMany(r => new[] { r.ArrivalPeriod, r.DeparturePeriod })
            .Where(t => t < instance.Periods).Distinct().Order().ToArray();
        foreach (var now in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var present = new List<int>();
            var remaining = new long[instance.Requests.Count];
            for (var i = 0; i < instance.Requests.Count; i++)
            {
                var request = instance.Requests[i];
                if (request.ArrivalPeriod > now || request.DeparturePeriod <= now) continue;
                remaining[i] = need[i] - wh[i].Take(now).Sum();
                Array.Clear(wh[i], now, instance.Periods - now);
                if (remaining[i] > 0) present.Add(i);
            }
            // Earlier periods first; between cars, the one leaving first (as EDF) when not all can be served.
            var weight = instance.Periods + 1L;
            var planned = EnergyFlow.Solve(instance, present, now, remaining, site,
                (i, t) => (t - now) * weight + (instance.Requests[i].DeparturePeriod - now));
            foreach (var i in present)
                Array.Copy(planned[i], now, wh[i], now, instance.Periods - now);
        }
        return EnergyUnits.ToPlan(instance, Name, PlanStatus.Feasible, wh, solveTime: clock.Elapsed);
    }
}
