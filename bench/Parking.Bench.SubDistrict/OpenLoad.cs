using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parking.Contracts;

namespace Parking.Bench.SubDistrict;

/// <summary>A resident the load books and searches as, with their token.</summary>
internal sealed record Driver(string CompoundId, string UserId, string? BuildingId, string Token);

/// <summary>A space any resident may book (common or temporary, not a visitor space), in its compound.</summary>
internal sealed record BookableSpace(int Compound, string LotId, string SpaceId);

/// <summary>A reservation the API acknowledged (2xx): what must still be there after the kill.</summary>
internal sealed record Acknowledged(Driver Driver, string Id, string LotId, string SpaceId, DateTimeOffset Start, DateTimeOffset End, long AnsweredTicks);

internal enum RequestKind
{
    Booking,
    Search,
}

/// <summary>One request of the load: when it was due, sent and answered (Stopwatch ticks from the load's start), and how.</summary>
internal readonly record struct Sample(RequestKind Kind, long Due, long Sent, long Answered, int Silo, string Outcome, bool Ok, int Attempts)
{
    public double LatencyMs => (Answered - Sent) * 1000.0 / Stopwatch.Frequency;

    public double LagMs => (Sent - Due) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>
/// An open-loop load at a fixed rate: request n is due at n / (rate × (1 + searches)) seconds after the start and is
/// sent then whatever the answers to earlier ones (no request waits for another); every (1 + searches)-th request is a
/// booking, the others availability searches. Bookings take distinct (space, 30-minute window) slots spread over every
/// compound's bookable spaces, so a refusal can only come from a failure, never from a competing booking; searches ask
/// a random compound for varied windows, kinds and nearest buildings. Search n goes to silo n mod silos, booking b to silo b mod silos (and on to the
/// next on failure: <see cref="SiloClient"/>). At <see cref="KillAt"/> the load calls the kill action once and goes on.
/// Requests beyond <see cref="MaxInFlight"/> outstanding are not sent and counted, so a load the machine cannot carry
/// shows as such instead of queueing without bound.
/// </summary>
internal sealed class OpenLoad(
    SiloClient client,
    IReadOnlyList<IReadOnlyList<Driver>> drivers,
    IReadOnlyList<BookableSpace> spaces,
    IReadOnlyList<string> compoundIds,
    double bookingsPerSecond,
    int searchesPerBooking)
{
    public const int MaxInFlight = 20_000;

    private static readonly TimeSpan[] Lengths = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(9)];
    private static readonly string?[] Kinds = [null, null, null, "standard", "standard", "ev", "accessible"];
    private const int SearchStartSlots = (14 * 48) - 20;

    /// <summary>How many distinct searches the load builds before it starts and then sends in turn.</summary>
    private const int PreparedSearches = 8192;

    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentQueue<Acknowledged> _acknowledged = new();
    private readonly DateTimeOffset _origin = NextHour(DateTimeOffset.UtcNow).AddHours(1);
    private int _inFlight;
    private long _notSent;
    private long _bookings = -1;
    private PreparedSearch[]? _searches;

    public IReadOnlyCollection<Sample> Samples => _samples;

    public IReadOnlyCollection<Acknowledged> Acknowledged => _acknowledged;

    /// <summary>Requests due but not sent because <see cref="MaxInFlight"/> were outstanding.</summary>
    public long NotSent => Interlocked.Read(ref _notSent);

    /// <summary>When, from the load's start, the kill action runs; null: never.</summary>
    public TimeSpan? KillAt { get; init; }

    /// <summary>The kill, in Stopwatch ticks from the load's start (once it ran).</summary>
    public long? KilledTicks { get; private set; }

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Runs the load for <paramref name="duration"/>, then waits for the answers still outstanding (up to a minute).</summary>
    public async Task RunAsync(TimeSpan duration, Func<Task> kill, CancellationToken cancellationToken)
    {
        _searches ??= PrepareSearches();
        var perRequest = 1.0 / (bookingsPerSecond * (1 + searchesPerBooking));
        var total = (long)(duration.TotalSeconds / perRequest);
        var start = Stopwatch.GetTimestamp();
        var killDue = KillAt is { } at ? Ticks(at) : long.MaxValue;
        Task? killing = null;
        var running = new List<Task>();
        long n = 0;
        while (n < total && !cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp() - start;
            if (killing is null && now >= killDue)
            {
                KilledTicks = now;
                killing = Task.Run(kill, CancellationToken.None);
            }

            var due = Math.Min(total, (long)(now / (double)Stopwatch.Frequency / perRequest) + 1);
            for (; n < due; n++)
            {
                var dueTicks = (long)(n * perRequest * Stopwatch.Frequency);
                if (Volatile.Read(ref _inFlight) >= MaxInFlight)
                {
                    Interlocked.Increment(ref _notSent);
                    continue;
                }

                Interlocked.Increment(ref _inFlight);
                var task = n % (1 + searchesPerBooking) == 0 ? BookAsync(n, start, dueTicks, cancellationToken) : SearchAsync(n, start, dueTicks, cancellationToken);
                running.Add(task);
            }

            if (running.Count > 50_000)
            {
                running.RemoveAll(t => t.IsCompleted);
            }

            await Task.Delay(1, CancellationToken.None);
        }

        using var drain = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await Task.WhenAll(running).WaitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine($"  {Volatile.Read(ref _inFlight)} requests still unanswered a minute after the load ended; left out");
        }

        if (killing is not null)
        {
            await killing;
        }
    }

    private async Task BookAsync(long n, long start, long due, CancellationToken cancellationToken)
    {
        try
        {
            var b = Interlocked.Increment(ref _bookings);
            var space = spaces[(int)(b % spaces.Count)];
            var slot = b / spaces.Count;
            var windowStart = _origin.AddMinutes(30 * slot);
            var pool = drivers[space.Compound];
            var driver = pool[(int)(slot + b) % pool.Count];
            var sent = Stopwatch.GetTimestamp() - start;
            // Booking b to silo b mod silos (not request n's): with searches per booking a multiple of silos less one,
            // n mod silos would send every booking to the same silo.
            var answer = await client.SendAsync(
                (int)(b % client.Silos.Count),
                HttpMethod.Post,
                $"/api/compounds/{driver.CompoundId}/reservations",
                driver.Token,
                JsonSerializer.SerializeToUtf8Bytes(new ReserveRequest(space.SpaceId, windowStart, windowStart.AddMinutes(30), null), SiloClient.Json),
                string.Create(CultureInfo.InvariantCulture, $"sub-{b}"),
                keepBody: true,
                TimeSpan.FromSeconds(30),
                cancellationToken);
            var answered = Stopwatch.GetTimestamp() - start;
            _samples.Enqueue(new Sample(RequestKind.Booking, due, sent, answered, answer.Silo, answer.Outcome, answer.Ok, answer.Attempts));
            if (answer.Ok)
            {
                using var json = JsonDocument.Parse(answer.Body);
                var id = json.RootElement.GetProperty("id").GetString()!;
                _acknowledged.Enqueue(new Acknowledged(driver, id, space.LotId, space.SpaceId, windowStart, windowStart.AddMinutes(30), answered));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task SearchAsync(long n, long start, long due, CancellationToken cancellationToken)
    {
        try
        {
            var search = _searches![(int)(n % PreparedSearches)];
            var sent = Stopwatch.GetTimestamp() - start;
            var answer = await client.SendAsync(
                (int)(n % client.Silos.Count),
                HttpMethod.Get,
                search.Path,
                search.Token,
                json: null,
                idempotencyKey: null,
                keepBody: false,
                TimeSpan.FromSeconds(30),
                cancellationToken);
            _samples.Enqueue(new Sample(RequestKind.Search, due, sent, Stopwatch.GetTimestamp() - start, answer.Silo, answer.Outcome, answer.Ok, answer.Attempts));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// The searches the load sends in turn, built before it starts so that sending one costs the bench no more than
    /// the request itself: a random compound, one of its residents, a window over the next two weeks of varied length,
    /// sometimes a kind, the resident's building as the nearest one.
    /// </summary>
    private PreparedSearch[] PrepareSearches()
    {
        var random = new Random(7919);
        var searches = new PreparedSearch[PreparedSearches];
        for (var i = 0; i < searches.Length; i++)
        {
            var compound = random.Next(compoundIds.Count);
            var pool = drivers[compound];
            var driver = pool[random.Next(pool.Count)];
            var windowStart = _origin.AddMinutes(30 * random.Next(SearchStartSlots));
            var windowEnd = windowStart + Lengths[random.Next(Lengths.Length)];
            var query = string.Create(
                CultureInfo.InvariantCulture,
                $"start={Uri.EscapeDataString(windowStart.ToString("O", CultureInfo.InvariantCulture))}&end={Uri.EscapeDataString(windowEnd.ToString("O", CultureInfo.InvariantCulture))}&limit=10");
            if (Kinds[random.Next(Kinds.Length)] is { } kind)
            {
                query += "&kind=" + kind;
            }

            if (driver.BuildingId is { } building)
            {
                query += "&nearBuilding=" + Uri.EscapeDataString(building);
            }

            searches[i] = new PreparedSearch($"/api/compounds/{compoundIds[compound]}/availability?{query}", driver.Token);
        }

        return searches;
    }

    private sealed record PreparedSearch(string Path, string Token);

    private static DateTimeOffset NextHour(DateTimeOffset now) =>
        new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
}
