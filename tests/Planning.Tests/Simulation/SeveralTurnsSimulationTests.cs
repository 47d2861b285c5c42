using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Simulation;
using Parking.Planning.Simulation;
using Xunit;

namespace Parking.Planning.Tests.Simulation;

/// <summary>
/// The simulator plans with the policy's turns per request, as live areas do. One 7 kW charger behind a 7 kW feed,
/// quiet hours 00:00–04:00 (no turn starts or ends inside them). Two cars come at 23:00: B leaves at 04:00 and needs
/// 28 kWh, four of its five hours; A leaves at 05:00 and needs 14 kWh, the two hours the night leaves. Only one plan
/// serves both in full: A 23:00–00:00, B 00:00–04:00, A again 04:00–05:00. In one turn A cannot have both hours: at
/// best (B from 23:00, full at 03:00 and gone at 03:10, A planned again from 03:10, its arrival as far as the plan
/// knows) 12.83 kWh.
/// </summary>
public sealed class SeveralTurnsSimulationTests
{
    private static readonly DateTimeOffset Monday = SimulatorTests.Monday;

    private static CompoundLayout Layout()
    {
        const string c = "night";
        var lot = new LotDefinition(c, "L1", "Lot", LotKind.Surface, new Dictionary<string, int> { ["B1"] = 30 },
        [
            new SpaceDefinition(c, "L1", "S1", "S1", SpaceKind.EV, SpaceOwnership.Common, 0),
        ]);
        var households = Enumerable.Range(1, 2).Select(i => new Household($"H{i}", "B1", $"B1-10{i}", 80m)).ToList();
        var users = Enumerable.Range(1, 2).Select(i => new CompoundUser(c, $"r{i}", $"Resident {i}", UserRole.Resident, $"H{i}", "B1", [])).ToList();
        return new CompoundLayout(c, "Night", [new Building("B1", "Building 1")], [lot], households, users)
        {
            ChargingAreas = [new ChargingAreaDefinition("CA1", "Lot chargers", "L1", 7, [new ChargerDefinition("C1", "S1", 7)])],
        };
    }

    /// <summary>The night: the live policy's turns per request, and the scenario's rule (null keeps the live one).</summary>
    private static SimulationResult RunNight(int liveTurns, int? ruleTurns)
    {
        var evening = Monday.AddHours(23);
        var trace = new DemandTrace(
            Parking: [],
            Charging:
            [
                new ChargingDemand("r1", "H1", "B1", "A1", evening, evening.AddHours(6), 14, CanMove: true, NoShow: false),
                new ChargingDemand("r2", "H2", "B1", "B2", evening, evening.AddHours(5), 28, CanMove: true, NoShow: false),
            ],
            Ebikes: []);
        var rules = new ScenarioRules
        {
            SharingOwnersShare = 0,
            QuietHoursFrom = new TimeOnly(0, 0),
            QuietHoursUntil = new TimeOnly(4, 0),
            ChargingAlgorithm = "in-turn",
            MaxTurnsPerRequest = ruleTurns,
        };
        var live = ScenarioPolicies.Defaults() with { Charging = new ChargingPolicy { MaxTurnsPerRequest = liveTurns } };
        var input = new SimulationInput(Layout(), live.With(rules), rules, DemandModel.Replay(trace), Monday, 1, 1)
        {
            Options = SimulationOptions.Default with { ChargingSolveBudget = TimeSpan.FromSeconds(5) },
        };
        return Simulator.Run(input);
    }

    private static ChargingOutcome Run(int maxTurns) => RunNight(maxTurns, ruleTurns: null).Charging;

    [Fact]
    public void Two_turns_per_request_serve_both_cars_in_full_and_count_the_move()
    {
        var one = Run(1);
        var two = Run(2);

        // One turn: B's night or A's, never both in full; nobody is moved.
        Assert.Equal(42, one.RequestedKwh);
        Assert.True(one.DeliveredKwh <= 40.84, $"one turn delivered {one.DeliveredKwh} kWh");
        Assert.Equal(0, one.Moves);

        // Two turns: A before and after B's night, all 42 kWh, and A's second plug-in is the one move.
        Assert.Equal((2, 42.0, 100.0), (two.Served, two.DeliveredKwh, two.DeliveredPercent));
        Assert.Equal(1, two.Moves);
        Assert.Equal(1, Assert.Single(two.Areas).Moves);
        Assert.True(two.DeliveredKwh > one.DeliveredKwh);
    }

    /// <summary>
    /// The same night with the live policy's two turns per request, and the scenario's rule deciding instead: a rule of
    /// one turn gives what one turn gives, a rule of two what two give, so the committee can compare them.
    /// </summary>
    [Fact]
    public void A_scenario_rule_sets_the_turns_per_request_over_the_live_policy()
    {
        var ruleOfOne = RunWithRule(1);
        var ruleOfTwo = RunWithRule(2);

        Assert.True(ruleOfOne.DeliveredKwh <= 40.84, $"one turn delivered {ruleOfOne.DeliveredKwh} kWh");
        Assert.Equal(0, ruleOfOne.Moves);
        Assert.Equal((42.0, 1), (ruleOfTwo.DeliveredKwh, ruleOfTwo.Moves));
    }

    /// <summary>The run's CSV counts A's move: in the summary and in the charging area's row.</summary>
    [Fact]
    public void The_csv_has_the_moves_of_the_run_and_of_each_area()
    {
        var lines = RunWithRuleResult(2).ToCsv().Split('\n');

        Assert.Contains("result,charging.moves,1", lines);
        var header = Array.IndexOf(lines, "scenario,area,chargers,siteCapacityKw,peakKw,requestedKwh,deliveredKwh,requests,served,plans,moves");
        Assert.True(header >= 0, "the charging areas' table has a moves column");
        Assert.StartsWith("result,CA1,", lines[header + 1], StringComparison.Ordinal);
        Assert.EndsWith(",1", lines[header + 1], StringComparison.Ordinal);
    }

    private static ChargingOutcome RunWithRule(int turns) => RunWithRuleResult(turns).Charging;

    private static SimulationResult RunWithRuleResult(int turns) => RunNight(liveTurns: 2, turns);
}
