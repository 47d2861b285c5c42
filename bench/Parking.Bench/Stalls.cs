using System.Diagnostics;

namespace Parking.Bench;

/// <summary>When one request was sent and when its answer was read, in Stopwatch ticks.</summary>
internal readonly record struct Answered(long Sent, long Read);

/// <summary>The requests of one worker, each with its sending and answer times; merged after the phase.</summary>
internal sealed class AnsweredRecorder : Recorder<Answered>;

/// <summary>Collections and pause time of the bench's own garbage collector over a phase.</summary>
internal readonly record struct GcUse(int Collections, int Gen1, int Gen2, double PauseMilliseconds)
{
    public static GcUse Now() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);

    public static GcUse Between(GcUse before, GcUse after) =>
        new(after.Collections - before.Collections, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.PauseMilliseconds - before.PauseMilliseconds);
}

/// <summary>
/// What the slowest requests of a phase are made of. With tens of requests in flight, answers arrive every fraction of a
/// millisecond; a stretch with none at all (a <em>stall</em>) means something stopped them all at once: a GC pause of
/// the silo or of the bench, both processes off the CPU, or a lock every request needs. The time each request spent
/// inside such stretches is taken out of its latency: what is left is its own queueing and work. If the p99 falls
/// much when stalls are taken out, the tail is the stalls; if not, it is requests waiting behind one another.
/// </summary>
/// <param name="ThresholdMilliseconds">The shortest stretch without an answer counted as a stall (see <see cref="Threshold"/>).</param>
/// <param name="Stalls">How many stalls the phase had.</param>
/// <param name="StalledMilliseconds">Their length in all.</param>
/// <param name="LongestMilliseconds">The longest one.</param>
/// <param name="MeanStalledMilliseconds">Of a request's latency, the part inside stalls, on average over all requests.</param>
/// <param name="TailMilliseconds">The mean latency of the requests at or over the p99.</param>
/// <param name="TailStalledMilliseconds">Of those requests' latency, the part inside stalls, on average.</param>
/// <param name="P99WithoutStallsMilliseconds">The p99 of the latencies with each request's time inside stalls taken out.</param>
internal sealed record TailMakeup(
    double ThresholdMilliseconds,
    int Stalls,
    double StalledMilliseconds,
    double LongestMilliseconds,
    double MeanStalledMilliseconds,
    double TailMilliseconds,
    double TailStalledMilliseconds,
    double P99WithoutStallsMilliseconds)
{
    /// <summary>Never shorter than this: below it a gap between two answers can be chance at modest rates.</summary>
    public static readonly TimeSpan MinimumThreshold = TimeSpan.FromMilliseconds(3);

    /// <summary>Gaps between answers this many times the mean gap are counted as stalls (for answers at random, one in e^10).</summary>
    public const double MeanGaps = 10;

    /// <summary>The shortest gap counted as a stall: <see cref="MeanGaps"/> times the mean gap, at least <see cref="MinimumThreshold"/>.</summary>
    public static long Threshold(int answers, long spanTicks) =>
        Math.Max(
            (long)(MinimumThreshold.TotalSeconds * Stopwatch.Frequency),
            answers > 1 ? (long)(MeanGaps * spanTicks / (answers - 1)) : long.MaxValue);

    public static TailMakeup? From(IReadOnlyList<Answered> requests)
    {
        if (requests.Count < 2)
        {
            return null;
        }

        var reads = new long[requests.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = requests[i].Read;
        }

        Array.Sort(reads);
        var threshold = Threshold(reads.Length, reads[^1] - reads[0]);

        // Stalls in order of time: stretches between two consecutive answers at least the threshold apart.
        var stalls = new List<(long From, long To)>();
        for (var i = 1; i < reads.Length; i++)
        {
            if (reads[i] - reads[i - 1] >= threshold)
            {
                stalls.Add((reads[i - 1], reads[i]));
            }
        }

        var latencies = new long[requests.Count];
        var stalled = new long[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            latencies[i] = requests[i].Read - requests[i].Sent;
            stalled[i] = Overlap(stalls, requests[i].Sent, requests[i].Read);
        }

        // The requests at or over the p99, by the same nearest rank as the reported percentiles.
        var sorted = (long[])latencies.Clone();
        Array.Sort(sorted);
        var p99 = LatencySummary.Percentile(sorted, 0.99);
        long tailCount = 0, tailLatency = 0, tailStalled = 0;
        var withoutStalls = new long[latencies.Length];
        for (var i = 0; i < latencies.Length; i++)
        {
            withoutStalls[i] = latencies[i] - stalled[i];
            if (latencies[i] >= p99)
            {
                tailCount++;
                tailLatency += latencies[i];
                tailStalled += stalled[i];
            }
        }

        Array.Sort(withoutStalls);
        return new TailMakeup(
            LatencySummary.ToMilliseconds(threshold),
            stalls.Count,
            LatencySummary.ToMilliseconds(stalls.Sum(s => s.To - s.From)),
            stalls.Count == 0 ? 0 : LatencySummary.ToMilliseconds(stalls.Max(s => s.To - s.From)),
            LatencySummary.ToMilliseconds(stalled.Sum()) / stalled.Length,
            LatencySummary.ToMilliseconds(tailLatency) / tailCount,
            LatencySummary.ToMilliseconds(tailStalled) / tailCount,
            LatencySummary.ToMilliseconds(LatencySummary.Percentile(withoutStalls, 0.99)));
    }

    /// <summary>How much of [from, to] lies inside the stalls (in order of time, none overlapping another).</summary>
    private static long Overlap(List<(long From, long To)> stalls, long from, long to)
    {
        // The first stall that ends after the request was sent.
        int low = 0, high = stalls.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (stalls[middle].To <= from)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        long inside = 0;
        for (var i = low; i < stalls.Count && stalls[i].From < to; i++)
        {
            inside += Math.Min(to, stalls[i].To) - Math.Max(from, stalls[i].From);
        }

        return inside;
    }
}
