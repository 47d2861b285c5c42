using System.Collections.Concurrent;
using System.Diagnostics;
using Parking.Contracts;

namespace Parking.Bench;

/// <summary>What the bench knows and holds for its whole life: the API, the signed-in users, the layout.</summary>
internal sealed record BenchContext(
    BenchOptions Options,
    ParkingApi Api,
    ProcessCpu? Server,
    Credential[] Residents,
    Credential[] Staff,
    LotSummaryDto[] Lots,
    BookingPlan Plan)
{
    /// <summary>Every host of the cluster under test (the first is <see cref="Api"/>); the push phase uses them all.</summary>
    public IReadOnlyList<ParkingApi> Hosts { get; init; } = [Api];
}

/// <summary>The reservation phase's figures and the confirmed reservations behind them.</summary>
internal sealed record ReservationPhaseResult(LoadResult Load, IReadOnlyCollection<Confirmed> Confirmed);

/// <summary>Result of looking for double bookings in the lots' occupancy.</summary>
internal sealed record BookingCheck(int Lots, int Spaces, int HeldWindows, int Overlaps, int Checked, int Missing, IReadOnlyList<string> Examples)
{
    public bool Passed => Overlaps == 0 && Missing == 0;

    public override string ToString() =>
        $"{(Passed ? "PASS" : "FAIL")}: {Lots} lots, {Spaces} spaces, {HeldWindows} held windows, {Overlaps} overlapping pairs; {Checked - Missing} of {Checked} confirmed reservations held"
        + (Examples.Count > 0 ? $" (e.g. {string.Join("; ", Examples)})" : string.Empty);
}

/// <summary>The two closed-loop HTTP phases, the double-booking check and the cleanup.</summary>
internal static class HttpPhases
{
    /// <summary>Availability searches with varied windows, kinds and buildings; only 200s count.</summary>
    public static Task<LoadResult> SearchAsync(BenchContext context, TimeSpan duration, int seed, CancellationToken cancellationToken)
    {
        var concurrency = context.Options.Concurrency;
        var randoms = Enumerable.Range(0, concurrency).Select(w => new Random(seed * 7919 + w)).ToArray();
        var sent = new long[concurrency];
        return ClosedLoop.RunAsync(
            concurrency,
            duration,
            context.Server,
            async (worker, ct) =>
            {
                var query = SearchMix.Next(randoms[worker], context.Plan.Origin, context.Plan.Slots);
                var user = context.Residents[(int)((worker + (sent[worker]++ * concurrency)) % context.Residents.Length)];
                return new Attempt(await context.Api.SearchAsync(user, query, ct));
            },
            cancellationToken);
    }

    /// <summary>Reservations of distinct (space, window) pairs by many residents; 201 and 409 counted apart.</summary>
    public static async Task<ReservationPhaseResult> ReserveAsync(BenchContext context, TimeSpan duration, CancellationToken cancellationToken)
    {
        var concurrency = context.Options.Concurrency;
        var confirmed = new ConcurrentQueue<Confirmed>();
        var sent = new long[concurrency];
        var load = await ClosedLoop.RunAsync(
            concurrency,
            duration,
            context.Server,
            async (worker, ct) =>
            {
                if (!context.Plan.TryNext(out var booking))
                {
                    return null;
                }

                var resident = context.Residents[(int)((worker + (sent[worker]++ * concurrency)) % context.Residents.Length)];
                var (outcome, id, problem) = await context.Api.ReserveAsync(resident, booking, ct);
                if (outcome == RequestOutcome.Ok && id is not null)
                {
                    confirmed.Enqueue(new Confirmed(booking, id, resident));
                }

                return new Attempt(outcome, problem);
            },
            cancellationToken);
        return new ReservationPhaseResult(load, confirmed);
    }

    /// <summary>
    /// Reads the live occupancy of every lot (staff token) and checks that no space holds two
    /// overlapping windows, and that every reservation confirmed by this phase is held on its space.
    /// </summary>
    public static async Task<BookingCheck> CheckDoubleBookingsAsync(BenchContext context, IReadOnlyCollection<Confirmed> confirmed, CancellationToken cancellationToken)
    {
        int spaces = 0, held = 0, overlaps = 0, missing = 0;
        var examples = new List<string>();
        var windowsBySpace = new Dictionary<string, IReadOnlyList<TimeWindowDto>>(StringComparer.Ordinal);
        foreach (var lot in context.Lots)
        {
            var occupancy = await context.Api.GetOccupancyAsync(context.Staff[0], lot.LotId, cancellationToken);
            foreach (var space in occupancy.Spaces)
            {
                spaces++;
                held += space.Held.Count;
                windowsBySpace[space.SpaceId] = space.Held;
                var ordered = space.Held.OrderBy(w => w.Start).ToArray();
                for (var i = 1; i < ordered.Length; i++)
                {
                    if (ordered[i].Start < ordered[i - 1].End)
                    {
                        overlaps++;
                        if (examples.Count < 3)
                        {
                            examples.Add($"{space.SpaceId} {ordered[i - 1].Start:O}..{ordered[i - 1].End:O} overlaps {ordered[i].Start:O}..{ordered[i].End:O}");
                        }
                    }
                }
            }
        }

        foreach (var reservation in confirmed)
        {
            var booking = reservation.Booking;
            var isHeld = windowsBySpace.TryGetValue(booking.SpaceId, out var windows)
                && windows.Any(w => w.Start == booking.Start && w.End == booking.End);
            if (!isHeld)
            {
                missing++;
                if (examples.Count < 6)
                {
                    examples.Add($"{reservation.ReservationId} not held");
                }
            }
        }

        return new BookingCheck(context.Lots.Length, spaces, held, overlaps, confirmed.Count, missing, examples);
    }

    /// <summary>Cancels the given reservations (staff token), so the next phases see calendars of the same size.</summary>
    public static async Task<(int Cancelled, int Failed, TimeSpan Elapsed)> CancelAsync(BenchContext context, IReadOnlyCollection<Confirmed> confirmed, CancellationToken cancellationToken)
    {
        int cancelled = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        // Each driver cancels their own: a few staff accounts cancelling thousands would be held back by the per-user
        // rate limit (429), leaving the bookings in place for the next run.
        await Parallel.ForEachAsync(
            confirmed.Select(c => (c.ReservationId, c.Driver)),
            new ParallelOptions { MaxDegreeOfParallelism = context.Options.Concurrency, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                bool done;
                try
                {
                    done = await context.Api.CancelAsync(item.Driver, item.ReservationId, ct);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    done = false;
                }

                if (done)
                {
                    Interlocked.Increment(ref cancelled);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            });
        return (cancelled, failed, clock.Elapsed);
    }
}
