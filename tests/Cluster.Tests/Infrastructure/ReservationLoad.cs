using System.Collections.Concurrent;
using System.Globalization;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>
/// Distinct (space, 30-minute window) slots of the small demo compound: slot n is space n mod 40, the
/// (n div 40)-th half hour of the range, so no two requests ever compete for a
/// space and a refusal can only come from a failure, never from a conflict. Slots(after) starts the
/// first half hour <c>after</c> the next whole hour.
/// </summary>
public sealed class Slots
{
    public static readonly IReadOnlyList<string> Spaces =
    [
        .. Enumerable.Range(1, 28).Select(i => string.Create(CultureInfo.InvariantCulture, $"G1-{i:000}")),
        .. Enumerable.Range(1, 12).Select(i => string.Create(CultureInfo.InvariantCulture, $"T1-{i:000}")),
    ];

    private readonly DateTimeOffset _base;
    private int _next = -1;

    /// <param name="after">How far after the next whole hour the first slot starts (separate ranges never meet).</param>
    public Slots(TimeSpan after)
    {
        var now = DateTimeOffset.UtcNow;
        _base = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1) + after;
    }

    public static string LotOf(string spaceId) => spaceId[..spaceId.IndexOf('-', StringComparison.Ordinal)];

    /// <summary>The next free slot.</summary>
    public (string SpaceId, DateTimeOffset Start, DateTimeOffset End) Next()
    {
        var n = Interlocked.Increment(ref _next);
        var start = _base.AddMinutes(30 * (n / Spaces.Count));
        return (Spaces[n % Spaces.Count], start, start.AddMinutes(30));
    }

    /// <summary>One slot on every space; meant for a <see cref="Slots"/> of its own, which nothing else takes from at the same time.</summary>
    public IReadOnlyList<(string SpaceId, DateTimeOffset Start, DateTimeOffset End)> NextRound() =>
        [.. Enumerable.Range(0, Spaces.Count).Select(_ => Next())];
}

/// <summary>
/// A bounded load of reservations (several residents, distinct slots, every silo's URL in turn, an
/// Idempotency-Key per request, retried on another silo with the same key), recording every
/// acknowledged one and a tally of the final answers.
/// </summary>
public sealed class ReservationLoad(ParkingApi api, Slots slots, IReadOnlyList<string> residents, IReadOnlyList<Uri> silos)
{
    private readonly ConcurrentQueue<Acknowledged> _acknowledged = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly ConcurrentQueue<(DateTimeOffset Sent, DateTimeOffset Answered, bool Acknowledged)> _timings = new();
    private int _sent;

    public IReadOnlyCollection<Acknowledged> Acknowledged => _acknowledged;

    /// <summary>Final answers by kind ("201", "409 space-taken", "503 service-unavailable", "no answer"...).</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    /// <summary>Answers that no failure explains (400, 401, 403, 422): a bug in the test or the service.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    public int Sent => _sent;

    /// <summary>
    /// How the load went through a failure at <paramref name="failedAt"/>: the longest time without any
    /// acknowledged reservation from a second before it to the end of the load (the stall: when it ends,
    /// bookings flow again), and the slowest request (sent to final answer, retries included) among those
    /// in flight at or sent after it.
    /// </summary>
    public Stall StallAround(DateTimeOffset failedAt)
    {
        var timings = _timings.ToList();
        var from = failedAt.AddSeconds(-1);
        var acknowledged = timings.Where(t => t.Acknowledged).Select(t => t.Answered).Order().ToList();
        var previous = acknowledged.LastOrDefault(a => a <= from, from);
        var (gapStart, gapEnd) = (previous, previous);
        foreach (var at in acknowledged.Where(a => a > from))
        {
            if (at - previous > gapEnd - gapStart)
            {
                (gapStart, gapEnd) = (previous, at);
            }

            previous = at;
        }

        var around = timings.Where(t => t.Answered >= failedAt).ToList();
        var slowest = around.Count == 0 ? TimeSpan.Zero : around.Max(t => t.Answered - t.Sent);
        return new Stall(gapStart, gapEnd, slowest, acknowledged.Count(a => a > failedAt), timings.Count(t => !t.Acknowledged && t.Answered >= failedAt));
    }

    /// <summary>Runs <paramref name="workers"/> loops until <paramref name="stop"/> or <paramref name="maxRequests"/>, pausing <paramref name="pause"/> between requests.</summary>
    public Task RunAsync(int workers, int maxRequests, TimeSpan pause, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, maxRequests, pause, stop), CancellationToken.None)));

    private async Task WorkerAsync(int worker, int maxRequests, TimeSpan pause, CancellationToken stop)
    {
        var resident = residents[worker % residents.Count];
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _sent);
            if (n > maxRequests)
            {
                return;
            }

            var (spaceId, start, end) = slots.Next();
            var sent = DateTimeOffset.UtcNow;
            var attempt = await api.ReserveAsync(silos, n % silos.Count, resident, spaceId, start, end, $"load-{worker}-{n}", cancellationToken: stop);
            var kind = attempt.Status is { } status ? $"{(int)status}{(attempt.ProblemCode is { } code ? " " + code : "")}" : "no answer";
            _outcomes.AddOrUpdate(kind, 1, (_, c) => c + 1);
            _timings.Enqueue((sent, attempt.Reservation?.At ?? DateTimeOffset.UtcNow, attempt.Reservation is not null));
            if (attempt.Reservation is { } acknowledged)
            {
                _acknowledged.Enqueue(acknowledged);
            }
            else if (attempt.Status is { } refused && (int)refused is 400 or 401 or 403 or 422)
            {
                _unexpected.Enqueue($"{spaceId} {start:O}: {(int)refused} {attempt.Detail}");
            }

            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>The longest time without an acknowledged reservation around a failure, and the slowest request then.</summary>
public sealed record Stall(DateTimeOffset LastBefore, DateTimeOffset FlowingAgain, TimeSpan Slowest, int AcknowledgedAfter, int RefusedAfter)
{
    public TimeSpan Longest => FlowingAgain - LastBefore;

    public string Describe(DateTimeOffset failedAt) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"no reservation acknowledged for {Longest.TotalSeconds:F2} s (from {(LastBefore - failedAt).TotalSeconds:+0.00;-0.00} s to {(FlowingAgain - failedAt).TotalSeconds:+0.00;-0.00} s around the kill); slowest request answered after the kill {Slowest.TotalSeconds:F2} s; {AcknowledgedAfter} acknowledged and {RefusedAfter} not after the kill");
}
