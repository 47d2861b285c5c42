using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Parking.Planning.Charging;

namespace Parking.Planning.Cli;

/// <summary>
/// <c>plan charging --input instance.json --algorithm in-turn [--time-limit s] [--output plan.json]</c> solves an
/// instance file and prints its metrics; <c>plan charging import-acn ...</c> turns an ACN-Data sessions file into one.
/// </summary>
public static class ChargingCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input", "-i") { Description = "Charging instance file (JSON).", Required = true };
        var algorithm = new Option<string>("--algorithm", "-a")
        {
            Description = $"Planner: {string.Join(", ", ChargingAlgorithms.Names)}.",
            DefaultValueFactory = _ => "in-turn",
        };
        algorithm.AcceptOnlyFromAmong([.. ChargingAlgorithms.Names]);
        var timeLimit = new Option<double>("--time-limit", "-t") { Description = "Solve budget in seconds.", DefaultValueFactory = _ => 10 };
        var workers = new Option<int>("--workers") { Description = "CP-SAT threads.", DefaultValueFactory = _ => 2 };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the plan (per session: energy, power per period, turn) here." };
        var command = new Command("charging", "Plan charging on an instance file and print the plan's metrics.")
        {
            input, algorithm, timeLimit, workers, output,
        };
        command.Subcommands.Add(ImportAcn());
        command.SetAction((parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var instance = InstanceFiles.ReadCharging(parse.GetRequiredValue(input).FullName);
            var errors = instance.Validate();
            if (errors.Count > 0)
            {
                foreach (var (field, reason) in errors) parse.InvocationConfiguration.Error.WriteLine($"{field}: {reason}");
                return Task.FromResult(2);
            }
            var options = new SolveOptions(TimeSpan.FromSeconds(parse.GetValue(timeLimit)), Workers: parse.GetValue(workers));
            var plan = ChargingAlgorithms.Get(parse.GetValue(algorithm)!).Solve(instance, options, cancellationToken);
            var bound = OfflineOptimum.UpperBoundKwh(instance);
            var metrics = ChargingMetrics.Compute(instance, plan, bound);
            Print(writer, instance, plan, metrics);
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(PlanFile.From(instance, plan, metrics), ChargingJson.Options));
                writer.WriteLine($"plan written to {file.FullName}");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command ImportAcn()
    {
        var input = new Option<FileInfo>("--input", "-i") { Description = "ACN-Data sessions file (a JSON array).", Required = true };
        var from = new Option<string>("--from") { Description = "First local day, yyyy-MM-dd.", Required = true };
        var days = new Option<int>("--days") { Description = "Number of days.", DefaultValueFactory = _ => 7 };
        var period = new Option<int>("--period") { Description = "Period length in minutes.", DefaultValueFactory = _ => 5 };
        var siteKw = new Option<double>("--site-kw") { Description = "Site capacity in kW.", DefaultValueFactory = _ => 50 };
        var chargerKw = new Option<double>("--charger-kw") { Description = "Power of a Level-2 station in kW (faster ones are found in the data).", DefaultValueFactory = _ => 6.6 };
        var vehicleKw = new Option<double?>("--vehicle-kw") { Description = "Most power a car takes in kW (default: its station's)." };
        var energy = new Option<AcnEnergy>("--energy") { Description = "Delivered (what cars took) or Requested (what drivers asked).", DefaultValueFactory = _ => AcnEnergy.Delivered };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Instance file to write.", Required = true };
        var command = new Command("import-acn", "Turn an ACN-Data sessions file into a charging instance.")
        {
            input, from, days, period, siteKw, chargerKw, vehicleKw, energy, output,
        };
        command.SetAction(parse =>
        {
            if (!DateOnly.TryParseExact(parse.GetValue(from), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                parse.InvocationConfiguration.Error.WriteLine("--from: expected a date as yyyy-MM-dd");
                return 2;
            }
            var instance = InstanceFiles.ImportAcn(parse.GetRequiredValue(input).FullName, new AcnImportOptions(
                day, parse.GetValue(days), parse.GetValue(period), parse.GetValue(siteKw),
                parse.GetValue(chargerKw), parse.GetValue(vehicleKw), parse.GetValue(energy)));
            var file = parse.GetRequiredValue(output);
            InstanceFiles.WriteCharging(file.FullName, instance);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{instance.Requests.Count} sessions on {instance.Chargers.Count} chargers, {instance.Periods} periods of {instance.PeriodMinutes} min, {instance.Requests.Sum(r => r.EnergyKwh):0.0} kWh wanted -> {file.FullName}"));
            return 0;
        });
        return command;
    }

    private static void Print(TextWriter writer, ChargingInstance instance, ChargingPlan plan, ChargingMetrics m)
    {
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"algorithm        {plan.Algorithm} ({plan.Status}, {plan.SolveTime.TotalSeconds:0.00} s)"));
        writer.WriteLine(string.Create(c, $"requests         {instance.Requests.Count} on {instance.Chargers.Count} chargers, {instance.Periods} x {instance.PeriodMinutes} min"));
        writer.WriteLine(string.Create(c, $"energy           {m.EnergyKwh:0.00} kWh of {m.RequestedKwh:0.00} requested ({m.EnergyPercent:0.0} %)"));
        writer.WriteLine(string.Create(c, $"upper bound      {m.UpperBoundKwh:0.00} kWh (gap {100 * m.GapToBound:0.00} %)"));
        if (plan.BoundKwh is { } own && own < m.UpperBoundKwh - 1e-6)
            writer.WriteLine(string.Create(c, $"solver bound     {own:0.00} kWh (gap {100 * Math.Max(0, own - m.EnergyKwh) / own:0.00} %)"));
        writer.WriteLine(string.Create(c, $"fully served     {m.FullyServedPercent:0.0} % of drivers"));
        writer.WriteLine(string.Create(c, $"least share      {100 * m.LeastShare:0.0} %   Jain fairness {m.JainFairness:0.000}"));
        writer.WriteLine(string.Create(c, $"peak             {m.PeakKw:0.00} kW"));
        writer.WriteLine(string.Create(c, $"cost             {m.Cost:0.00}"));
        writer.WriteLine(string.Create(c, $"moves            {m.Moves}"));
    }
}

