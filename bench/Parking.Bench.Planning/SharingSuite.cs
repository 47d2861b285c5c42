using System.Diagnostics;
using System.Globalization;
using Parking.Planning.Sharing;

namespace Parking.Bench.Planning;

/// <summary>
/// The shared-parking suite: a Chengshangcheng month solved by greedy first-come-first-served and by the
/// optimized round; prints both side by side and whether the targets were met.
/// </summary>
internal static class SharingSuite
{
    public static int Run(IReadOnlyList<string> args)
    {
        var limit = TimeSpan.FromSeconds(Option(args, "--time-limit", 25));
        var workers = (int)Option(args, "--workers", 2);
        var candidates = (int)Option(args, "--candidates", SharingSolveOptions.Default.CandidatesPerRequest);
        var perLot = (int)Option(args, "--candidates-per-lot", SharingSolveOptions.Default.CandidatesPerLot);
        var build = Stopwatch.StartNew();
        var seed = (int)Option(args, "--seed", 2026);
        var (instance, counts) = SharingMonth.Build(seed);
        build.Stop();

        Console.WriteLine(Invariant($"Shared parking: a Chengshangcheng month (December 2026) on the demo layout, demand seed {seed}"));
        Console.WriteLine(Invariant($"supply: {instance.Supply.Count} spaces in the pool: {counts.SharedPrivate} of {counts.PrivateSpaces} private shared on weekdays 08-18 ({counts.SharedAtNight} also weekday nights 19-07:30), {counts.CommonInPool} common, {counts.Temporary} temporary"));
        Console.WriteLine(Invariant($"requests: {instance.Requests.Count} ({counts.RecurringNight} month-long weekday nights, {counts.RecurringDay} month-long weekday days, {counts.OneOffNight} one-off evenings/nights, {counts.OneOffDay} one-off days); {instance.HouseholdWeights?.Count ?? 0} households weighted by past rounds; built in {build.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(Invariant($"round: CP-SAT, time limit {limit.TotalSeconds:0} s, {workers} workers, {candidates} candidate spaces per request (at most {perLot} per lot)"));
        Console.WriteLine();

        var greedy = SharingAllocator.Greedy(instance);
        var longest = SharingAllocator.GreedyLongestFirst(instance);
        var round = SharingAllocator.Optimize(instance, new SharingSolveOptions(limit, workers, candidates, perLot));

        Console.WriteLine("| metric | greedy FCFS | greedy longest first | round (CP-SAT) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Row("status", greedy.Status.ToString(), longest.Status.ToString(), round.Status.ToString());
        Row("requests served", Invariant($"{greedy.Metrics.RequestsServed} / {greedy.Metrics.Requests}"), Invariant($"{longest.Metrics.RequestsServed} / {longest.Metrics.Requests}"), Invariant($"{round.Metrics.RequestsServed} / {round.Metrics.Requests}"));
        Row("hours served", Invariant($"{greedy.Metrics.HoursServed:N0} / {greedy.Metrics.HoursRequested:N0}"), Invariant($"{longest.Metrics.HoursServed:N0} / {longest.Metrics.HoursRequested:N0}"), Invariant($"{round.Metrics.HoursServed:N0} / {round.Metrics.HoursRequested:N0}"));
        Row("shared supply used", Invariant($"{greedy.Metrics.SupplyUsedShare:P1}"), Invariant($"{longest.Metrics.SupplyUsedShare:P1}"), Invariant($"{round.Metrics.SupplyUsedShare:P1}"));
        Row("mean walk (m)", Invariant($"{greedy.Metrics.MeanWalkMeters:0}"), Invariant($"{longest.Metrics.MeanWalkMeters:0}"), Invariant($"{round.Metrics.MeanWalkMeters:0}"));
        Row("households served", Invariant($"{greedy.Metrics.HouseholdsServed} / {greedy.Metrics.Households}"), Invariant($"{longest.Metrics.HouseholdsServed} / {longest.Metrics.Households}"), Invariant($"{round.Metrics.HouseholdsServed} / {round.Metrics.Households}"));
        Row("fairness (Jain over households' served share)", Invariant($"{greedy.Metrics.JainIndex:0.000}"), Invariant($"{longest.Metrics.JainIndex:0.000}"), Invariant($"{round.Metrics.JainIndex:0.000}"));
        Row("worst household's share", Invariant($"{greedy.Metrics.WorstHouseholdShare:P0}"), Invariant($"{longest.Metrics.WorstHouseholdShare:P0}"), Invariant($"{round.Metrics.WorstHouseholdShare:P0}"));
        Row("solve time (s)", Invariant($"{greedy.SolveTime.TotalSeconds:0.00}"), Invariant($"{longest.SolveTime.TotalSeconds:0.00}"), Invariant($"{round.SolveTime.TotalSeconds:0.00}"));
        Console.WriteLine();

        var gain = greedy.Metrics.HoursServed > 0 ? (round.Metrics.HoursServed / greedy.Metrics.HoursServed) - 1 : 0;
        Target(Invariant($"hours served ≥ greedy + 10% (got {gain:+0.0%;-0.0%})"), gain >= 0.10);
        Target(Invariant($"fairness ≥ greedy ({round.Metrics.JainIndex:0.000} vs {greedy.Metrics.JainIndex:0.000})"), round.Metrics.JainIndex >= greedy.Metrics.JainIndex - 1e-9);
        Target(Invariant($"solve ≤ 30 s (took {round.SolveTime.TotalSeconds:0.0} s)"), round.SolveTime <= TimeSpan.FromSeconds(30));
        return 0;
    }

    private static void Row(string name, string greedy, string longest, string round) => Console.WriteLine($"| {name} | {greedy} | {longest} | {round} |");

    private static void Target(string what, bool met) => Console.WriteLine($"target {what}: {(met ? "met" : "NOT met")}");

    private static double Option(IReadOnlyList<string> args, string name, double fallback)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return fallback;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
