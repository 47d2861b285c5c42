using System.Collections.Concurrent;
using System.Diagnostics;

namespace Parking.Bench;

/// <summary>What one request did; <see cref="Problem"/> names the failure (status and problem code).</summary>
internal readonly record struct Attempt(RequestOutcome Outcome, string? Problem = null);

/// <summary>The figures of one closed-loop phase.</summary>
internal sealed record LoadResult(
    TimeSpan Elapsed,
    long Ok,
    long Conflicts,
    long Failed,
    LatencySummary Latency,
    IReadOnlyDictionary<string, long> Problems,
    CpuUse Cpu)
{
    /// <summary>What the slowest requests were made of (null for phases that do not record it).</summary>
    public TailMakeup? Tail { get; init; }

    /// <summary>The bench's own garbage collections during the phase (they stop every request it times).</summary>
    public GcUse? BenchGc { get; init; }

    /// <summary>When the phase started (UTC), to match it with what was recorded on the silo meanwhile.</summary>
    public DateTimeOffset? Started { get; init; }

    public long Requests => Ok + Conflicts + Failed;

    public double OkPerSecond => Elapsed > TimeSpan.Zero ? Ok / Elapsed.TotalSeconds : double.NaN;
}

/// <summary>
/// A fixed number of workers, each sending its next request as soon as the last one is answered, until
/// the phase's time is up. Every request is timed with a Stopwatch; throughput counts from the first
/// request to the last answer.
/// </summary>
internal static class ClosedLoop
{
    /// <param name="request">Sends one request for worker number i; null when there is no more work.</param>
    public static async Task<LoadResult> RunAsync(
        int concurrency,
        TimeSpan duration,
        ProcessCpu? server,
        Func<int, CancellationToken, Task<Attempt?>> request,
        CancellationToken cancellationToken)
    {
        var recorders = Enumerable.Range(0, concurrency).Select(_ => new LatencyRecorder()).ToArray();
        var answered = Enumerable.Range(0, concurrency).Select(_ => new AnsweredRecorder()).ToArray();
        var problems = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long ok = 0, conflicts = 0, failed = 0;

        var cpuBefore = CpuSample.Take(server);
        var gcBefore = GcUse.Now();
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var deadline = clock.Elapsed + duration;

        async Task Worker(int worker)
        {
            var recorder = recorders[worker];
            var times = answered[worker];
            while (clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                Attempt? attempt;
                try
                {
                    attempt = await request(worker, cancellationToken);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    attempt = new Attempt(RequestOutcome.Failed, exception.GetType().Name);
                }

                if (attempt is not { } done)
                {
                    return;
                }

                var read = Stopwatch.GetTimestamp();
                recorder.Record(read - started);
                times.Record(new Answered(started, read));
                switch (done.Outcome)
                {
                    case RequestOutcome.Ok:
                        Interlocked.Increment(ref ok);
                        break;
                    case RequestOutcome.Conflict:
                        Interlocked.Increment(ref conflicts);
                        break;
                    default:
                        Interlocked.Increment(ref failed);
                        break;
                }

                if (done.Problem is { } problem)
                {
                    problems.AddOrUpdate(problem, 1, (_, n) => n + 1);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w), cancellationToken)));
        var elapsed = clock.Elapsed;
        var gc = GcUse.Between(gcBefore, GcUse.Now());
        var cpu = CpuSample.Between(cpuBefore, CpuSample.Take(server));
        return new LoadResult(elapsed, ok, conflicts, failed, LatencyRecorder.Summarize(recorders), problems, cpu)
        {
            Tail = TailMakeup.From(Recorder<Answered>.Gather(answered)),
            BenchGc = gc,
            Started = startedAt,
        };
    }
}
