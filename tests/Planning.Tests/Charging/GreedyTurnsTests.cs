using FsCheck.Xunit;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>The greedy baselines with up to k turns per request (a car whose turn ends while it still needs energy waits again).</summary>
public class GreedyTurnsTests
{
    private static readonly SolveOptions Options = new(TimeSpan.FromSeconds(20));

    [Fact]
    public void Round_robin_gives_a_car_a_second_turn_after_its_quantum_when_k_allows()
    {
        // One 7 kW charger, 8 one-hour periods, a quantum of 4 periods (8 charger-periods for 2 cars). "b" (0-4, 14 kWh) is
        // full after two periods; "a" (0-8, 42 kWh) then holds the charger for its quantum, 2 to 6 (28 kWh). With one turn
        // per request the charger idles from 6; with two, "a" takes it again and is served in full.
        var instance = new ChargingInstance(Instances.Evening, 60, 8, [new ChargerSpec("C1", 7)], 7,
        [
            new ChargingRequest("b", 0, 4, 14, 7),
            new ChargingRequest("a", 0, 8, 42, 7),
        ]);
        var roundRobin = ChargingAlgorithms.Get("round-robin");

        var one = roundRobin.Solve(instance with { MaxTurnsPerRequest = 1 }, Options);
        var two = roundRobin.Solve(instance with { MaxTurnsPerRequest = 2 }, Options);

        Assert.Equal(42, one.EnergyKwh(instance), 3);
        Assert.Single(one.Session("a")!.Turns);
        Assert.Equal(56, two.EnergyKwh(instance), 3);
        Assert.Equal([new ChargingTurn("C1", 2, 6), new ChargingTurn("C1", 6, 8)], two.Session("a")!.Turns);
        Assert.True(PlanPropertyTests.Respects(instance with { MaxTurnsPerRequest = 1 }, one));
        Assert.True(PlanPropertyTests.Respects(instance with { MaxTurnsPerRequest = 2 }, two));
    }

    [Fact]
    public void A_later_fixed_turn_holds_its_charger_only_over_its_own_window()
    {
        // One 7 kW charger, 8 one-hour periods: a started car's later turn is fixed at 4-8 on C1 (the charger is free
        // until then). "r" is there 0-6 and needs 42 kWh: first come, first served gives it C1 from 0, and its turn ends
        // at 4 for the fixed one (28 kWh). Holding C1 from now until 8 would leave "r" nothing.
        var instance = new ChargingInstance(Instances.Evening, 60, 8, [new ChargerSpec("C1", 7)], 7,
        [
            new ChargingRequest("x#later1", 4, 8, 28, 7, "C1"),
            new ChargingRequest("r", 0, 6, 42, 7),
        ],
            FixedTurns: [new FixedTurn("x#later1", "C1", 4, 8)])
        {
            MaxTurnsPerRequest = 2,
        };

        var plan = ChargingAlgorithms.Get("fcfs").Solve(instance, Options);

        Assert.Equal([new ChargingTurn("C1", 0, 4)], plan.Session("r")!.Turns);
        Assert.Equal(28, plan.Session("r")!.EnergyKwh(instance.PeriodHours), 3);
        Assert.Equal([new ChargingTurn("C1", 4, 8)], plan.Session("x#later1")!.Turns);
        Assert.True(PlanPropertyTests.Respects(instance, plan));
    }

    [Property(MaxTest = 50)]
    public bool Every_baseline_with_up_to_k_turns_respects_every_limit(int seed)
    {
        // k = 1..3; each car's turns apart by the changeover, at most k, inside its stay, never moved inside quiet hours.
        var instance = PlanPropertyTests.RandomInstance(seed, plugged: false, phases: seed % 2 == 0) with { MaxTurnsPerRequest = 1 + (Math.Abs(seed) % 3) };
        return ChargingAlgorithms.Baselines.All(b => PlanPropertyTests.Respects(instance, b.Solve(instance, Options)));
    }
}
