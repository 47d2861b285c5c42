using System.CommandLine;
using System.Globalization;
using Parking.Planning.Sharing;

namespace Parking.Planning.Cli;

/// <summary><c>plan sharing</c>: one shared-parking allocation round on an instance file, beside the greedy baseline.</summary>
public static class SharingCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Instance file (JSON, see docs/planning-sharing.md).", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = "round (CP-SAT) or greedy (first come, first served).", DefaultValueFactory = _ => "round" };
        algorithm.AcceptOnlyFromAmong("round", "greedy");
        var timeLimit = new Option<double>("--time-limit") { Description = "Seconds CP-SAT may take; 0 returns the greedy round.", DefaultValueFactory = _ => 10 };
        var workers = new Option<int>("--workers") { Description = "CP-SAT workers.", DefaultValueFactory = _ => 2 };
        var output = new Option<FileInfo?>("--output") { Description = "Write the round (assignments, unserved requests, metrics) to this JSON file." };

        var command = new Command("sharing", "Allocate shared parking: requests onto the sharing windows of private, common and temporary spaces.")
        {
            input, algorithm, timeLimit, workers, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration.Output;
            var errors = parse.InvocationConfiguration.Error;
            SharingInstance instance;
            SharingRoundResult greedy;
            try
            {
                instance = SharingJson.ReadInstance(File.ReadAllText(parse.GetValue(input)!.FullName));
                greedy = SharingAllocator.Greedy(instance);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IOException)
            {
                errors.WriteLine($"error: {e.Message}");
                return Task.FromResult(1);
            }

            if (parse.GetValue(timeLimit) < 0)
            {
                errors.WriteLine("error: --time-limit must be 0 or more seconds.");
                return Task.FromResult(1);
            }

            var options = new SharingSolveOptions(TimeSpan.FromSeconds(parse.GetValue(timeLimit)), Math.Max(1, parse.GetValue(workers)));
            var chosen = parse.GetValue(algorithm) == "greedy"
                ? greedy
                : SharingAllocator.Optimize(instance, options, cancellationToken);
            Print(console, instance, chosen, greedy);

            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, SharingJson.WriteResult(chosen, greedy));
                console.WriteLine($"wrote {file.FullName}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(TextWriter console, SharingInstance instance, SharingRoundResult chosen, SharingRoundResult greedy)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        var name = chosen.Algorithm == SharingAlgorithm.Greedy ? "greedy" : "round";
        console.WriteLine(F($"{instance.Requests.Count} requests, {instance.Supply.Count} spaces in the pool; {name}: {chosen.Status} in {chosen.SolveTime.TotalSeconds:0.00} s"));
        console.WriteLine(F($"{"metric",-28} {name,14} {"greedy FCFS",14}"));
        void Row(string label, string a, string b) => console.WriteLine(F($"{label,-28} {a,14} {b,14}"));
        var m = chosen.Metrics;
        var g = greedy.Metrics;
        Row("requests served", F($"{m.RequestsServed}/{m.Requests}"), F($"{g.RequestsServed}/{g.Requests}"));
        Row("hours served", F($"{m.HoursServed:0.0}"), F($"{g.HoursServed:0.0}"));
        Row("supply used", F($"{m.SupplyUsedShare:P1}"), F($"{g.SupplyUsedShare:P1}"));
        Row("mean walk (m)", F($"{m.MeanWalkMeters:0}"), F($"{g.MeanWalkMeters:0}"));
        Row("households served", F($"{m.HouseholdsServed}/{m.Households}"), F($"{g.HouseholdsServed}/{g.Households}"));
        Row("fairness (Jain)", F($"{m.JainIndex:0.000}"), F($"{g.JainIndex:0.000}"));
        Row("worst household's share", F($"{m.WorstHouseholdShare:P0}"), F($"{g.WorstHouseholdShare:P0}"));
    }
}
