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
            kw = RateLp.Solve(instance, all, 0, [.. instance.Requests.Select(r => r.EnergyKwh)],
                (_, t) => 1 + (maxPrice <= 0 ? 0 : 1e-4 * (maxPrice - instance.Price(t)) / maxPrice))
                ?? throw new InvalidOperationException("GLOP could not solve the offline optimum.");
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

    /// <summary>The most energy any plan can deliver on <paramref name="instance"/>, in kWh.</summary>
    public static double UpperBoundKwh(ChargingInstance instance) =>
        new OfflineOptimum().Solve(instance, SolveOptions.Default).EnergyKwh(instance);
}
