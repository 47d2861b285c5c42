using System.Diagnostics;

namespace Parking.Planning.Charging;

/// <summary>
/// The offline optimum of rate allocation, knowing every car in advance. Its energy is the upper bound every plan
/// is reported against: with each car at any power up to its limit while present (the share of a period it is
/// present included) and the site within capacity, no plan delivers more. On a single-phase feed it is a maximum
/// flow of least cost under time-of-use prices, in milliwatt-hours (so rounding costs nothing measurable); when the
/// feed has per-phase or imbalance limits it is the same problem as a linear program (GLOP), prices as a small
/// second objective. With more cars than chargers it relaxes turns (no changeover, no contiguity, at most every
/// charger's power at once, cars of unknown phase counted against the total only).
/// </summary>
public sealed class OfflineOptimum : IChargingAlgorithm
{
    private const double MilliwattHoursPerKwh = 1e6;

    public string Name => "offline";

    public ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var clock = Stopwatch.StartNew();
        var all = Enumerable.Range(0, instance.Requests.Count).ToArray();
        double[][] kw;
        if (instance.HasPhaseLimits)
        {
            var maxPrice = Enumerable.Range(0, instance.Periods).Max(instance.Price);
            var need = instance.Requests.Select(r => r.EnergyKwh).ToArray();
            kw = new double[instance.Requests.Count][];
            // Cars whose stays do not overlap, directly or through others, never compete: solve each such block
            // on its own (a month of a workplace site splits into days), which is much faster than one program.
            foreach (var (block, from, to) in Blocks(instance))
            {
                var part = RateLp.Solve(instance, block, from, need,
                    (_, t) => 1 + (maxPrice <= 0 ? 0 : 1e-4 * (maxPrice - instance.Price(t)) / maxPrice), 0, to)
                    ?? throw new InvalidOperationException("GLOP could not solve the offline optimum.");
                foreach (var i in block) kw[i] = part[i];
            }
            for (var i = 0; i < kw.Length; i++) kw[i] ??= new double[instance.Periods];
        }
        else
        {
            var units = EnergyFlow.Solve(instance, all, 0,
                [.. instance.Requests.Select(r => EnergyFlow.Units(r.EnergyKwh, MilliwattHoursPerKwh))],
                EnergyFlow.SiteUnits(instance, MilliwattHoursPerKwh),
                (_, t) => (long)Math.Round(instance.Price(t) * 1000), MilliwattHoursPerKwh);
            kw = [.. units.Select(row => row.Select(u => u / (MilliwattHoursPerKwh * instance.PeriodHours)).ToArray())];
        }
        var sessions = instance.Requests.Select((r, i) => new SessionPlan(r.Id, kw[i], null)).ToList();
        var plan = new ChargingPlan(Name, PlanStatus.Optimal, sessions, SolveTime: clock.Elapsed);
        return plan with { BoundKwh = plan.EnergyKwh(instance) };
    }

    /// <summary>Requests in groups whose windows chain together, with the periods each group spans.</summary>
    private static IEnumerable<(List<int> Block, int From, int To)> Blocks(ChargingInstance instance)
    {
        var order = Enumerable.Range(0, instance.Requests.Count).OrderBy(i => instance.Requests[i].ArrivalPeriod).ToList();
        var block = new List<int>();
        int from = 0, to = 0;
        foreach (var i in order)
        {
            var request = instance.Requests[i];
            if (block.Count > 0 && request.ArrivalPeriod >= to)
            {
                yield return (block, from, to);
                block = [];
            }
            if (block.Count == 0) (from, to) = (request.ArrivalPeriod, request.DeparturePeriod);
            block.Add(i);
            to = Math.Max(to, request.DeparturePeriod);
        }
        if (block.Count > 0) yield return (block, from, to);
    }

    /// <summary>The most energy any plan can deliver on <paramref name="instance"/>, in kWh.</summary>
    public static double UpperBoundKwh(ChargingInstance instance) =>
        new OfflineOptimum().Solve(instance, SolveOptions.Default).EnergyKwh(instance);
}
