using Parking.Domain.Charging;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Layout;
using Parking.Domain.Ocpp;
using Parking.Domain.Reservations;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>An area's own phase limit (a third of the feed unless it sets one) and its optional imbalance limit.</summary>
public class PhaseSettingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly ChargingPolicy Policy = new();

    /// <summary>
    /// A 30 kW feed with two single-phase 7 kW chargers on L1 and one on L2, three cars at once at full power. With the
    /// third of the feed (10 kW) one L1 turn waits; with the area's phase limit at 14 kW both L1 turns fit, and at
    /// 12 kW one waits again. The planner is told the area's limit.
    /// </summary>
    [Fact]
    public void An_area_phase_limit_replaces_the_third_of_the_feed()
    {
        int Waiting(double? limit, out ChargingAreaBook book)
        {
            var (b, ids) = NewBook(new ChargingAreaDefinition("CA-1", "Area", "G1", 30, Chargers) { PhaseLimitKw = limit });
            b.ApplyPlan(ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => Turn($"C-{p.i + 1}"), StringComparer.Ordinal), Summary, Now);
            book = b;
            return ids.Count(id => b.Requests.Single(r => r.Id == id).Status == ChargingRequestStatus.Waiting);
        }

        Assert.Equal(1, Waiting(null, out var third));
        Assert.Equal(10, third.PlannablePhaseKw);
        Assert.Equal(0, Waiting(14, out var roomy));
        Assert.Equal(14, roomy.PlannablePhaseKw);
        Assert.Equal(14, roomy.PlanningInput(Now, Policy).PhaseLimitKw);
        Assert.Equal(1, Waiting(12, out _));
    }

    /// <summary>
    /// An imbalance limit of 8 kW (phases 20 kW each, so only the imbalance binds): the two L1 turns at 7 kW put L1 14 kW
    /// above L3, so one waits; L1 and L2 at 7 kW each are 7 kW above L3 and stay. At 4 kW a car (L1 8 kW above L3) all
    /// three fit. The planner is told the limit.
    /// </summary>
    [Fact]
    public void An_imbalance_limit_refuses_a_turn_that_loads_one_phase_too_far_above_another()
    {
        var area = new ChargingAreaDefinition("CA-1", "Area", "G1", 30, Chargers) { PhaseLimitKw = 20, PhaseImbalanceKw = 8 };
        var (book, ids) = NewBook(area);
        book.ApplyPlan(new Dictionary<string, ChargingTurn>(StringComparer.Ordinal) { [ids[0]] = Turn("C-1"), [ids[1]] = Turn("C-2"), [ids[2]] = Turn("C-3") }, Summary, Now);

        var status = ids.Select(id => book.Requests.Single(r => r.Id == id).Status).ToList();
        Assert.Equal(1, status.Take(2).Count(s => s == ChargingRequestStatus.Waiting));
        Assert.Equal(ChargingRequestStatus.Scheduled, status[2]);
        Assert.Equal(8, book.PlanningInput(Now, Policy).PhaseImbalanceKw);

        var (modulated, same) = NewBook(area);
        var power = same.Select((id, i) => new TurnPowerSchedule(id, $"C-{i + 1}", Turn("C-1").Window, [new PowerStep(Now, 4)])).ToList();
        modulated.ApplyPlan(new Dictionary<string, ChargingTurn>(StringComparer.Ordinal) { [same[0]] = Turn("C-1"), [same[1]] = Turn("C-2"), [same[2]] = Turn("C-3") }, Summary, Now, power);
        Assert.All(same, id => Assert.Equal(ChargingRequestStatus.Scheduled, modulated.Requests.Single(r => r.Id == id).Status));
    }

    /// <summary>Phase settings out of range are refused on their field, by the rule, the book (which stays as it was) and the importer.</summary>
    [Fact]
    public void Phase_settings_out_of_range_are_refused_naming_the_field()
    {
        var area = new ChargingAreaDefinition("CA-1", "Area", "G1", 30, Chargers);
        foreach (var bad in new[] { 0, -3, 31, double.NaN, double.PositiveInfinity })
            Assert.Equal("phaseLimitKw", ChargerLayoutRules.Phases(area with { PhaseLimitKw = bad })?.Field);
        foreach (var bad in new[] { -0.5, double.NaN })
            Assert.Equal("phaseImbalanceKw", ChargerLayoutRules.Phases(area with { PhaseImbalanceKw = bad })?.Field);
        Assert.Null(ChargerLayoutRules.Phases(area with { PhaseLimitKw = 30, PhaseImbalanceKw = 0 }));

        var book = new ChargingAreaBook { CompoundId = "c" };
        var refused = Assert.Throws<ArgumentException>(() => book.Configure(area with { PhaseLimitKw = 0 }));
        Assert.Equal("phaseLimitKw", refused.ParamName);
        Assert.False(book.IsConfigured);
        book.Configure(area);
        Assert.Throws<ArgumentException>(() => book.Redefine(area with { PhaseImbalanceKw = -1 }));
        Assert.Null(book.Definition!.PhaseImbalanceKw);

        var file = DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small);
        file = file with { ChargingAreas = [file.ChargingAreas[0] with { PhaseLimitKw = -5, PhaseImbalanceKw = -1 }] };
        var read = CompoundFileReader.Read(CompoundFileReader.Write(file));
        var problems = read.Problems.Concat(read.File is null ? [] : CompoundFileRules.Validate(read.File)).Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.StartsWith("chargingAreas[0].phaseLimitKw:", StringComparison.Ordinal));
    }

    /// <summary>The settings survive the compound file both ways, and the chargers' profiles keep the area's phase limit.</summary>
    [Fact]
    public void The_file_keeps_the_phase_settings_and_the_profiles_keep_the_area_limit()
    {
        var file = DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small);
        file = file with { ChargingAreas = [file.ChargingAreas[0] with { PhaseLimitKw = file.ChargingAreas[0].FeedKw / 2, PhaseImbalanceKw = 5 }, .. file.ChargingAreas.Skip(1)] };
        var read = CompoundFileReader.Read(CompoundFileReader.Write(file)).File!;
        var area = CompoundFileMapping.ToLayout(read).ChargingAreas[0];
        Assert.Equal((file.ChargingAreas[0].FeedKw / 2, 5.0), (area.PhaseLimitKw!.Value, area.PhaseImbalanceKw!.Value));
        var back = CompoundFileMapping.FromLayout(CompoundFileMapping.ToLayout(read)).ChargingAreas[0];
        Assert.Equal((area.PhaseLimitKw, area.PhaseImbalanceKw), (back.PhaseLimitKw, back.PhaseImbalanceKw));

        var phases = new Dictionary<string, ChargerPhase>(StringComparer.Ordinal) { ["C-1"] = ChargerPhase.L1, ["C-2"] = ChargerPhase.L1 };
        var wanted = new Dictionary<string, double>(StringComparer.Ordinal) { ["C-1"] = 7, ["C-2"] = 7 };
        var third = ChargingSchedules.WithinFeed(wanted, new Dictionary<string, double>(), phases, 30);
        var own = ChargingSchedules.WithinFeed(wanted, new Dictionary<string, double>(), phases, 30, phaseLimitKw: 12);
        Assert.Equal(5, third["C-1"], 6);
        Assert.Equal(6, own["C-1"], 6);
    }

    private static readonly ChargerDefinition[] Chargers =
    [
        new("C-1", "G1-001", 7) { Phase = ChargerPhase.L1 },
        new("C-2", "G1-002", 7) { Phase = ChargerPhase.L1 },
        new("C-3", "G1-003", 7) { Phase = ChargerPhase.L2 },
    ];

    private static (ChargingAreaBook Book, List<string> Ids) NewBook(ChargingAreaDefinition area)
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(area);
        var ids = Enumerable.Range(1, 3).Select(i =>
        {
            var outcome = book.Submit($"r{i}", new ChargingRequestDraft($"P-{i}", 10, new TimeWindow(Now, Now.AddHours(4)), true), Policy, Now, Guid.NewGuid());
            Assert.True(outcome.IsSuccess, outcome.Error?.Message);
            return outcome.Value!.Id;
        }).ToList();
        return (book, ids);
    }

    private static ChargingTurn Turn(string charger) => new(charger, new TimeWindow(Now, Now.AddHours(2)));

    private static PlanSummary Summary => new("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0);
}