/// <summary>The plan file: metrics, then per session its energy, its turn and its power from arrival to departure.</summary>
public sealed record PlanFile(string Algorithm, string Status, double SolveSeconds, ChargingMetrics Metrics, IReadOnlyList<PlanFileSession> Sessions)
{
    public static PlanFile From(ChargingInstance instance, ChargingPlan plan, ChargingMetrics metrics) => new(
        plan.Algorithm, plan.Status.ToString(), plan.SolveTime.TotalSeconds, metrics,
        [.. instance.Requests.Select(r =>
        {
            var session = plan.Session(r.Id)!;
            return new PlanFileSession(r.Id, Math.Round(session.EnergyKwh(instance.PeriodHours), 3), r.EnergyKwh, session.Turn,
                r.ArrivalPeriod, [.. session.PowerKw.Skip(r.ArrivalPeriod).Take(r.DeparturePeriod - r.ArrivalPeriod).Select(p => Math.Round(p, 3))],
                session.Turns);
        })]);
}

/// <summary>
/// One session of the plan file; <see cref="PowerKw"/>[k] is the power in period <see cref="FirstPeriod"/> + k.
/// <see cref="Turn"/> is its first turn and <see cref="Turns"/> all of them (a car may come back for a second turn).
/// </summary>
public sealed record PlanFileSession(string Id, double EnergyKwh, double RequestedKwh, ChargingTurn? Turn, int FirstPeriod, IReadOnlyList<double> PowerKw,
    IReadOnlyList<ChargingTurn>? Turns = null);
