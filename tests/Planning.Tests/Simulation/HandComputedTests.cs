using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Simulation;
using Parking.Planning.Simulation;
using Xunit;

namespace Parking.Planning.Tests.Simulation;

/// <summary>
/// A compound small enough to work out by hand: one building B1 with households H1–H4; one lot L1 (50 m from
/// B1) with S1 (common, at the entrance), S2 (H4's private space, 5 m in, shared all day on working days) and
/// S3 (an EV space, 10 m in, with one 6 kW charger behind a 6 kW feed); one e-bike shelter of 2 ports and
/// 0.8 kW. Default rules: 15-minute grace, 1 credit/h for a common space, 2 credits/h for a shared one;
/// drivers retry every 15 minutes and give up after waiting 2 hours. One Monday, scripted demand.
/// </summary>
public sealed class HandComputedTests
{
    private static readonly DateTimeOffset Monday = SimulatorTests.Monday;

    private static DateTimeOffset At(int hour, int minute = 0) => Monday.AddHours(hour).AddMinutes(minute);

    private static CompoundLayout Layout()
    {
        const string c = "tiny";
        var walk = new Dictionary<string, int> { ["B1"] = 50 };
        var lot = new LotDefinition(c, "L1", "Lot", LotKind.Surface, walk,
        [
            new SpaceDefinition(c, "L1", "S1", "S1", SpaceKind.Standard, SpaceOwnership.Common, 0),
            new SpaceDefinition(c, "L1", "S2", "S2", SpaceKind.Standard, SpaceOwnership.Private, 5, "H4"),
            new SpaceDefinition(c, "L1", "S3", "S3", SpaceKind.EV, SpaceOwnership.Common, 10),
        ]);
        var households = Enumerable.Range(1, 4).Select(i => new Household($"H{i}", "B1", $"B1-10{i}", 80m)).ToList();
        var users = Enumerable.Range(1, 4).Select(i => new CompoundUser(c, $"r{i}", $"Resident {i}", UserRole.Resident, $"H{i}", "B1", [])).ToList();
        return new CompoundLayout(c, "Tiny", [new Building("B1", "Building 1")], [lot], households, users)
        {
            ChargingAreas = [new ChargingAreaDefinition("CA1", "Lot chargers", "L1", 6, [new ChargerDefinition("C1", "S3", 6)])],
            Shelters = [new ShelterDefinition("E1", "Shelter", "B1", 2, 0.8, new Dictionary<string, int> { ["B1"] = 20 })],
        };
    }

    private static ParkingDemand Stay(string household, DateTimeOffset arrival, double hours, double bookAheadMinutes, bool noShow = false) =>
        new($"r{household[1..]}", household, "B1", arrival, TimeSpan.FromHours(hours), TimeSpan.FromMinutes(bookAheadMinutes), false, noShow);

    private static ChargingDemand Charge(string household, string plate, DateTimeOffset arrival, DateTimeOffset departure, double kwh) =>
        new($"r{household[1..]}", household, "B1", plate, arrival, departure, kwh, CanMove: true, NoShow: false);

    private static SimulationResult Run()
    {
        var trace = new DemandTrace(
            Parking:
            [
                Stay("H1", At(8), 2, 30),                    // A: books at 07:30, S1 08:00–10:00, 2 credits to the compound
                Stay("H2", At(8, 30), 1, 30),                // B: books at 08:00, S1 is held: S2 08:30–09:30, 2 credits to H4
                Stay("H3", At(9), 1, 15),                    // C: nothing free at 08:45 nor 09:00; at 09:15 S2 09:30–10:30: waits 30 min, 2 credits to H4
                Stay("H2", At(12), 1, 60, noShow: true),     // D: books S1 at 11:00, never comes: released at 12:15, 1 credit kept
                Stay("H3", At(12, 20), 0.5, 0),              // E: S1 again (nearest, released), 12:20–12:50, 1 credit
                Stay("H1", At(18), 5, 0),                    // G: S1 18:00–23:00, 5 credits
                Stay("H2", At(18), 5, 0),                    // H: S2 18:00–23:00, 10 credits to H4
                Stay("H3", At(19), 1, 0),                    // F: both held until 23:00; retries 19:00…21:00, gives up: no-space
            ],
            Charging:
            [
                Charge("H1", "X1", At(19), At(23), 12),     // X: turn 19:00–21:00 (12 kWh at 6 kW), waits 0, gets 12 kWh
                Charge("H2", "Y2", At(19, 30), At(22), 10), // Y: the charger is X's until 21:00; turn 21:00–22:00: waits 90 min, gets 6 kWh
                Charge("H3", "Z3", At(20), At(21), 5),      // Z: no turn before it leaves at 21:00: refused, no-turn
            ],
            Ebikes:
            [
                new EbikeDemand("r1", "B1", At(10), 600),    // 400 W (alone): full at 11:30, ended (5 min hold) 11:35
                new EbikeDemand("r2", "B1", At(10), 400),    // 400 W (0.8 kW / 2): full at 11:00, ended 11:05
                new EbikeDemand("r3", "B1", At(10, 30), 500), // both ports busy: refused, no-free-port
            ]);
        var rules = new ScenarioRules { SharingOwnersShare = 1, SharingFrom = TimeOnly.MinValue, SharingUntil = TimeOnly.MinValue };
        var input = new SimulationInput(Layout(), ScenarioPolicies.Defaults().With(rules), rules, DemandModel.Replay(trace), Monday, 1, 1);
        return Simulator.Run(input);
    }

