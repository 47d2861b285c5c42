using System.Diagnostics;

namespace Parking.Planning.Charging;

/// <summary>
/// The offline optimum of rate allocation, knowing every car in advance: a maximum flow of least cost under
/// time-of-use prices. Its energy is the upper bound every plan is reported against: with each car at any power
/// up to its limit while present and the site within capacity, no plan delivers more. With more cars than
/// chargers it relaxes turns (no changeover, no contiguity, at most every charger's power at once).
/// </summary>
public sealed class OfflineOptimum : IChargingAlgorithm
{
    public string Name => "offline";

    public ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var clock = Stopwatch.StartNew();
        var all = Enumerable.Range(0, instance.Requests.Count).ToArray();
        var wh = EnergyFlow.Solve(instance, all, 0, EnergyFlow.NeedWh(instance), EnergyFlow.SiteWh(instance),
            (_, t) => (long)Math.Round(instance.Price(t) * 1000));
        var plan = EnergyUnits.ToPlan(instance, Name, PlanStatus.Optimal, wh, solveTime: clock.Elapsed);
        return plan with { BoundKwh = plan.EnergyKwh(instance) };
    }

    /// <summary>The most energy any plan can deliver on <paramref name="instance"/>, in kWh.</summary>
    public static double UpperBoundKwh(ChargingInstance instance) =>
        new OfflineOptimum().Solve(instance, SolveOptions.Default).EnergyKwh(instance);
}
