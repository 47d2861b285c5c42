using System.Diagnostics;
using System.Globalization;
using Parking.Planning.Charging;

namespace Parking.Bench.Planning;

/// <summary>
/// The charging planners side by side: the real ACN-Data trace replayed at the Caltech site's scale with the site
/// capacity swept, and an in-turn night at the Chengshangcheng scale (300 requests, 60 chargers, 15-minute periods).
/// Options: <c>--days N</c> (days of the trace, 7 by default), <c>--from yyyy-MM-dd</c>, <c>--quick</c> (2 days, a
/// shorter in-turn budget), <c>--time-limit s</c> (in-turn budget, 10 s by default).
/// </summary>
internal static class ChargingSuite
{
    private static readonly double[] Capacities = [10, 20, 30, 50, 75, 100, 150];
    private static readonly string[] NightAlgorithms = ["in-turn", "fcfs", "edf", "llf", "round-robin"];
    private static readonly string[] RateAlgorithms = ["online", "fcfs", "edf", "llf", "round-robin"];

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var days = int.Parse(Arg(args, "--days") ?? (quick ? "2" : "7"), CultureInfo.InvariantCulture);
        var from = DateOnly.ParseExact(Arg(args, "--from") ?? "2021-06-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var limit = TimeSpan.FromSeconds(double.Parse(Arg(args, "--time-limit") ?? (quick ? "5" : "8"), CultureInfo.InvariantCulture));
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Charging planners; {Environment.ProcessorCount} cores, CP-SAT workers 2."));
        var sweepOk = args.Contains("--no-sweep") || AcnSweep(from, days, quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5));
        var inTurnOk = args.Contains("--no-in-turn") || InTurnNight(limit);
        return sweepOk && inTurnOk ? 0 : 1;
    }

    private static bool AcnSweep(DateOnly from, int days, TimeSpan inTurnLimit)
    {
        var c = CultureInfo.InvariantCulture;
        var path = DataFile("acn-caltech-2021-sessions.json");
        var baseInstance = AcnImporter.Import(path, new AcnImportOptions(from, days, 5, 150));
        Console.WriteLine();
        Console.WriteLine(string.Create(c,
            $"ACN-Data Caltech, {from:yyyy-MM-dd} + {days} days, 5-min periods: {baseInstance.Requests.Count} sessions on {baseInstance.Chargers.Count} stations ({string.Join(", ", baseInstance.Chargers.GroupBy(ch => ch.MaxKw).OrderBy(g => g.Key).Select(g => string.Create(c, $"{g.Count()} x {g.Key:0.#} kW")))}), {baseInstance.Requests.Sum(r => r.EnergyKwh):0} kWh delivered in reality."));
        Console.WriteLine($"Energy delivered, % of what the cars took (in-turn budget {inTurnLimit.TotalSeconds:0} s per capacity):");
        Console.WriteLine();
        Console.WriteLine("| site kW | upper bound | " + string.Join(" | ", RateAlgorithms) + " |");
        Console.WriteLine("| ---: | ---: | " + string.Join(" | ", RateAlgorithms.Select(_ => "---:")) + " |");
        var gaps = new List<double>();
        var onlineBelowLlf = 0;
        var seconds = new Dictionary<string, double>();
        foreach (var capacity in Capacities)
        {
            var instance = baseInstance with { SiteCapacityKw = capacity };
            var requested = instance.Requests.Sum(r => r.EnergyKwh);
            var bound = OfflineOptimum.UpperBoundKwh(instance);
            var percent = new Dictionary<string, double>();
            foreach (var name in RateAlgorithms)
            {
                var clock = Stopwatch.StartNew();
                var plan = ChargingAlgorithms.Get(name).Solve(instance, new SolveOptions(inTurnLimit, Workers: 2));
                seconds[name] = seconds.GetValueOrDefault(name) + clock.Elapsed.TotalSeconds;
                percent[name] = 100 * plan.EnergyKwh(instance) / requested;
            }
            var boundPercent = 100 * bound / requested;
            gaps.Add(boundPercent - percent["online"]);
            if (percent["online"] < percent["llf"] - 1e-9) onlineBelowLlf++;
            Console.WriteLine(string.Create(c, $"| {capacity:0} | {boundPercent:0.0} | ")
                + string.Join(" | ", RateAlgorithms.Select(n => percent[n].ToString("0.0", c))) + " |");
        }
        Console.WriteLine();
        Console.WriteLine("Solve time over the sweep: " + string.Join(", ", RateAlgorithms.Select(n => string.Create(c, $"{n} {seconds[n]:0.0} s"))));
        var meanGap = gaps.Average();
        var gapOk = meanGap <= 1.0;
        var llfOk = onlineBelowLlf == 0;
        Console.WriteLine(string.Create(c, $"Target online within 1 pp of the upper bound on average: {meanGap:0.00} pp -> {(gapOk ? "MET" : "NOT MET")}"));
        Console.WriteLine(string.Create(c, $"Target online never below least laxity first: below at {onlineBelowLlf} of {Capacities.Length} capacities -> {(llfOk ? "MET" : "NOT MET")}"));
        return gapOk && llfOk;
    }

    private static bool InTurnNight(TimeSpan limit)
    {
        var c = CultureInfo.InvariantCulture;
        var instance = ChengshangchengNight();
        // Load OR-Tools' native library and JIT the planners once, as a running silo already has.
        var warmUp = Stopwatch.StartNew();
        ChargingAlgorithms.Get("in-turn").Solve(instance with { Requests = [.. instance.Requests.Take(5)] }, new SolveOptions(TimeSpan.FromSeconds(1), Workers: 2));
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"(warm-up on a 5-request slice, not counted: {warmUp.Elapsed.TotalSeconds:0.00} s)"));
        var bound = OfflineOptimum.UpperBoundKwh(instance);
        Console.WriteLine();
        Console.WriteLine(string.Create(c,
            $"In-turn night at the Chengshangcheng scale (synthetic, seed 2026): {instance.Requests.Count} requests, {instance.Chargers.Count} chargers (40 x 7 kW, 20 x 11 kW), {instance.SiteCapacityKw:0} kW site, 18:00-08:00 in {instance.Periods} x 15 min, changeover 15 min, quiet 23:00-06:00, {instance.Requests.Sum(r => r.EnergyKwh):0} kWh requested, flow upper bound {bound:0} kWh."));
        Console.WriteLine();
        Console.WriteLine("| algorithm | status | solve s | energy % | least share % | fully served % | Jain | cost | moves | gap to flow bound % | gap to best bound % |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var targets = new List<string>();
        var ok = true;
        var variants = NightAlgorithms.Select(n => (Name: n, Instance: instance))
            .Append(("in-turn, no quiet hours", instance with { QuietPeriods = null }));
        foreach (var (name, variant) in variants)
        {
            var clock = Stopwatch.StartNew();
            var plan = ChargingAlgorithms.Get(name.Split(',')[0]).Solve(variant, new SolveOptions(limit, Workers: 2));
            var elapsed = clock.Elapsed.TotalSeconds;
            var best = Math.Min(bound, plan.BoundKwh ?? bound);
            var m = ChargingMetrics.Compute(variant, plan, bound);
            var bestGap = 100 * Math.Max(0, best - m.EnergyKwh) / best;
            Console.WriteLine(string.Create(c,
                $"| {name} | {plan.Status} | {elapsed:0.00} | {m.EnergyPercent:0.0} | {100 * m.LeastShare:0.0} | {m.FullyServedPercent:0.0} | {m.JainFairness:0.000} | {m.Cost:0} | {m.Moves} | {100 * m.GapToBound:0.00} | {bestGap:0.00} |"));
            if (name != "in-turn") continue;
            var timeOk = elapsed < 10;
            var gapOk = bestGap < 2;
            targets.Add(string.Create(c, $"CP-SAT bounds: least share <= {100 * (plan.LeastShareBound ?? 1):0.0} %, energy <= {plan.BoundKwh ?? bound:0} kWh (flow bound {bound:0} kWh)."));
            targets.Add(string.Create(c, $"Target in-turn solve under 10 s: {elapsed:0.00} s -> {(timeOk ? "MET" : "NOT MET")}"));
            targets.Add(string.Create(c, $"Target in-turn gap under 2 % (to the better of CP-SAT's bound and the flow bound): {bestGap:0.00} % -> {(gapOk ? "MET" : "NOT MET")}"));
            ok = timeOk && gapOk;
        }
        Console.WriteLine();
        targets.ForEach(Console.WriteLine);
        return ok;
    }

    /// <summary>A night of in-turn charging: most cars come home 17:30-22:00 and leave 06:30-08:00.</summary>
    internal static ChargingInstance ChengshangchengNight()
    {
        var random = new Random(2026);
        const int periods = 56;
        var chargers = Enumerable.Range(1, 60).Select(i => new ChargerSpec($"C{i:00}", i <= 40 ? 7 : 11)).ToList();
        double[] vehicleKw = [3.7, 7, 7, 7, 11];
        var requests = Enumerable.Range(1, 300).Select(i =>
        {
            var arrival = Math.Min(periods - 8, (int)Math.Round(Math.Abs(Normal(random, 6, 5))));
            var departure = Math.Clamp((int)Math.Round(Normal(random, 52, 3)), arrival + 4, periods);
            var energy = Math.Round(4 + random.NextDouble() * 20, 1);
            return new ChargingRequest($"R{i:000}", arrival, departure, energy, vehicleKw[random.Next(vehicleKw.Length)]);
        }).ToList();
        var prices = Enumerable.Range(0, periods).Select(t => t < 16 ? 1.0 : t < 48 ? 0.3 : 0.6).ToList();
        return new ChargingInstance(new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.FromHours(8)), 15, periods, chargers, 300, requests,
            PricePerKwh: prices, ChangeoverPeriods: 1, QuietPeriods: [new PeriodRange(20, 48)]);
    }

    private static double Normal(Random random, double mean, double sd) =>
        mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>
    /// A file of the project's shared data: shared/data in the first folder above the one holding Parking.sln that
    /// has it (../shared/data beside a clone, further up for a nested worktree).
    /// </summary>
    internal static string DataFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Parking.sln"))) continue;
            for (var up = dir.Parent; up is not null; up = up.Parent)
            {
                var path = Path.Combine(up.FullName, "shared", "data", name);
                if (File.Exists(path)) return path;
            }
            throw new FileNotFoundException($"No shared/data/{name} in any folder above {dir.FullName}.");
        }
        throw new FileNotFoundException($"No Parking.sln above {AppContext.BaseDirectory}; cannot find shared/data/{name}.");
    }
}
