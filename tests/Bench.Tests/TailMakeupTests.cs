using System.Diagnostics;
using Xunit;

namespace Parking.Bench.Tests;

public class TailMakeupTests
{
    private static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000.0);

    private static double Ms(long ticks) => LatencySummary.ToMilliseconds(ticks);

    /// <summary>Requests of <paramref name="latency"/> ms answered every <paramref name="every"/> ms from 0 to <paramref name="until"/> ms, none inside the gaps given.</summary>
    private static List<Answered> Steady(double every, double until, double latency, params (double From, double To)[] gaps)
    {
        var requests = new List<Answered>();
        for (var k = 0; latency + (k * every) <= until; k++)
        {
            var t = latency + (k * every);
            if (!gaps.Any(g => t > g.From && t < g.To))
            {
                requests.Add(new Answered(Ticks(t - latency), Ticks(t)));
            }
        }

        return requests;
    }

    [Fact]
    public void Answers_at_a_steady_pace_have_no_stalls_and_the_p99_stays_as_it_is()
    {
        var requests = Steady(every: 0.2, until: 2_000, latency: 10);

        var tail = TailMakeup.From(requests)!;

        Assert.Equal(0, tail.Stalls);
        Assert.Equal(0, tail.StalledMilliseconds);
        Assert.Equal(0, tail.MeanStalledMilliseconds);
        Assert.Equal(10, tail.P99WithoutStallsMilliseconds, precision: 2);
        Assert.Equal(3, tail.ThresholdMilliseconds, precision: 2);
    }

    [Fact]
    public void A_stretch_without_answers_is_one_stall_and_is_taken_out_of_the_requests_that_waited_through_it()
    {
        // 2 s of 4-ms requests answered every 0.2 ms, and no answer from 1,000 to 1,040 ms; 200 requests sent in the
        // last 4 ms before it are held until 1,040.2 ms, as a GC pause holds every request in flight.
        var requests = Steady(every: 0.2, until: 2_000, latency: 4, gaps: (1_000, 1_040));
        requests.AddRange(Enumerable.Range(0, 200).Select(k => new Answered(Ticks(1_000 - (k % 19 * 0.2)), Ticks(1_040.2))));

        var tail = TailMakeup.From(requests)!;

        Assert.Equal(1, tail.Stalls);
        Assert.InRange(tail.LongestMilliseconds, 39.5, 40.5);
        Assert.Equal(tail.LongestMilliseconds, tail.StalledMilliseconds);

        // The held requests are the slowest (over 40 ms), nearly all of it the stall; without it, none took over 4 ms.
        Assert.True(tail.TailMilliseconds > 40, $"tail {tail.TailMilliseconds} ms");
        Assert.InRange(tail.TailStalledMilliseconds, 39.5, 40.5);
        Assert.True(tail.P99WithoutStallsMilliseconds <= 4.01, $"p99 without stalls {tail.P99WithoutStallsMilliseconds} ms");
    }

    [Fact]
    public void A_request_is_charged_only_the_part_of_each_stall_it_was_waiting_in()
    {
        // Answers every 0.1 ms but for two stretches: 100-120 ms and 200-230 ms.
        var requests = Steady(every: 0.1, until: 400, latency: 1, gaps: [(100, 120), (200, 230)]);

        // One slow request sent at 110 ms, inside the first stretch, and answered at 232 ms, after the second: it waited
        // in the last 10 ms of the first stall and the whole 30 ms of the second.
        requests.Add(new Answered(Ticks(110), Ticks(232)));

        var tail = TailMakeup.From(requests)!;

        Assert.Equal(2, tail.Stalls);
        Assert.InRange(tail.StalledMilliseconds, 49.5, 50.5);

        // The others took 1 ms each: those answered in the first millisecond after a stall were sent inside it, and
        // waited in it 1, 0.9, ..., 0.1 ms (5.5 ms for each stall); with the slow one's 40 ms, 51 ms in all.
        var stalledInAll = tail.MeanStalledMilliseconds * requests.Count;
        Assert.InRange(stalledInAll, 50, 52);
    }

    [Fact]
    public void The_stall_threshold_grows_with_the_mean_gap_between_answers_so_a_slow_phase_is_not_all_stalls()
    {
        // 100 answers a second: a 5 ms gap is ordinary there, and 10 mean gaps (100 ms) is the threshold.
        var requests = Steady(every: 10, until: 5_000, latency: 5);

        var tail = TailMakeup.From(requests)!;

        Assert.Equal(100, tail.ThresholdMilliseconds, precision: 0);
        Assert.Equal(0, tail.Stalls);
        Assert.Equal(Ms(Ticks(5)), tail.P99WithoutStallsMilliseconds, precision: 3);
    }

    [Fact]
    public void Fewer_than_two_answers_say_nothing()
    {
        Assert.Null(TailMakeup.From([]));
        Assert.Null(TailMakeup.From([new Answered(0, Ticks(5))]));
    }
}
