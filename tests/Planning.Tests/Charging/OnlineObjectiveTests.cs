using FsCheck.Xunit;
using Xunit;
using Parking.Planning.Charging;

namespace Parking.Planning.Tests.Charging;

/// <summary>The online planner's objective and horizon options: limits kept, and its edge over the baselines where it matters.</summary>
public class OnlineObjectiveTests
{
    private static readonly OnlineObjective EventBlocks = new(Fine: 2, Block: 0);

    [Property(MaxTest = 25)]
    public bool With_the_far_horizon_in_blocks_between_events_plans_respect_every_limit(int seed)
    {
        var single = PlanPropertyTests.RandomInstance(seed, plugged: true);
        var three = PlanPropertyTests.RandomInstance(seed, plugged: true, phases: true);
        return PlanPropertyTests.Respects(single, new OnlineRateAllocation(EventBlocks).Solve(single, SolveOptions.Default))
            && PlanPropertyTests.Respects(three, new OnlineRateAllocation(EventBlocks).Solve(three, SolveOptions.Default));
    }

    [Property(MaxTest = 25)]
    public bool No_plan_delivers_more_than_the_offline_bound(int seed)
    {
        var instance = PlanPropertyTests.RandomInstance(seed, plugged: true, phases: seed % 2 == 0);
        var bound = OfflineOptimum.UpperBoundKwh(instance);
        return new OnlineRateAllocation().Solve(instance, SolveOptions.Default).EnergyKwh(instance) <= bound + 1e-6
            && new OnlineRateAllocation(EventBlocks).Solve(instance, SolveOptions.Default).EnergyKwh(instance) <= bound + 1e-6;
    }

    [Fact]
    public void On_a_scarce_single_phase_feed_the_default_delivers_at_least_least_laxity_first_and_the_old_objective_did_not()
    {
        // June 2021 of the Caltech trace at 10 kW, where the site binds hardest: the decaying weight hands the early
        // periods to the car that leaves first, which a static urgency term cannot tell apart when every present car
        // can still be served.
        using var sessions = File.OpenRead(SharedData.File("acn-caltech-2021-sessions.json"));
        var instance = AcnImporter.Import(sessions, new AcnImportOptions(new DateOnly(2021, 6, 1), 30, 5, 150)) with { SiteCapacityKw = 10 };
        var llf = ChargingAlgorithms.Get("llf").Solve(instance, SolveOptions.Default).EnergyKwh(instance);
        var online = new OnlineRateAllocation().Solve(instance, SolveOptions.Default).EnergyKwh(instance);
        var earlier = new OnlineRateAllocation(new OnlineObjective(Urgency: 1e-5, Decay: 0, LaxityNow: 0)).Solve(instance, SolveOptions.Default).EnergyKwh(instance);
        Assert.True(online >= llf - 1e-6, $"online {online:0.000} kWh, least laxity first {llf:0.000} kWh");
        Assert.True(earlier < llf, $"the earlier objective {earlier:0.000} kWh, least laxity first {llf:0.000} kWh");
        var bound = OfflineOptimum.UpperBoundKwh(instance);
        Assert.True(online <= bound + 1e-3, $"online {online:0.000000} kWh, bound {bound:0.000000} kWh");
    }

    [Fact]
    public void In_july_at_30_kW_the_default_delivers_at_least_least_laxity_first_and_the_objective_without_the_laxity_weight_did_not()
    {
        // July 2021 of the Caltech trace at 30 kW: a 77 kW car arrives while slow cars that stay longer are still short.
        // Without the laxity weight the early periods went to the cars leaving first and the slow ones ended short.
        using var sessions = File.OpenRead(SharedData.File("acn-caltech-2021-sessions.json"));
        var instance = AcnImporter.Import(sessions, new AcnImportOptions(new DateOnly(2021, 7, 1), 31, 5, 150)) with { SiteCapacityKw = 30 };
        var llf = ChargingAlgorithms.Get("llf").Solve(instance, SolveOptions.Default).EnergyKwh(instance);
        var online = new OnlineRateAllocation().Solve(instance, SolveOptions.Default);
        var before = new OnlineRateAllocation(new OnlineObjective(LaxityNow: 0)).Solve(instance, SolveOptions.Default).EnergyKwh(instance);
        Assert.True(online.EnergyKwh(instance) >= llf - 1e-6, $"online {online.EnergyKwh(instance):0.000} kWh, least laxity first {llf:0.000} kWh");
        Assert.True(before < llf, $"without the laxity weight {before:0.000} kWh, least laxity first {llf:0.000} kWh");
        var bound = OfflineOptimum.UpperBoundKwh(instance);
        Assert.True(online.EnergyKwh(instance) <= bound + 1e-3, $"online {online.EnergyKwh(instance):0.000000} kWh, bound {bound:0.000000} kWh");
        for (var t = 0; t < instance.Periods; t++)
            Assert.True(online.Sessions.Sum(x => x.PowerKw[t]) <= 30 + 1e-6, $"period {t}: {online.Sessions.Sum(x => x.PowerKw[t])} kW on a 30 kW feed");
    }

    [Fact]
    public void A_cost_weight_moves_charging_into_cheaper_hours_without_losing_energy_and_the_default_charges_soonest()
    {
        // One car on a 7 kW charger for four hours, needing two hours of charging; the last two hours cost a third.
        var instance = new ChargingInstance(
            Instances.Evening, 60, 4, [new ChargerSpec("C1", 7)], 7,
            [new ChargingRequest("car", 0, 4, 14, 7, "C1")],
            PricePerKwh: [0.9, 0.9, 0.3, 0.3]);

        var soonest = new OnlineRateAllocation().Solve(instance, SolveOptions.Default);
        var cheapest = new OnlineRateAllocation(new OnlineObjective(Cost: 1e-2)).Solve(instance, SolveOptions.Default);

        Assert.Equal(14, soonest.EnergyKwh(instance), 6);
        Assert.Equal(14, cheapest.EnergyKwh(instance), 6);
        Assert.Equal([7, 7, 0, 0], soonest.Sessions[0].PowerKw.Select(kw => Math.Round(kw, 6)));
        Assert.Equal([0, 0, 7, 7], cheapest.Sessions[0].PowerKw.Select(kw => Math.Round(kw, 6)));
        Assert.True(ChargingMetrics.Compute(instance, cheapest, 0).Cost < ChargingMetrics.Compute(instance, soonest, 0).Cost);
    }
}