    [Fact]
    public void Parking_matches_the_hand_computed_bookings_waits_and_credits()
    {
        var result = Run();
        var parking = result.Parking;

        Assert.Equal(8, parking.Requests);
        Assert.Equal(7, parking.Served);
        Assert.Equal([new ReasonCount("no-space", 1)], parking.Refused);
        Assert.Equal(1, parking.NoShows);

        // Waits 0, 0, 30, 0, 0, 0, 0: mean 30/7, the 95th percentile (nearest rank 7 of 7) 30.
        Assert.Equal(4.29, parking.MeanWaitMinutes);
        Assert.Equal(30, parking.P95WaitMinutes);
        Assert.Equal([6, 0, 0, 1, 0, 0, 0], result.Charts.SpaceWait.Counts); // [30, 60) holds the 30

        // Served shares: H1 2/2, H2 3/3, H3 2/3 → Jain (8/3)² / (3 · (1 + 1 + 4/9)) = 64/66.
        Assert.Equal(0.9697, parking.Fairness);

        // S2 shared 24 h (Monday); booked by B (1 h), C (1 h), H (5 h).
        Assert.Equal(24, parking.SharedHoursPublished);
        Assert.Equal(7, parking.SharedHoursBooked);
        Assert.Equal(29.17, parking.SharedUtilizationPercent);

        // Compound: A 2 + D 1 + E 1 + G 5; H4: B 2 + C 2 + H 10.
        Assert.Equal(9, result.Credits.CompoundIncome);
        Assert.Equal(14, result.Credits.OwnersEarnings);
        Assert.Equal(1, result.Credits.OwnersEarning);

        // From 18:00 both bookable spaces (S1, S2) are taken until 23:00.
        Assert.Equal(100, result.Charts.OccupancyByHour[19]);
        Assert.Equal(0, result.Charts.OccupancyByHour[3]);

        var building = Assert.Single(result.Buildings);
        Assert.Equal(new BuildingOutcome("B1", 4, 8, 7, 1, 1, 3, 2), building);
    }

    [Fact]
    public void Charging_matches_the_hand_computed_turns_energy_and_waits()
    {
        var charging = Run().Charging;

        Assert.Equal(3, charging.Requests);
        Assert.Equal(2, charging.Served);
        Assert.Equal([new ReasonCount("no-turn", 1)], charging.Refused);
        Assert.Equal(45, charging.MeanWaitMinutes);
        Assert.Equal(90, charging.P95WaitMinutes);
        Assert.Equal(27, charging.RequestedKwh);
        Assert.Equal(18, charging.DeliveredKwh);
        Assert.Equal(66.67, charging.DeliveredPercent);
        var area = Assert.Single(charging.Areas);
        Assert.Equal(6, area.PeakKw);
        Assert.Equal(6, area.SiteCapacityKw);
    }

    [Fact]
    public void Ebikes_match_the_hand_computed_sessions()
    {
        var ebikes = Run().Ebikes;

        Assert.Equal(3, ebikes.Requests);
        Assert.Equal(2, ebikes.Served);
        Assert.Equal([new ReasonCount("no-free-port", 1)], ebikes.Refused);

        // 1 h 35 min + 1 h 05 min of 2 ports × 24 h.
        Assert.Equal(5.56, ebikes.PortUtilizationPercent);
        Assert.Equal(0, ebikes.OvernightSessions);
    }
}
