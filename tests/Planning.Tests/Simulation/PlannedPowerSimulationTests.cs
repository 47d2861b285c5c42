using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Simulation;
using Parking.Planning.Charging;
using Parking.Planning.Simulation;
using Xunit;

namespace Parking.Planning.Tests.Simulation;

/// <summary>
/// Simulated cars charge at the power the area's plan gives their turns, period by period, as a live area's chargers
/// do: never their car's full power when the plan shares the feed, and a car may wait plugged in at 0 kW.
/// </summary>
public sealed class PlannedPowerSimulationTests
{
    private static readonly DateTimeOffset Monday = SimulatorTests.Monday;

    /// <summary>One lot with <paramref name="chargers"/> chargers of 7 kW behind a feed of <paramref name="feedKw"/>.</summary>
    private static CompoundLayout Layout(int chargers, double feedKw, int residents)
    {
        const string c = "feed";
        var lot = new LotDefinition(c, "L1", "Lot", LotKind.Surface, new Dictionary<string, int> { ["B1"] = 30 },
        [
            .. Enumerable.Range(1, chargers).Select(i => new SpaceDefinition(c, "L1", $"S{i}", $"S{i}", SpaceKind.EV, SpaceOwnership.Common, i)),
        ]);
        var households = Enumerable.Range(1, residents).Select(i => new Household($"H{i}", "B1", $"B1-10{i}", 80m)).ToList();
        var users = Enumerable.Range(1, residents).Select(i => new CompoundUser(c, $"r{i}", $"Resident {i}", UserRole.Resident, $"H{i}", "B1", [])).ToList();
        return new CompoundLayout(c, "Feed", [new Building("B1", "Building 1")], [lot], households, users)
        {
            ChargingAreas =
            [
                new ChargingAreaDefinition("CA1", "Lot chargers", "L1", feedKw,
                    [.. Enumerable.Range(1, chargers).Select(i => new ChargerDefinition($"C{i}", $"S{i}", 7))]),
            ],
        };
    }

    private static ChargingDemand Car(int resident, DateTimeOffset arrival, DateTimeOffset departure, double kwh) =>
        new($"r{resident}", $"H{resident}", "B1", $"P{resident}", arrival, departure, kwh, CanMove: true, NoShow: false);

    private static ChargingOutcome Run(CompoundLayout layout, IReadOnlyList<ChargingDemand> cars, ScenarioRules rules, int days = 1)
    {
        var trace = new DemandTrace(Parking: [], Charging: cars, Ebikes: []);
        var input = new SimulationInput(layout, ScenarioPolicies.Defaults().With(rules), rules, DemandModel.Replay(trace), Monday, days, 1)
        {
            Options = SimulationOptions.Default with { ChargingSolveBudget = TimeSpan.FromSeconds(5) },
        };
        return Simulator.Run(input).Charging;
    }

    /// <summary>
    /// Four 7 kW chargers (28 kW) behind a 14 kW feed; four cars from 20:00 to 22:00 needing 14 kWh each. The plan
    /// (least share first) plugs in all four and shares the feed: the simulated night delivers what that plan gives,
    /// the feed's 28 kWh over the two hours, no period drawing more than the feed, where cars drawing their full power
    /// would have taken 56 kWh at 28 kW.
    /// </summary>
    [Fact]
    public void A_night_on_a_feed_smaller_than_its_chargers_delivers_what_the_plan_gives_within_the_feed()
    {
        var layout = Layout(chargers: 4, feedKw: 14, residents: 4);
        var evening = Monday.AddHours(20);
        var cars = Enumerable.Range(1, 4).Select(i => Car(i, evening, evening.AddHours(2), 14)).ToList();
        var rules = new ScenarioRules { SharingOwnersShare = 0, ChargingAlgorithm = "in-turn" };

        // The plan the area makes at 20:00, as the simulator and a live area make it.
        var policy = ScenarioPolicies.Defaults().With(rules).Charging;
        var book = new ChargingAreaBook { CompoundId = layout.CompoundId };
        book.Configure(layout.ChargingAreas[0]);
        foreach (var car in cars)
        {
            var draft = ChargingRequests.Validate(car.Plate, new EnergyNeed(car.EnergyKwh, null, null, null), evening, car.Departure, true, policy, evening).Value!;
            Assert.True(book.Submit(car.ResidentId, draft, policy, evening, Guid.NewGuid()).IsSuccess);
        }

        policy.SolveBudget = TimeSpan.FromSeconds(5);
        var planned = TurnPlanner.PlanArea(book.PlanningInput(evening, policy), policy, TimeSpan.FromHours(8));
        var plannedKwh = planned.PowerSchedules.Sum(s => new TurnDraw(new Parking.Domain.Charging.ChargingTurn(s.ChargerId, s.Window), 7, s)
            .Stretches(s.Window.Start, s.Window.End, policy.Period).Sum(x => x.Kw * (x.End - x.Start).TotalHours));
        Assert.Equal(28, plannedKwh, 3);

        var night = Run(layout, cars, rules);

        var area = Assert.Single(night.Areas);
        Assert.Equal(4, night.Served);
        Assert.Equal(Math.Round(plannedKwh, 2), night.DeliveredKwh);
        Assert.True(area.PeakKw <= 14 + 1e-6, $"a period drew {area.PeakKw} kW on a 14 kW feed");
        Assert.Equal(0, night.Moves);
    }

    /// <summary>
    /// Two 7 kW chargers behind a 7 kW feed, quiet hours 00:00-04:00. A comes at 23:00 needing 14 kWh and takes the
    /// feed until 01:00. B comes at 00:30, inside the quiet hours, needing 7 kWh by 03:00 (so no turn after the quiet
    /// hours serves it, and none may start inside them but at its arrival): it plugs into the idle charger at once, waits
    /// there at 0 kW while A charges, and charges once A is full, nobody moving a car. Both are served in full, and no
    /// period draws more than the feed.
    /// </summary>
    [Fact]
    public void A_car_waiting_at_zero_on_an_idle_charger_charges_later_in_the_night_without_moving()
    {
        var night = Monday.AddHours(23);
        var cars = new[]
        {
            Car(1, night, night.AddHours(7), 14),
            Car(2, night.AddMinutes(90), night.AddHours(4), 7),
        };
        var rules = new ScenarioRules { SharingOwnersShare = 0, ChargingAlgorithm = "in-turn", QuietHoursFrom = new TimeOnly(0, 0), QuietHoursUntil = new TimeOnly(4, 0) };

        var outcome = Run(Layout(chargers: 2, feedKw: 7, residents: 2), cars, rules, days: 2);

        var area = Assert.Single(outcome.Areas);
        Assert.Equal((2, 21.0, 0), (outcome.Served, outcome.DeliveredKwh, outcome.Moves));
        Assert.Equal(0, outcome.MeanWaitMinutes);
        Assert.True(area.PeakKw <= 7 + 1e-6, $"a period drew {area.PeakKw} kW on a 7 kW feed");
    }
}
