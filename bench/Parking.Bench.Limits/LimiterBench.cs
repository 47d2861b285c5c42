using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Parking.Api;

namespace Parking.Bench.Limits;

/// <summary>
/// Drives each limiter with the same signed-in callers and measures, per caller count: the CPU of one acquire (the
/// calling thread's own CPU time over passes of 50 requests per caller, within their burst, so every one is
/// granted; the fastest of the rounds), and the process's CPU over an idle interval with every caller's bucket alive
/// (what the limiter costs when nobody asks: the library's heartbeat visits every partition ten times a second).
/// </summary>
internal static class LimiterBench
{
    /// <summary>Requests per caller per pass: below the default burst (100), so a pass is granted whole.</summary>
    private const int PerCaller = 90;

    public static void Run(IReadOnlyList<int> callerCounts, TimeSpan idle, int rounds, bool libraryFirst)
    {
        var limits = new RequestLimitOptions();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"per-caller limit {limits.UserRequestsPerSecond}/s, burst {limits.UserBurst}; {PerCaller} requests per caller per pass; idle {idle.TotalSeconds:0.#} s; {rounds} rounds; {Environment.ProcessorCount} cores"));
        Console.WriteLine($"load average before: {LoadAverage()}");

        Collect();
        var baseline = ProcessCpu(idle);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"no limiter alive: process CPU {PerSecond(baseline, idle):0.00} ms per second idle"));

        foreach (var count in callerCounts)
        {
            var callers = Callers(count);
            // The one measured second finds the code both share already compiled at its best: run it both ways round.
            Figures Ours() => Measure("ours (CallerRateLimiter)", () => new CallerRateLimiter(limits, TimeProvider.System), callers, idle, rounds);
            Figures Library() => Measure("library (PartitionedRateLimiter + TokenBucketRateLimiter)", () => LibraryLimiter(limits), callers, idle, rounds);
            var library = libraryFirst ? Library() : default;
            var ours = Ours();
            library ??= Library();
            var background = library.IdleMsPerSecond - ours.IdleMsPerSecond;
            var perAcquire = ours.AcquireNs - library.AcquireNs;

            // At this many requests a second ours spends on acquires what the library spends on its heartbeat.
            var evenAt = perAcquire > 0 ? $"{background * 1e6 / perAcquire:N0} requests/s" : "never (ours is cheaper per acquire too)";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {count:N0} callers: acquire library/ours {library.AcquireNs / ours.AcquireNs:0.00}x; idle CPU library {library.IdleMsPerSecond:0.00} ms/s vs ours {ours.IdleMsPerSecond:0.00} ms/s (baseline {PerSecond(baseline, idle):0.00}): library costs {background:0.00} ms/s more at rest; the two cost the same in all at {evenAt}"));
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
    }

    /// <summary>
    /// The library's way, as the project had it before its own buckets: one token bucket partition per signed-in user
    /// (per address otherwise), on the endpoints that carry the caller limit.
    /// </summary>
    private static PartitionedRateLimiter<HttpContext> LibraryLimiter(RequestLimitOptions limits)
    {
        var user = Options(limits.UserRequestsPerSecond, limits.UserBurst);
        var anonymous = Options(limits.AnonymousRequestsPerSecond, limits.AnonymousBurst);
        return PartitionedRateLimiter.Create<HttpContext, (bool User, string Id)>(context =>
            context.GetEndpoint()?.Metadata.GetMetadata<CallerLimited>() is null
                ? RateLimitPartition.GetNoLimiter((false, string.Empty))
                : context.User.FindFirstValue(Parking.Api.Auth.CurrentUser.NameClaim) is { Length: > 0 } id
                    ? RateLimitPartition.GetTokenBucketLimiter((true, id), _ => user)
                    : RateLimitPartition.GetTokenBucketLimiter((false, context.Connection.RemoteIpAddress?.ToString() ?? string.Empty), _ => anonymous));

        static TokenBucketRateLimiterOptions Options(int perSecond, int burst) => new()
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = Math.Max(1, perSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            // The partitioned limiter replenishes its partitions itself (its heartbeat); false saves a copy of the options per partition.
            AutoReplenishment = false,
        };
    }

    private sealed record Figures(double AcquireNs, double IdleMsPerSecond);

    private static Figures Measure(string name, Func<PartitionedRateLimiter<HttpContext>> create, HttpContext[] callers, TimeSpan idle, int rounds)
    {
        using var limiter = create();
        var acquire = new List<double>();
        var idleCpu = new List<double>();
        long granted = 0, asked = 0;
        for (var round = 0; round < rounds; round++)
        {
            // Each pass starts from full buckets: the idle interval before it refills every caller's burst.
            Collect();
            idleCpu.Add(PerSecond(ProcessCpu(idle), idle));
            var before = ThreadCpuNs();
            for (var i = 0; i < PerCaller; i++)
            {
                foreach (var caller in callers)
                {
                    using var lease = limiter.AttemptAcquire(caller);
                    granted += lease.IsAcquired ? 1 : 0;
                }
            }

            acquire.Add((double)(ThreadCpuNs() - before) / (PerCaller * callers.Length));
            asked += PerCaller * callers.Length;
        }

        // The first pass creates every caller's bucket; the fastest pass is the one least disturbed by the others on the machine.
        var figures = new Figures(acquire.Min(), idleCpu.Skip(1).DefaultIfEmpty(idleCpu[0]).Average());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {callers.Length,6:N0} callers  {name,-56} acquire {figures.AcquireNs,7:0} ns CPU (passes: {string.Join(", ", acquire.Select(a => a.ToString("0", CultureInfo.InvariantCulture)))}), granted {granted:N0} of {asked:N0}; idle {figures.IdleMsPerSecond,6:0.00} ms CPU per second (intervals: {string.Join(", ", idleCpu.Select(a => a.ToString("0.00", CultureInfo.InvariantCulture)))})"));
        return figures;
    }

    private static HttpContext[] Callers(int count)
    {
        var endpoint = new Endpoint(null, new EndpointMetadataCollection(CallerLimited.Instance), "limited");
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var context = new DefaultHttpContext
            {
                User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Parking.Api.Auth.CurrentUser.NameClaim, $"r{i:D6}")], "bench")),
            };
            context.SetEndpoint(endpoint);
            return context;
        })];
    }

    /// <summary>The process's CPU time over an interval in which this thread only sleeps.</summary>
    private static TimeSpan ProcessCpu(TimeSpan interval)
    {
        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        Thread.Sleep(interval);
        process.Refresh();
        return process.TotalProcessorTime - before;
    }

    private static double PerSecond(TimeSpan cpu, TimeSpan interval) => cpu.TotalMilliseconds / interval.TotalSeconds;

    /// <summary>This thread's CPU time in nanoseconds (Linux scheduler statistics; precise, unlike the process clock tick).</summary>
    private static long ThreadCpuNs() =>
        long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0], CultureInfo.InvariantCulture);

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
