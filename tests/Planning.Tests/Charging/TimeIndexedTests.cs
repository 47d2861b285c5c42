using System.Globalization;
using FsCheck.Xunit;
using ChargingObjectiveOrder = Parking.Domain.Charging.ChargingObjectiveOrder;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>
/// In-turn charging with the time-indexed CP-SAT model (power per period, k turns inside the model). CP-SAT stops at a
/// deterministic limit (its own units, not the wall clock) and the budget is far above what these small instances take,
/// so every candidate is weighed whatever the machine's load: the answers do not depend on timing.
/// </summary>
public class TimeIndexedTests
{
    private static readonly SolveOptions Budget = new(TimeSpan.FromMinutes(5), Workers: 1);

    private static InTurnCpSat Planner(List<InTurnCpSat.Step>? steps = null) =>
        new() { TimeIndexed = true, DeterministicLimit = 5, Observer = steps is null ? null : steps.Add };

    [Property(MaxTest = 20)]
    public bool Time_indexed_plans_with_up_to_k_turns_respect_every_limit_in_every_order(int seed)
    {
        // Phases on half the seeds (an imbalance limit, when drawn, leaves the instance to the turn model).
        var instance = PlanPropertyTests.RandomInstance(seed, plugged: false, phases: seed % 2 == 0) with { MaxTurnsPerRequest = 1 + (Math.Abs(seed) % 3) };
        return Enum.GetValues<ChargingObjectiveOrder>().All(order =>
            PlanPropertyTests.Respects(instance, Planner().Solve(instance, Budget with { Order = order, MinimumNeedKwh = 5 })));
    }

    [Property(MaxTest = 20)]
    public bool Time_indexed_plans_are_never_worse_in_the_order_than_the_constant_power_seed(int seed)
    {
        var instance = PlanPropertyTests.RandomInstance(seed, plugged: false) with { MaxTurnsPerRequest = 1 + (Math.Abs(seed) % 2) };
        var plan = Planner().Solve(instance, Budget);
        var seedPlan = InTurnCpSat.BestSeed(instance);
        var least = ChargingMetrics.Compute(instance, plan, 0).LeastShare;
        return least >= ChargingMetrics.Compute(instance, seedPlan, 0).LeastShare - 1e-4;
    }

    [Fact]
    public void The_model_itself_gives_a_car_a_second_turn_after_a_short_visitor()
    {
        // One 7 kW charger, 9 one-hour periods, changeover of one period: "long" needs 35 kWh over the evening, "short" is
        // there from 3 to 5 and needs 14. With one turn per request no plan delivers more than 35 kWh; with two, "long"
        // charges before and after "short" and both are served in full (49 kWh). The model's own optimum says so.
        var instance = new ChargingInstance(Instances.Evening, 60, 9, [new ChargerSpec("C1", 7)], 7,
        [
            new ChargingRequest("long", 0, 9, 35, 7),
            new ChargingRequest("short", 3, 5, 14, 7),
        ], ChangeoverPeriods: 1);

        var oneSteps = new List<InTurnCpSat.Step>();
        var twoSteps = new List<InTurnCpSat.Step>();
        var one = Planner(oneSteps).Solve(instance with { MaxTurnsPerRequest = 1 }, Budget);
        var two = Planner(twoSteps).Solve(instance, Budget);

        var (oneStatus, oneObjective) = ModelAnswer(oneSteps);
        var (twoStatus, twoObjective) = ModelAnswer(twoSteps);
        Assert.Equal("Optimal", oneStatus);
        Assert.Equal("Optimal", twoStatus);
        // Energy in tenths of a kW per one-hour period.
        Assert.True(oneObjective <= 350, $"one turn per request: {oneObjective}");
        Assert.Equal(490, twoObjective);
        Assert.Equal(49, two.EnergyKwh(instance), 3);
        Assert.Equal(2, two.Session("long")!.Turns.Count);
        Assert.True(PlanPropertyTests.Respects(instance, two));
        Assert.True(PlanPropertyTests.Respects(instance with { MaxTurnsPerRequest = 1 }, one));
    }

    [Fact]
    public void Fully_served_first_serves_both_cars_when_turns_and_power_per_period_allow_it()
    {
        // Two cars on one 7 kW charger with a 7 kW feed: "a" 0-4 needing 14 kWh, "b" 0-4 needing 14 kWh. Held turns of two
        // periods each serve both in full; the model finds it.
        var instance = new ChargingInstance(Instances.Evening, 60, 4, [new ChargerSpec("C1", 7)], 7,
        [
            new ChargingRequest("a", 0, 4, 14, 7),
            new ChargingRequest("b", 0, 4, 14, 7),
        ]);
        var steps = new List<InTurnCpSat.Step>();
        var plan = Planner(steps).Solve(instance, Budget with { Order = ChargingObjectiveOrder.FullyServedFirst });

        Assert.Equal("Optimal", ModelAnswer(steps).Status);
        Assert.Equal(100, ChargingMetrics.Compute(instance, plan, 0).FullyServedPercent, 6);
        Assert.True(PlanPropertyTests.Respects(instance, plan));
    }

    private static (string Status, double Objective) ModelAnswer(List<InTurnCpSat.Step> steps)
    {
        var detail = steps.Single(s => s.Name == "time-indexed" && s.Detail.Contains("status", StringComparison.Ordinal)).Detail;
        var words = detail.Split(' ');
        var status = words[Array.IndexOf(words, "status") + 1];
        var objective = double.Parse(words[Array.IndexOf(words, "objective") + 1], CultureInfo.InvariantCulture);
        return (status, objective);
    }
}
