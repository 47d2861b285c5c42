using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

public class BaselineTests
{
    [Fact]
    public void Domain_names_exactly_the_planners_Planning_implements() =>
        Assert.Equal(Parking.Domain.Charging.ChargingAlgorithmNames.All, ChargingAlgorithms.Names);

    [Fact]
    public void Registry_knows_every_planner_by_name()
    {
        Assert.Equal(["online", "offline", "in-turn", "fcfs", "edf", "llf", "round-robin"], ChargingAlgorithms.Names);
        Assert.Equal("llf", ChargingAlgorithms.Get("LLF").Name);
        Assert.Throws<ArgumentException>(() => ChargingAlgorithms.Get("nope"));
    }

    [Fact]
    public void Fcfs_gives_the_charger_to_cars_in_turn_until_each_is_full()
    {
        var instance = Instances.ThreeCarsOneCharger(changeover: 1);
        var plan = ChargingAlgorithms.Get("fcfs").Solve(instance, SolveOptions.Default);

        Assert.Equal(new ChargingTurn("C1", 0, 2), plan.Session("a")!.Turn);
        Assert.Equal(new ChargingTurn("C1", 3, 5), plan.Session("b")!.Turn);
        Assert.Equal(new ChargingTurn("C1", 6, 8), plan.Session("c")!.Turn);
        Assert.Equal(42, plan.EnergyKwh(instance), 6);
    }

    [Fact]
    public void Edf_serves_the_earliest_departure_first_in_rate_allocation()
    {
        var instance = Instances.TwoPluggedCars();
        var plan = ChargingAlgorithms.Get("edf").Solve(instance, SolveOptions.Default);

        Assert.Equal([7, 3, 0, 0], plan.Session("early")!.PowerKw.Select(p => Math.Round(p, 3)));
        Assert.Equal([3, 7, 4, 0], plan.Session("late")!.PowerKw.Select(p => Math.Round(p, 3)));
    }

    [Fact]
    public void Offline_optimum_is_the_upper_bound_and_serves_both_cars_fully()
    {
        var instance = Instances.TwoPluggedCars();
        var plan = ChargingAlgorithms.Get("offline").Solve(instance, SolveOptions.Default);

        Assert.Equal(24, plan.EnergyKwh(instance), 6);
        Assert.Equal(24, plan.BoundKwh!.Value, 6);
        var metrics = ChargingMetrics.Compute(instance, plan, plan.BoundKwh.Value);
        Assert.Equal(100, metrics.FullyServedPercent);
        Assert.Equal(0, metrics.GapToBound, 6);
    }
}
