using System.Diagnostics;
using Parking.Domain.Sharing;

namespace Parking.Planning.Sharing;

/// <summary>
/// Allocation rounds for shared parking: every request is served whole on one space or not at all, and no
/// two requests on one space overlap. <see cref="Greedy"/> is first-come-first-served (the baseline and
/// the fallback); <see cref="Optimize"/> is the CP-SAT round, which never returns fewer hours than it.
/// </summary>
public static class SharingAllocator
{
    /// <summary>First come, first served: each request in turn takes the nearest space still free for all its windows.</summary>
    public static SharingRoundResult Greedy(SharingInstance instance)
    {
        var stopwatch = Stopwatch.StartNew();
        var prepared = new PreparedRound(instance);
        var picks = GreedyPicks(prepared);
        return Result(prepared, SharingAlgorithm.Greedy, SharingSolveStatus.Fallback, picks, stopwatch.Elapsed);
    }

    /// <summary>
    /// Longest request first, each on the nearest space still free: not a queue anyone would call fair, but
    /// it keeps one-offs from fragmenting the nights month-long requests need. One of the optimizer's hints,
    /// public so benchmarks can show what CP-SAT adds on top of it.
    /// </summary>
    public static SharingRoundResult GreedyLongestFirst(SharingInstance instance)
    {
        var stopwatch = Stopwatch.StartNew();
        var prepared = new PreparedRound(instance);
        var picks = LongestFirstPicks(prepared);
        return Result(prepared, SharingAlgorithm.Greedy, SharingSolveStatus.Fallback, picks, stopwatch.Elapsed);
    }

    /// <summary>
    /// The optimized round: most hours served first, then households weighted by past rounds, then the
    /// shortest walks. CP-SAT starts from the better of two greedy rounds (first come first served, and
    /// longest first) and returns the best round found within the time limit (the budget covers the whole
    /// call). When CP-SAT finds nothing in time, the better greedy round is returned: longest first as
    /// <see cref="SharingSolveStatus.Feasible"/> if it serves more hours, otherwise first come first served as
    /// <see cref="SharingSolveStatus.Fallback"/>; a zero budget or a cancelled token always gives the latter.
    /// </summary>
    public static SharingRoundResult Optimize(SharingInstance instance, SharingSolveOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= SharingSolveOptions.Default;
        var stopwatch = Stopwatch.StartNew();
        var prepared = new PreparedRound(instance);
        var greedy = GreedyPicks(prepared);
        if (options.TimeLimit <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return Result(prepared, SharingAlgorithm.Round, SharingSolveStatus.Fallback, greedy, stopwatch.Elapsed);
        }

        // Longest requests first packs month-long requests before one-offs fragment the nights; the better
        // of the two greedy rounds is the hint CP-SAT starts from.
        var longestFirst = LongestFirstPicks(prepared);
        var hint = HoursOf(prepared, longestFirst) > HoursOf(prepared, greedy) ? longestFirst : greedy;
        if (options.TimeLimit - stopwatch.Elapsed <= TimeSpan.Zero)
        {
            // The greedy rounds alone used the budget up: no time is left to solve.
            return Result(prepared, SharingAlgorithm.Round, SharingSolveStatus.Fallback, greedy, stopwatch.Elapsed);
        }

        var solved = SharingModel.Solve(prepared, hint, [greedy, longestFirst], options, stopwatch, cancellationToken);
        if (solved is null || HoursOf(prepared, solved.Value.Picks) < HoursOf(prepared, hint))
        {
            // The whole-round model found nothing better in time: the best round found before it, and the
            // first-come-first-served one only if nothing beat it.
            return HoursOf(prepared, hint) > HoursOf(prepared, greedy)
                ? Result(prepared, SharingAlgorithm.Round, SharingSolveStatus.Feasible, hint, stopwatch.Elapsed)
                : Result(prepared, SharingAlgorithm.Round, SharingSolveStatus.Fallback, greedy, stopwatch.Elapsed);
        }

        var status = solved.Value.Optimal ? SharingSolveStatus.Optimal : SharingSolveStatus.Feasible;
        return Result(prepared, SharingAlgorithm.Round, status, solved.Value.Picks, stopwatch.Elapsed);
    }

