using System.Globalization;
using System.Runtime.InteropServices;
using static Parking.Bench.Format;

namespace Parking.Bench;

/// <summary>Everything one run measured.</summary>
internal sealed record RunResult(int Run, LoadResult? Search, LoadResult? Reservations, BookingCheck? Check, PushResult? Push);

/// <summary>Prints the figures of each phase, the medians over the runs, and the targets met or not.</summary>
internal static class Report
{
    private const double SearchTarget = 10_000;
    private const double ReservationTarget = 5_000;
    private const double ReservationP99Target = 25;
    private const double PushP99Target = 50;

    /// <summary>Issue 17's push target holds for 1,000 watchers on one silo and for 5,000 across two.</summary>
    private static int TargetClients(BenchOptions options) => options.Silos > 1 ? 5000 : 1000;

    private static string Watchers(BenchOptions options) =>
        options.Silos > 1 ? $"{options.Clients} clients, {options.Silos} silos" : $"{options.Clients} clients";
    private const double RatioTarget = 0.4;
    private const double FlatTarget = 0.10;

    private static string Ratio(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.00", CultureInfo.InvariantCulture);

    public static void Header(BenchOptions options, Uri target, bool startedByBench)
    {
        Console.WriteLine();
        Console.WriteLine("Parking benchmark");
        Console.WriteLine($"  machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"  target:  {target} ({(startedByBench ? "silo started by the bench, Release build, in-memory storage" : "silo given by --url")})");
        if (options.Silos > 1)
        {
            Console.WriteLine($"  cluster: {options.Silos} silos on loopback; the push phase's watchers and reservations use every host");
        }

        if (options.WatcherProcesses > 0)
        {
            Console.WriteLine($"  watchers: in {options.WatcherProcesses} child processes of the bench (GC {options.WatcherGc.ToString().ToLowerInvariant()}, gen0 budget {(options.WatcherGen0Megabytes > 0 ? $"{options.WatcherGen0Megabytes} MB" : "the runtime's")})");
        }
        Console.WriteLine($"  phases {options.Phases.ToString().ToLowerInvariant()}; runs {options.Runs} x {options.Duration.TotalSeconds:0.#} s per phase, concurrency {options.Concurrency}, {options.Clients} push clients at {options.PushRate:0.#} reservations/s, {options.Residents} residents{(options.Quick ? " (quick smoke run)" : string.Empty)}");
#if DEBUG
        Console.WriteLine("  WARNING: this bench is a Debug build; use -c Release for figures worth keeping.");
#endif
        Console.WriteLine($"  NOTE: the bench client and the silo share this machine's {Environment.ProcessorCount} cores; every figure is for both together on one box.");
        Console.WriteLine();
    }

    /// <summary>Above this share of the machine used by other processes, a phase's figures are flagged.</summary>
    private const double ContentionWarning = 0.10;

    public static void Search(LoadResult r) =>
        Console.WriteLine($"  searches      {Rate(r.OkPerSecond),10}/s  ({N(r.Ok)} ok, {N(r.Failed)} failed in {r.Elapsed.TotalSeconds:0.0} s)  latency {Latency(r.Latency)}\n    {r.Cpu}; {CostPerRequest(r)}{Contention(r.Cpu)}{Problems(r)}{Tail(r)}");

    public static void Reservations(LoadResult r) =>
        Console.WriteLine($"  reservations  {Rate(r.OkPerSecond),10}/s  ({N(r.Ok)} created (201), {N(r.Conflicts)} conflicts (409), {N(r.Failed)} failed in {r.Elapsed.TotalSeconds:0.0} s)  latency {Latency(r.Latency)}\n    {r.Cpu}; {CostPerRequest(r)}{Contention(r.Cpu)}{Problems(r)}{Tail(r)}");

    public static void Check(BookingCheck check) => Console.WriteLine($"    double-booking check: {check}");

    public static void Cleanup((int Cancelled, int Failed, TimeSpan Elapsed) cleanup) =>
        Console.WriteLine($"    cleanup: cancelled {N(cleanup.Cancelled)} reservations ({N(cleanup.Failed)} failed) in {cleanup.Elapsed.TotalSeconds:0.0} s");

    public static void Push(PushResult r)
    {
        Console.WriteLine($"  push          p50 {Ms(r.Push.P50)}  p90 {Ms(r.Push.P90)}  p99 {Ms(r.Push.P99)}  max {Ms(r.Push.Max)}  over {N(r.Delivered)} deliveries ({Rate(r.DeliveriesPerSecond)}/s) in {N(r.Messages)} LotChanges messages");
        Console.WriteLine($"    (stored -> read off the watcher's connection, before parsing; to the watcher's handler, parsing and its turn included: p50 {Ms(r.Handled.P50)}  p99 {Ms(r.Handled.P99)})");
        Console.WriteLine($"    {r.Connected} clients ({r.ConnectFailures} failed, {r.Lost} lost); reservations at {r.TargetRate:0.#}/s: {N(r.Reservations.Ok)} created, {N(r.Reservations.Conflicts)} conflicts, {N(r.Reservations.Failed)} failed, {N(r.Skipped)} skipped (too many in flight); POST latency {Latency(r.Reservations.Latency)}");
        Console.WriteLine($"    deliveries {N(r.Delivered)} of {N(r.Expected)} expected ({r.Completeness:P1})  {r.Reservations.Cpu}{Contention(r.Reservations.Cpu)}{Problems(r.Reservations)}");
        if (r.Gc is { } gc)
        {
            var where = gc.Processes == 0 ? "the bench's process (watchers and reservations)" : $"{gc.Processes} watcher processes together";
            Console.WriteLine($"    GCs while counting, {where}: gen0 {N(gc.Total.Gen0)}, gen1 {N(gc.Total.Gen1)}, gen2 {N(gc.Total.Gen2)}; pauses {Ms(gc.Total.PauseMilliseconds)} in all, at most {Ms(gc.LongestProcessPauseMilliseconds)} in one process");
        }

        r.Stages?.Print();
    }

    public static void Summary(BenchOptions options, IReadOnlyList<RunResult> runs)
    {
        double Median(Func<RunResult, double?> value) => Medians.Of(runs.Select(r => value(r) ?? double.NaN));
        IEnumerable<string> PerRun(Func<RunResult, string?> value) => runs.Select(r => value(r) ?? "-");

        var searches = Median(r => r.Search?.OkPerSecond);
        var reservations = Median(r => r.Reservations?.OkPerSecond);
        var reservationP99 = Median(r => r.Reservations?.Latency.P99);
        var pushP99 = Median(r => r.Push?.Push.P99);

        Console.WriteLine();
        Console.WriteLine($"Medians over {runs.Count} run(s)   [per run: {string.Join(" | ", runs.Select(r => $"#{r.Run}"))}]");
        if (options.Phases.HasFlag(Phases.Search))
        {
            Line("availability searches/s", Rate(searches), PerRun(r => Rate(r.Search!.OkPerSecond)));
            Line("search latency p50", Ms(Median(r => r.Search?.Latency.P50)), PerRun(r => Ms(r.Search!.Latency.P50)));
            Line("search latency p99", Ms(Median(r => r.Search?.Latency.P99)), PerRun(r => Ms(r.Search!.Latency.P99)));
            Line("silo CPU per search", Micros(Median(r => r.Search is { } x ? Microseconds(x, x.Cpu.Server) : null)), PerRun(r => Micros(Microseconds(r.Search!, r.Search!.Cpu.Server))));
        }

        if (options.Phases.HasFlag(Phases.Reserve))
        {
            Line("reservations/s (201)", Rate(reservations), PerRun(r => Rate(r.Reservations!.OkPerSecond)));
            Line("reservation latency p50", Ms(Median(r => r.Reservations?.Latency.P50)), PerRun(r => Ms(r.Reservations!.Latency.P50)));
            Line("reservation latency p99", Ms(reservationP99), PerRun(r => Ms(r.Reservations!.Latency.P99)));
            Line("reservation p99, stalls taken out", Ms(Median(r => r.Reservations?.Tail?.P99WithoutStallsMilliseconds)), PerRun(r => Ms(r.Reservations!.Tail?.P99WithoutStallsMilliseconds ?? double.NaN)));
            Line("reservation phase stalled", Percent(Median(r => StalledShare(r.Reservations))), PerRun(r => Percent(StalledShare(r.Reservations))));
            Line("silo CPU per reservation", Micros(Median(r => r.Reservations is { } x ? Microseconds(x, x.Cpu.Server) : null)), PerRun(r => Micros(Microseconds(r.Reservations!, r.Reservations!.Cpu.Server))));
            Line("reservation conflicts (409)", N((long)Median(r => r.Reservations?.Conflicts)), PerRun(r => N(r.Reservations!.Conflicts)));
            Line("double-booking check", runs.All(r => r.Check?.Passed != false) ? "PASS" : "FAIL", PerRun(r => r.Check!.Passed ? "PASS" : "FAIL"));
        }

        if (options.Phases.HasFlag(Phases.Push))
        {
            Line($"push latency p50 ({Watchers(options)})", Ms(Median(r => r.Push?.Push.P50)), PerRun(r => Ms(r.Push!.Push.P50)));
            Line($"push latency p99 ({Watchers(options)})", Ms(pushP99), PerRun(r => Ms(r.Push!.Push.P99)));
            Line("push deliveries/s", Rate(Median(r => r.Push?.DeliveriesPerSecond)), PerRun(r => Rate(r.Push!.DeliveriesPerSecond)));
            Line("push deliveries received", Percent(Median(r => r.Push?.Completeness)), PerRun(r => Percent(r.Push!.Completeness)));
        }

        Console.WriteLine($"  CPU share of the {Environment.ProcessorCount} cores, medians: bench / silo / other processes");
        CpuLine("  during searches", runs.Select(r => r.Search?.Cpu));
        CpuLine("  during reservations", runs.Select(r => r.Reservations?.Cpu));
        CpuLine("  during push", runs.Select(r => r.Push?.Reservations.Cpu));

        Console.WriteLine();
        Console.WriteLine($"Targets ({Environment.ProcessorCount}-core machine, embedded default; bench and silo share the cores)");
        Console.WriteLine($"  {"metric",-34} {"measured",12} {"target",12}  result");
        Target("availability searches/s", Rate(searches), $">= {Rate(SearchTarget)}", searches >= SearchTarget);
        Target("reservations/s", Rate(reservations), $">= {Rate(ReservationTarget)}", reservations >= ReservationTarget);
        Target("reservation p99", Ms(reservationP99), $"<= {Ms(ReservationP99Target)}", reservationP99 <= ReservationP99Target);
        Target($"push p99 ({Watchers(options)})", Ms(pushP99), $"<= {Ms(PushP99Target)}", pushP99 <= PushP99Target);

        // Booking cost against searching in the same runs, and whether it stays flat from the first run to the last.
        var ratios = runs.Select(r => r.Search is { } s && r.Reservations is { } b && s.OkPerSecond > 0 ? b.OkPerSecond / s.OkPerSecond : double.NaN).ToList();
        var ratio = Medians.Of(ratios);
        Target("reservations / searches", Ratio(ratio), $">= {Ratio(RatioTarget)}", ratio >= RatioTarget);
        if (ratios.Count > 1)
        {
            Console.WriteLine($"  {string.Empty,-34} {string.Empty,12} {string.Empty,12}  per run: {string.Join(" | ", ratios.Select(Ratio))}");
        }

        var first = runs[0].Reservations?.OkPerSecond ?? double.NaN;
        var last = runs[^1].Reservations?.OkPerSecond ?? double.NaN;
        var drift = runs.Count > 1 && first > 0 ? (last - first) / first : double.NaN;
        Target("reservations/s, last run vs first", double.IsNaN(drift) ? "n/a" : drift.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture), $"within {FlatTarget:P0}", Math.Abs(drift) <= FlatTarget);
        if (options.Clients != TargetClients(options) && options.Phases.HasFlag(Phases.Push))
        {
            Console.WriteLine($"  (the push target is set for {TargetClients(options)} clients on {options.Silos} silo(s); this run had {options.Clients})");
        }

        if (options.Quick)
        {
            Console.WriteLine("  (quick smoke run: too short to judge the targets)");
        }
    }

    private static void CpuLine(string name, IEnumerable<CpuUse?> uses)
    {
        var measured = uses.OfType<CpuUse>().ToList();
        if (measured.Count > 0)
        {
            Line(name, Cpu(measured), []);
        }
    }

    private static void Line(string name, string median, IEnumerable<string> perRun)
    {
        var runs = string.Join(" | ", perRun);
        Console.WriteLine($"  {name,-34} {median,12}{(runs.Length > 0 ? $"   [{runs}]" : string.Empty)}");
    }

    private static void Target(string name, string measured, string target, bool met) =>
        Console.WriteLine($"  {name,-34} {measured,12} {target,12}  {(measured == "n/a" ? "not run" : met ? "met" : "NOT met")}");

    private static string Cpu(IReadOnlyList<CpuUse> uses)
    {
        string Share(Func<CpuUse, double> part) => Percent(Medians.Of(uses.Select(part)));
        return $"{Share(u => u.Client)} / {Share(u => u.Server)} / {Share(u => double.IsNaN(u.Machine) ? double.NaN : u.Others)}";
    }

    /// <summary>CPU time per request, which other processes on the machine disturb less than throughput.</summary>
    private static string CostPerRequest(LoadResult r) =>
        $"CPU per request: silo {Micros(Microseconds(r, r.Cpu.Server))}, bench {Micros(Microseconds(r, r.Cpu.Client))}";

    /// <summary>A process's CPU time per request of the phase, in microseconds.</summary>
    private static double Microseconds(LoadResult r, double share) =>
        r.Requests == 0 ? double.NaN : share * r.Elapsed.TotalSeconds * Environment.ProcessorCount / r.Requests * 1e6;

    private static string Contention(CpuUse cpu) =>
        !double.IsNaN(cpu.Machine) && cpu.Others > ContentionWarning
            ? $"\n    WARNING: other processes took {cpu.Others:P0} of the CPU during this phase; its figures understate the platform."
            : string.Empty;

    private static string Latency(LatencySummary s) =>
        $"p50 {Ms(s.P50)} p90 {Ms(s.P90)} p99 {Ms(s.P99)} max {Ms(s.Max)}";

    /// <summary>The share of a phase's time in which no request was answered.</summary>
    private static double StalledShare(LoadResult? r) =>
        r?.Tail is { } tail ? tail.StalledMilliseconds / r.Elapsed.TotalMilliseconds : double.NaN;

    private static string Tail(LoadResult r)
    {
        var text = r.Started is { } started ? $"\n    from {started:HH:mm:ss.f} UTC for {r.Elapsed.TotalSeconds:0.0} s" : string.Empty;
        if (r.Tail is { } t)
        {
            text += $"\n    stalls (no answer for >= {Ms(t.ThresholdMilliseconds)}): {N(t.Stalls)}, {Ms(t.StalledMilliseconds)} in all, longest {Ms(t.LongestMilliseconds)}; "
                + $"of a request's latency in stalls: mean {Ms(t.MeanStalledMilliseconds)}, at or over p99 {Ms(t.TailStalledMilliseconds)} of {Ms(t.TailMilliseconds)}; p99 with stalls taken out {Ms(t.P99WithoutStallsMilliseconds)}";
        }

        if (r.BenchGc is { } gc)
        {
            text += $"\n    bench GC: {N(gc.Collections)} collections (gen1 {N(gc.Gen1)}, gen2 {N(gc.Gen2)}), paused {Ms(gc.PauseMilliseconds)}";
        }

        return text;
    }

    private static string Problems(LoadResult r) =>
        r.Problems.Count == 0 ? string.Empty : $"\n    non-2xx: {string.Join(", ", r.Problems.OrderByDescending(p => p.Value).Take(5).Select(p => $"{p.Key} x{N(p.Value)}"))}";
}
