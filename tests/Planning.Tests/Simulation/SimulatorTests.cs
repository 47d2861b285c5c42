using System.CommandLine;
using System.Text.Json;
using Parking.Domain.Layout;
using Parking.Planning.Cli;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Parking.Planning.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Planning.Tests.Simulation;

public sealed class SimulatorTests(ITestOutputHelper output)
{
    /// <summary>A Monday, local midnight in Shanghai.</summary>
    internal static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8));

    internal static SimulationInput SmallInput(int seed, int days = 3, ScenarioDefinition? scenario = null) =>
        SimulationInput.For(
            DemoCompoundGenerator.Generate(DemoCompoundSize.Small),
            ScenarioPolicies.Defaults(),
            scenario,
            DemandModel.Synthetic(),
            Monday,
            days,
            seed).Value!;

    [Fact]
    public void Same_seed_gives_an_identical_result_and_another_seed_a_different_one()
    {
        var first = JsonSerializer.Serialize(Simulator.Run(SmallInput(7)));
        var again = JsonSerializer.Serialize(Simulator.Run(SmallInput(7)));
        var other = JsonSerializer.Serialize(Simulator.Run(SmallInput(8)));
        output.WriteLine(first);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    /// <summary>Four standard garage spaces of the Small compound retyped to EV spaces, a 7 kW charger on each, the feed doubled.</summary>
    internal static ScenarioDefinition MoreChargers()
    {
        var spaces = new[] { "G1-021", "G1-022", "G1-023", "G1-024" };
        return new ScenarioDefinition(
            "More chargers",
            "Four more 7 kW chargers in the garage",
            new LayoutChanges(
                [.. spaces.Select(s => new SpaceChange(s, SpaceKind.EV, SpaceOwnership.Common))],
                [.. spaces.Select(s => new ChargerChange(s, 7))],
                [],
                [new AreaCapacityChange("CA-G1", 42)]),
            ScenarioRules.Live);
    }

    [Fact]
    public void A_scenario_that_adds_chargers_delivers_at_least_the_energy_of_today_for_the_same_demand()
    {
        var today = Simulator.Run(SmallInput(3)).Charging;
        var more = Simulator.Run(SmallInput(3, scenario: MoreChargers())).Charging;
        output.WriteLine($"today {today.DeliveredKwh} of {today.RequestedKwh} kWh, p95 wait {today.P95WaitMinutes}; more chargers {more.DeliveredKwh} of {more.RequestedKwh} kWh, p95 wait {more.P95WaitMinutes}");

        // The same seed meets the same charging demand in both (common random numbers) ...
        Assert.Equal(today.Requests, more.Requests);
        Assert.Equal(today.RequestedKwh, more.RequestedKwh);

        // ... and twice the chargers behind three times the feed serve at least as much, sooner.
        Assert.True(more.DeliveredKwh >= today.DeliveredKwh, $"{more.DeliveredKwh} < {today.DeliveredKwh}");
        Assert.True(more.Served >= today.Served);
        Assert.True(more.P95WaitMinutes <= today.P95WaitMinutes);
        Assert.Equal(8, Assert.Single(more.Areas).Chargers);
        Assert.All(more.Areas, a => Assert.True(a.PeakKw <= a.SiteCapacityKw + 1e-9));
    }

    [Fact]
    public void Progress_comes_every_simulated_day_and_cancellation_stops_the_run()
    {
        var reports = new List<SimulationProgress>();
        Simulator.Run(SmallInput(1, days: 3), new Inline(reports.Add));

        Assert.Equal([0, 1, 2, 3], reports.Select(r => r.Day));
        Assert.Equal([0, 100.0 / 3, 200.0 / 3, 100], reports.Select(r => r.Percent), new Tolerance(0.1));
        Assert.Equal(SmallInput(1).Start.AddDays(3), reports[^1].SimulatedNow);

        using var cancel = new CancellationTokenSource();
        var seen = new List<SimulationProgress>();
        Assert.ThrowsAny<OperationCanceledException>(() => Simulator.Run(SmallInput(1, days: 3), new Inline(p =>
        {
            seen.Add(p);
            if (p.Day == 1)
            {
                cancel.Cancel();
            }
        }), cancel.Token));
        Assert.Equal(1, seen[^1].Day);
    }

    [Fact]
    public void A_result_survives_json_and_reads_as_csv()
    {
        var result = Simulator.Run(SmallInput(5, days: 1));
        var json = SimulationJson.Write(result);
        Assert.Equal(json, SimulationJson.Write(SimulationJson.ReadResult(json)));
        Assert.True(json.Length < 20_000, $"{json.Length} characters");

        var csv = result.ToCsv();
        var lines = csv.Split('\n');
        Assert.Equal("scenario,metric,value", lines[0]);
        Assert.Contains($"result,parking.requests,{result.Parking.Requests}", lines);
        Assert.Contains($"result,charging.deliveredKwh,{result.Charging.DeliveredKwh.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}", lines);
        Assert.Contains("scenario,building,households,requests,served,refused,residentsUnserved,chargingRequests,chargingServed", lines);
        Assert.Equal(3, lines.Count(l => l.StartsWith("result,B0", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_scenario_that_cannot_be_applied_is_refused_with_its_field()
    {
        var bad = MoreChargers() with { Changes = LayoutChanges.None with { Chargers = [new ChargerChange("G1-001", 7)] } };
        var input = SimulationInput.For(DemoCompoundGenerator.Generate(DemoCompoundSize.Small), ScenarioPolicies.Defaults(), bad, DemandModel.Synthetic(), Monday, 3, 1);
        Assert.Equal("chargers[0].spaceId", input.Error?.Field);

        var tooLong = SimulationInput.For(DemoCompoundGenerator.Generate(DemoCompoundSize.Small), ScenarioPolicies.Defaults(), null, DemandModel.Synthetic(), Monday, 400, 1);
        Assert.Equal("days", tooLong.Error?.Field);

        var badDemand = SimulationInput.For(DemoCompoundGenerator.Generate(DemoCompoundSize.Small), ScenarioPolicies.Defaults(), null, DemandModel.Synthetic(new DemandParameters { EvShare = 2 }), Monday, 3, 1);
        Assert.Equal("demand.evShare", badDemand.Error?.Field);
    }

    [Fact]
    public void The_cli_simulates_the_documented_scenario_and_writes_the_result()
    {
        var folder = Directory.CreateTempSubdirectory("plan-simulate-");
        try
        {
            var scenario = Path.Combine(Charging.SharedData.RepositoryRoot(), "docs", "examples", "scenario.json");
            var resultPath = Path.Combine(folder.FullName, "result.json");
            var csvPath = Path.Combine(folder.FullName, "result.csv");
            var root = new RootCommand { SimulateCommand.Create() };
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = root.Parse(["simulate", "--compound", "small", "--days", "2", "--seed", "4", "--scenario", scenario, "--output", resultPath, "--csv", csvPath])
                .Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });

            Assert.Equal(0, exit);
            Assert.Contains("Four more chargers in the garage", stdout.ToString(), StringComparison.Ordinal);
            Assert.Contains("day 2/2 (100 %)", stderr.ToString(), StringComparison.Ordinal);
            var result = SimulationJson.ReadResult(File.ReadAllText(resultPath));
            Assert.Equal(2, result.Days);
            Assert.Equal(8, Assert.Single(result.Charging.Areas).Chargers);
            Assert.StartsWith("scenario,metric,value", File.ReadAllText(csvPath), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class Inline(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => report(value);
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
