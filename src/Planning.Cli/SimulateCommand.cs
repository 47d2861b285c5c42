using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Parking.Domain.Simulation;
using Parking.Planning.Simulation;

namespace Parking.Planning.Cli;

/// <summary>
/// <c>plan simulate --compound small|chengshangcheng|kangcheng --days N --seed S [--scenario scenario.json]
/// [--demand demand.json] [--output result.json] [--csv result.csv]</c>: simulates days of demand on a demo
/// compound (today's layout, or a scenario of it) and prints the result's headline figures.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var compound = new Option<string>("--compound", "-c") { Description = "Demo compound: small, chengshangcheng or kangcheng.", DefaultValueFactory = _ => "small" };
        compound.AcceptOnlyFromAmong("small", "chengshangcheng", "kangcheng");
        var days = new Option<int>("--days", "-d") { Description = "Days to simulate.", DefaultValueFactory = _ => 7 };
        var seed = new Option<int>("--seed", "-s") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 1 };
        var start = new Option<string>("--start") { Description = "First local day, yyyy-MM-dd (the compound's time, UTC+8).", DefaultValueFactory = _ => "2026-11-23" };
        var scenario = new Option<FileInfo?>("--scenario") { Description = "Scenario file (JSON, see docs/examples/scenario.json); today's layout and rules when left out." };
        var demand = new Option<FileInfo?>("--demand") { Description = "Demand parameters (JSON); the commuter defaults when left out." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the whole result (JSON) here." };
        var csv = new Option<FileInfo?>("--csv") { Description = "Write the result as CSV (the report download) here." };
        var command = new Command("simulate", "Simulate days of demand on a demo compound (or a scenario of it) and print the results.")
        {
            compound, days, seed, start, scenario, demand, output, csv,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!DateOnly.TryParseExact(parse.GetValue(start), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                error.WriteLine("--start: expected a date as yyyy-MM-dd");
                return Task.FromResult(2);
            }

            var size = Enum.Parse<DemoCompoundSize>(parse.GetValue(compound)!, ignoreCase: true);
            var policies = ScenarioPolicies.Defaults();
            ScenarioDefinition? definition;
            DemandParameters parameters;
            try
            {
                definition = parse.GetValue(scenario) is { } file ? SimulationJson.ReadScenario(File.ReadAllText(file.FullName)) : null;
                parameters = parse.GetValue(demand) is { } demandFile ? SimulationJson.ReadDemand(File.ReadAllText(demandFile.FullName)) : new DemandParameters();
            }
            catch (Exception exception) when (exception is JsonException or InvalidDataException or IOException)
            {
                error.WriteLine($"cannot read the file: {exception.Message}");
                return Task.FromResult(2);
            }

            var startAt = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), policies.Sharing.UtcOffset);
            var input = SimulationInput.For(DemoCompoundGenerator.Generate(size), policies, definition, DemandModel.Synthetic(parameters), startAt, parse.GetValue(days), parse.GetValue(seed));
            if (input.Error is { } invalid)
            {
                error.WriteLine($"{invalid.Field ?? invalid.Code}: {invalid.Message}");
                return Task.FromResult(2);
            }

            var clock = Stopwatch.StartNew();
            var progress = new SynchronousProgress(p => error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"day {p.Day}/{p.Days} ({p.Percent:0} %)")));
            var result = Simulator.Run(input.Value!, progress, cancellationToken);
            Print(writer, result, definition?.Name ?? "today", clock.Elapsed);
            if (parse.GetValue(output) is { } json)
            {
                File.WriteAllText(json.FullName, SimulationJson.Write(result));
                writer.WriteLine($"result written to {json.FullName}");
            }

            if (parse.GetValue(csv) is { } table)
            {
                File.WriteAllText(table.FullName, result.ToCsv());
                writer.WriteLine($"csv written to {table.FullName}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(TextWriter writer, SimulationResult r, string name, TimeSpan wall)
    {
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"simulated        {r.CompoundId}, {name}, {r.Days} days from {r.Start:yyyy-MM-dd}, seed {r.Seed}, {r.Events} events in {wall.TotalSeconds:0.0} s"));
        writer.WriteLine(string.Create(c, $"parking          {r.Parking.Served} of {r.Parking.Requests} stays booked, refused {Reasons(r.Parking.Refused)}, {r.Parking.NoShows} no-shows"));
        writer.WriteLine(string.Create(c, $"wait for space   mean {r.Parking.MeanWaitMinutes:0.0} min, p95 {r.Parking.P95WaitMinutes:0.0} min; fairness (Jain) {r.Parking.Fairness:0.000}"));
        writer.WriteLine(string.Create(c, $"shared supply    {r.Parking.SharedHoursBooked:0} of {r.Parking.SharedHoursPublished:0} published hours booked ({r.Parking.SharedUtilizationPercent:0.0} %)"));
        writer.WriteLine(string.Create(c, $"charging         {r.Charging.Served} of {r.Charging.Requests} requests plugged in, refused {Reasons(r.Charging.Refused)}, {r.Charging.NoShows} no-shows"));
        writer.WriteLine(string.Create(c, $"wait for turn    mean {r.Charging.MeanWaitMinutes:0.0} min, p95 {r.Charging.P95WaitMinutes:0.0} min"));
        writer.WriteLine(string.Create(c, $"energy           {r.Charging.DeliveredKwh:0.0} of {r.Charging.RequestedKwh:0.0} kWh ({r.Charging.DeliveredPercent:0.0} %)"));
        foreach (var area in r.Charging.Areas)
        {
            writer.WriteLine(string.Create(c, $"  area {area.AreaId,-10} {area.Chargers} chargers, peak {area.PeakKw:0.0} of {area.SiteCapacityKw:0.0} kW, {area.DeliveredKwh:0.0} of {area.RequestedKwh:0.0} kWh, {area.Plans} plans"));
        }

        writer.WriteLine(string.Create(c, $"e-bikes          {r.Ebikes.Served} of {r.Ebikes.Requests} sessions started, refused {Reasons(r.Ebikes.Refused)}, ports {r.Ebikes.PortUtilizationPercent:0.0} % used, {r.Ebikes.OvernightSessions} overnight"));
        writer.WriteLine(string.Create(c, $"credits          owners earned {r.Credits.OwnersEarnings} ({r.Credits.OwnersEarning} owners), compound income {r.Credits.CompoundIncome}"));
        var worst = r.Buildings.OrderByDescending(b => b.ResidentsUnserved).ThenBy(b => b.BuildingId, StringComparer.Ordinal).Take(3).ToList();
        writer.WriteLine(string.Create(c, $"unserved         {r.Buildings.Sum(b => b.ResidentsUnserved)} residents refused at least once; most in {string.Join(", ", worst.Select(b => $"{b.BuildingId} ({b.ResidentsUnserved})"))}"));
    }

    private static string Reasons(IReadOnlyList<ReasonCount> refused) =>
        refused.Count == 0 ? "none" : string.Join(", ", refused.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Count} {r.Reason}")));

    /// <summary>Reports on the simulating thread (a <see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => report(value);
    }
}