    /// <summary>Runs the chosen algorithm.</summary>
    public static SharingRoundResult Run(SharingInstance instance, SharingAlgorithm algorithm, SharingSolveOptions? options = null, CancellationToken cancellationToken = default) =>
        algorithm == SharingAlgorithm.Greedy ? Greedy(instance) : Optimize(instance, options, cancellationToken);

    /// <summary>Per request, the index of the supply slot it got, or -1.</summary>
    internal static int[] GreedyPicks(PreparedRound prepared) =>
        GreedyPicks(prepared, Enumerable.Range(0, prepared.Instance.Requests.Count));

    private static int[] LongestFirstPicks(PreparedRound prepared) =>
        GreedyPicks(prepared, Enumerable.Range(0, prepared.Instance.Requests.Count).OrderByDescending(r => prepared.RequestHours[r]));

    /// <summary>Greedy in the given order of requests: each takes the nearest space still free for all its windows.</summary>
    internal static int[] GreedyPicks(PreparedRound prepared, IEnumerable<int> order)
    {
        var occupancy = new SpaceOccupancy[prepared.Instance.Supply.Count];
        var picks = Enumerable.Repeat(-1, prepared.Instance.Requests.Count).ToArray();
        foreach (var r in order)
        {
            foreach (var s in prepared.Candidates[r])
            {
                var taken = occupancy[s] ??= new SpaceOccupancy();
                if (taken.IsFree(prepared.RequestWindows[r]))
                {
                    taken.Take(prepared.RequestWindows[r]);
                    picks[r] = s;
                    break;
                }
            }
        }

        return picks;
    }

    private static double HoursOf(PreparedRound prepared, int[] picks) =>
        picks.Select((s, r) => s >= 0 ? prepared.RequestHours[r] : 0).Sum();

    private static SharingRoundResult Result(PreparedRound prepared, SharingAlgorithm algorithm, SharingSolveStatus status, int[] picks, TimeSpan elapsed)
    {
        var instance = prepared.Instance;
        var assignments = new List<SharingAssignment>();
        var unserved = new List<string>();
        for (var r = 0; r < picks.Length; r++)
        {
            var request = instance.Requests[r];
            if (picks[r] < 0)
            {
                unserved.Add(request.Id);
                continue;
            }

            var slot = instance.Supply[picks[r]];
            assignments.Add(new SharingAssignment(request.Id, slot.SpaceId, slot.LotId, prepared.WalkTo(r, picks[r]), prepared.RequestHours[r]));
        }

        return new SharingRoundResult(algorithm, status, assignments, unserved, Metrics(prepared, picks), elapsed);
    }

    private static SharingMetrics Metrics(PreparedRound prepared, int[] picks)
    {
        var instance = prepared.Instance;
        double hoursRequested = 0, hoursServed = 0, walk = 0;
        var served = 0;
        var perHousehold = new Dictionary<string, (double Asked, double Got)>(StringComparer.Ordinal);
        for (var r = 0; r < picks.Length; r++)
        {
            var hours = prepared.RequestHours[r];
            var household = instance.Requests[r].HouseholdId;
            perHousehold.TryGetValue(household, out var sums);
            hoursRequested += hours;
            if (picks[r] >= 0)
            {
                served++;
                hoursServed += hours;
                walk += prepared.WalkTo(r, picks[r]);
                perHousehold[household] = (sums.Asked + hours, sums.Got + hours);
            }
            else
            {
                perHousehold[household] = (sums.Asked + hours, sums.Got);
            }
        }

        var supplyHours = prepared.SupplyWindows.Sum(w =>
        {
            long ticks = 0;
            for (var i = 0; i < w.Length; i += 2)
            {
                ticks += w[i + 1] - w[i];
            }

            return TimeSpan.FromTicks(ticks).TotalHours;
        });

        var shares = perHousehold.Values.Select(v => v.Asked > 0 ? v.Got / v.Asked : 0).ToList();
        var sum = shares.Sum();
        var sumOfSquares = shares.Sum(x => x * x);
        var jain = shares.Count == 0 ? 1.0 : sumOfSquares > 0 ? sum * sum / (shares.Count * sumOfSquares) : 0.0;
        return new SharingMetrics(
            picks.Length,
            served,
            hoursRequested,
            hoursServed,
            supplyHours,
            supplyHours > 0 ? hoursServed / supplyHours : 0,
            served > 0 ? walk / served : 0,
            perHousehold.Count,
            shares.Count(s => s > 0),
            jain,
            shares.Count == 0 ? 1.0 : shares.Min());
    }
}
