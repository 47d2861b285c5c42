using Parking.Domain.History;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Planning.Charging;
using Parking.Planning.Cli;
using Parking.Planning.Simulation;
using Parking.Planning.Tests.Charging;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Planning.Tests.Simulation;

/// <summary>Today's layout with recorded demand against the recorded outcome, and calibration from history.</summary>
public sealed class RecordedDemandTests(ITestOutputHelper output)
{
    /// <summary>
    /// One week of real sessions (ACN-Data, Caltech, 3–9 May 2021) replayed through the simulator's charging. Today's
    /// layout of that site: its Level-2 stations in one charging area, its DC fast charger (77 kW) in another,
    /// each station at the power the importer finds for it, feeds that never bind. A driver who used the fast
    /// charger asks that area, everyone else the Level-2 one, and stays plugged in until they leave, as at
    /// Caltech. The recorded outcome is what the cars took (kWhDelivered). The simulation delivers a little less:
    /// turns start and end on 5-minute boundaries (arrival rounded up, departure down: a 7-minute fast charge may
    /// get no turn at all), and a car may get a slower Level-2 station than the one it used. Measured: 922.1 of
    /// 926.6 kWh (99.5 %), 73 of 74 sessions plugged in (a 7-minute fast charge got no turn). Tolerance: 5 % of the
    /// recorded energy, 95 % of the sessions: room for the rounding, none for a planner that leaves cars waiting.
    /// </summary>
    [Fact]
    public void A_recorded_week_of_charging_replayed_delivers_the_recorded_energy_within_5_percent()
    {
        var file = SharedData.File("acn-caltech-2021-sessions.json");
        var sessions = DemandModel.ReadAcnSessions(File.OpenRead(file));
        var weekStart = new DateTimeOffset(2021, 5, 3, 0, 0, 0, TimeSpan.FromHours(-7));
        var week = sessions.Where(s => s.Arrival >= weekStart && s.Arrival < weekStart.AddDays(7)).ToList();
        var stations = InstanceFiles.ImportAcn(file, new AcnImportOptions(new DateOnly(2021, 5, 3), 7, 5, 10_000)).Chargers;
        var fast = stations.Where(s => s.MaxKw > 20).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var recordedKwh = week.Sum(s => s.EnergyKwh);

        var demand = DemandTrace.FromChargingSessions(week.Where(s => !fast.Contains(s.StationId!)), "B-AC", TimeSpan.Zero)
            .Concat(DemandTrace.FromChargingSessions(week.Where(s => fast.Contains(s.StationId!)), "B-DC", TimeSpan.Zero)
                .Select(d => d with { ResidentId = "fast-" + d.ResidentId, Plate = "F" + d.Plate }))
            .OrderBy(d => d.Arrival)
            .ToList();
        var input = new SimulationInput(StationLayout(stations), ScenarioPolicies.Defaults(), ScenarioRules.Live, DemandModel.Replay(new DemandTrace([], demand, [])), weekStart, 9, 1);
        var result = Simulator.Run(input).Charging;
        output.WriteLine($"{week.Count} sessions on {stations.Count} stations; recorded {recordedKwh:0.0} kWh, simulated {result.DeliveredKwh:0.0} kWh; served {result.Served}, refused {string.Join(", ", result.Refused)}");

        Assert.Equal(week.Count, result.Requests);
        Assert.InRange(result.DeliveredKwh, 0.95 * recordedKwh, recordedKwh + 0.01);
        Assert.True(result.Served >= 0.95 * week.Count, $"served {result.Served} of {week.Count}");
    }

    /// <summary>A compound that is only charging: per kind of station (Level-2, fast) a lot beside its own building, one EV space and one charger per station.</summary>
    private static CompoundLayout StationLayout(IReadOnlyList<ChargerSpec> stations)
    {
        const string c = "acn";
        var lots = new List<LotDefinition>();
        var areas = new List<ChargingAreaDefinition>();
        foreach (var (kind, group) in new[] { ("AC", stations.Where(s => s.MaxKw <= 20).ToList()), ("DC", stations.Where(s => s.MaxKw > 20).ToList()) })
        {
            var walk = new Dictionary<string, int> { ["B-AC"] = kind == "AC" ? 10 : 500, ["B-DC"] = kind == "DC" ? 10 : 500 };
            var spaces = group.Select((s, i) => new SpaceDefinition(c, kind, $"{kind}{i:000}", $"{kind}{i:000}", SpaceKind.EV, SpaceOwnership.Common, i)).ToList();
            lots.Add(new LotDefinition(c, kind, kind, LotKind.Underground, walk, spaces));
            areas.Add(new ChargingAreaDefinition($"CA-{kind}", kind, kind, group.Sum(s => s.MaxKw), [.. group.Select((s, i) => new ChargerDefinition(s.Id, $"{kind}{i:000}", s.MaxKw))]));
        }

        return new CompoundLayout(c, "ACN", [new Building("B-AC", "Level-2 drivers"), new Building("B-DC", "Fast-charging drivers")], lots, [], [])
        {
            ChargingAreas = areas,
        };
    }

    [Fact]
    public void Calibration_reads_arrivals_stays_no_shows_and_bookings_per_day_from_history()
    {
        // Ten working days; every day four cars arrive at 19:xx for 12 hours, and one of the forty never came.
        var offset = TimeSpan.FromHours(8);
        var history = new List<ReservationEvent>();
        var monday = new DateTimeOffset(2026, 11, 2, 0, 0, 0, offset);
        var n = 0;
        foreach (var day in Enumerable.Range(0, 14).Where(d => d % 7 < 5))
        {
            for (var car = 0; car < 4; car++, n++)
            {
                var start = monday.AddDays(day).AddHours(19).AddMinutes(car * 10);
                var window = new Domain.TimeWindow(start, start.AddHours(12));
                var kind = n == 7 ? ReservationEventKind.NoShow : ReservationEventKind.Completed;
                history.Add(new ReservationEvent(start.AddHours(-1), "c", "L1", "S1", $"r{n}", $"u{car}", ReservationEventKind.Created, window, null, null, 1));
                history.Add(new ReservationEvent(window.End, "c", "L1", "S1", $"r{n}", $"u{car}", kind, window, kind == ReservationEventKind.NoShow ? null : start, window.End, 3));
            }
        }

        var sessions = Enumerable.Range(0, 20).Select(i => new RecordedChargingSession(monday.AddDays(i % 10).AddHours(20), monday.AddDays(i % 10).AddHours(30), i % 2 == 0 ? 10 : 20)).ToList();
        var parameters = DemandModel.Calibrate(history, sessions).Parameters;

        Assert.Equal(100, parameters.WeekdayArrivals[19]);
        Assert.Equal(0, parameters.WeekdayArrivals[8]);
        Assert.Equal(12, parameters.WeekdayStayHours[19]);
        Assert.Equal(DemandParameters.DefaultWeekdayStays[8], parameters.WeekdayStayHours[8]);
        Assert.Equal(DemandParameters.DefaultWeekendArrivals, parameters.WeekendArrivals);
        Assert.Equal(0.025, parameters.NoShowRate);
        Assert.Equal(40.0 / 12, parameters.BookingsPerDay!.Value, 3);
        Assert.Equal(100, parameters.ChargingArrivals[20]);
        Assert.Equal(Math.Round(Math.Sqrt(200), 3), parameters.ChargingKwhMedian);
        Assert.Equal(2, parameters.ChargingSessionsPerDay);
        Assert.Null(parameters.Validate());
    }
}
