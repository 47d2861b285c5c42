using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Parking.Domain.Layout;

namespace Parking.Bench.Postgres;

/// <summary>
/// Where the requests go: every space alike, or 90% of them to 10% of the spaces (each reservation followed by nine
/// searches); or reservations alone, on every space alike, which is what the write ceiling is set against.
/// </summary>
internal enum Workload
{
    Uniform,
    HotSpot,
    Alone,
}

/// <summary>The implementation under test.</summary>
internal enum PathKind
{
    Grain,
    Baseline,
}

/// <summary>A service speaking the silo's HTTP API, and its process for the CPU split.</summary>
internal sealed record Target(PathKind Path, ParkingApi Api, ProcessCpu Cpu);

/// <summary>The figures of one kind of request in a mixed phase.</summary>
internal sealed record KindStats(long Ok, long Conflicts, long Failed, LatencySummary Latency, IReadOnlyDictionary<string, long> Problems)
{
    public long Decided => Ok + Conflicts;
}

/// <summary>One mixed phase of one path and workload, and the double-booking check after it.</summary>
internal sealed record MixedResult(
    PathKind Path,
    Workload Workload,
    int Run,
    TimeSpan Elapsed,
    KindStats Reservations,
    KindStats Searches,
    CpuUse Cpu,
    double PostgresShare,
    long DoubleBookings,
    long MissingConfirmed,
    string Check)
{
    /// <summary>Reservation requests decided (201 created or 409 taken) per second.</summary>
    public double ReservationsPerSecond => Reservations.Decided / Elapsed.TotalSeconds;

    public double CreatedPerSecond => Reservations.Ok / Elapsed.TotalSeconds;

    public double SearchesPerSecond => Searches.Ok / Elapsed.TotalSeconds;

    /// <summary>Everything busy less the bench, the server under test and PostgreSQL.</summary>
    public double Others => double.IsNaN(Cpu.Machine) ? double.NaN : Math.Max(0, Cpu.Machine - Cpu.Client - Cpu.Server - PostgresShare);
}

/// <summary>
/// The mixed workload: each worker sends one reservation, then nine availability searches, and again
/// (<see cref="Workload.Alone"/>: reservations only).
/// A reservation asks for a random space (uniform, or 90% of the time one of the 10% "hot" spaces) and
/// a window of 30 minutes to 2 hours inside a one-day band; searches ask for windows inside the same
/// band (length, kind and building at random). Each (workload, run) has its own band, and both paths
/// get the same seeds, so they answer the same request streams on equally empty calendars.
/// </summary>
internal sealed class MixedLoad(CompoundLayout layout, DateTimeOffset now)
{
    public const int SearchesPerReservation = 9;
    public const int BandSlots = 48;
    private const double HotSpaceShare = 0.10;
    private const double HotRequestShare = 0.90;
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan[] SearchLengths = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4)];
    private static readonly string?[] Kinds = [null, null, null, null, "standard", "standard", "ev", "accessible", "visitor"];

    private readonly (string LotId, string SpaceId)[] _spaces = Shuffled(layout);
    private readonly int _hot = Math.Max(1, (int)Math.Round(layout.SpaceCount * HotSpaceShare));
    private readonly string[] _buildings = [.. layout.Buildings.Select(b => b.Id)];

    /// <summary>The first band starts on the half hour at least two hours ahead, so every window stays in the future.</summary>
    public DateTimeOffset Origin { get; } = new(
        (now + TimeSpan.FromHours(2)).UtcDateTime.Ticks - ((now + TimeSpan.FromHours(2)).UtcDateTime.Ticks % Slot.Ticks) + Slot.Ticks, TimeSpan.Zero);

    public int HotSpaces => _hot;

    public int Spaces => _spaces.Length;

    public static int Band(Workload workload, int run, int runs) => ((int)workload * (runs + 1)) + run;

    public static int Seed(Workload workload, int run) => 1000 + ((int)workload * 100) + run;

    public async Task<(MixedResult Result, IReadOnlyCollection<Confirmed> Confirmed)> RunAsync(
        Target target, Credential[] residents, Workload workload, int run, int runs, int concurrency, TimeSpan duration, PostgresCpu postgres, CancellationToken cancellationToken)
    {
        var band = Band(workload, run, runs);
        var seed = Seed(workload, run);
        var randoms = Enumerable.Range(0, concurrency).Select(w => new Random((seed * 7919) + w)).ToArray();
        var sent = new long[concurrency];
        var reserveLatency = Enumerable.Range(0, concurrency).Select(_ => new LatencyRecorder()).ToArray();
        var searchLatency = Enumerable.Range(0, concurrency).Select(_ => new LatencyRecorder()).ToArray();
        var reserveProblems = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var searchProblems = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var confirmed = new ConcurrentQueue<Confirmed>();
        long reserved = 0, conflicts = 0, reserveFailed = 0, searched = 0, searchFailed = 0;
        var cycle = workload == Workload.Alone ? 1 : SearchesPerReservation + 1;

        GC.Collect();
        var pgBefore = postgres.Read();
        var pgClock = Stopwatch.StartNew();
        var load = await ClosedLoop.RunAsync(
            concurrency,
            duration,
            target.Cpu,
            async (worker, ct) =>
            {
                var random = randoms[worker];
                var n = sent[worker]++;
                var user = residents[(int)((worker + (n * concurrency)) % residents.Length)];
                var started = Stopwatch.GetTimestamp();
                if (n % cycle == 0)
                {
                    var booking = NextReservation(random, workload, band);
                    RequestOutcome outcome;
                    string? problem;
                    try
                    {
                        (outcome, var id, problem) = await target.Api.ReserveAsync(user, booking, ct);
                        if (outcome == RequestOutcome.Ok && id is not null)
                        {
                            confirmed.Enqueue(new Confirmed(booking, id, user));
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                    {
                        (outcome, problem) = (RequestOutcome.Failed, exception.GetType().Name);
                    }

                    reserveLatency[worker].Record(Stopwatch.GetTimestamp() - started);
                    switch (outcome)
                    {
                        case RequestOutcome.Ok:
                            Interlocked.Increment(ref reserved);
                            break;
                        case RequestOutcome.Conflict:
                            Interlocked.Increment(ref conflicts);
                            break;
                        default:
                            Interlocked.Increment(ref reserveFailed);
                            break;
                    }

                    if (outcome == RequestOutcome.Failed && problem is not null)
                    {
                        reserveProblems.AddOrUpdate(problem, 1, (_, c) => c + 1);
                    }

                    return new Attempt(outcome, problem);
                }

                RequestOutcome searchOutcome;
                try
                {
                    searchOutcome = await target.Api.SearchAsync(user, NextSearch(random, band), ct);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    searchOutcome = RequestOutcome.Failed;
                    searchProblems.AddOrUpdate(exception.GetType().Name, 1, (_, c) => c + 1);
                }

                searchLatency[worker].Record(Stopwatch.GetTimestamp() - started);
                if (searchOutcome == RequestOutcome.Ok)
                {
                    Interlocked.Increment(ref searched);
                }
                else
                {
                    Interlocked.Increment(ref searchFailed);
                }

                return new Attempt(searchOutcome);
            },
            cancellationToken);
        var pgShare = WriteCeiling.Share(postgres.Read() - pgBefore, pgClock.Elapsed);

        var result = new MixedResult(
            target.Path,
            workload,
            run,
            load.Elapsed,
            new KindStats(reserved, conflicts, reserveFailed, LatencyRecorder.Summarize(reserveLatency), reserveProblems),
            new KindStats(searched, 0, searchFailed, LatencyRecorder.Summarize(searchLatency), searchProblems),
            load.Cpu,
            pgShare,
            DoubleBookings: 0,
            MissingConfirmed: 0,
            Check: string.Empty);
        return (result, confirmed);
    }

    private Booking NextReservation(Random random, Workload workload, int band)
    {
        var index = workload == Workload.HotSpot
            ? random.NextDouble() < HotRequestShare ? random.Next(_hot) : _hot + random.Next(_spaces.Length - _hot)
            : random.Next(_spaces.Length);
        var (lotId, spaceId) = _spaces[index];
        var slots = random.Next(1, 5);
        var start = Origin + (TimeSpan.FromDays(1) * band) + (Slot * random.Next(BandSlots - slots + 1));
        return new Booking(lotId, spaceId, start, start + (Slot * slots));
    }

    private string NextSearch(Random random, int band)
    {
        var length = SearchLengths[random.Next(SearchLengths.Length)];
        var start = Origin + (TimeSpan.FromDays(1) * band) + (Slot * random.Next(BandSlots - (int)(length / Slot) + 1));
        var building = _buildings[random.Next(_buildings.Length)];
        return ParkingApi.SearchQuery(start, start + length, Kinds[random.Next(Kinds.Length)], building, limit: 10);
    }

    /// <summary>
    /// Every space anyone may book at any hour (private spaces only open inside sharing windows) in a fixed
    /// shuffled order; the first 10% are the hot ones (so they fall in every lot).
    /// </summary>
    private static (string LotId, string SpaceId)[] Shuffled(CompoundLayout layout)
    {
        (string, string)[] spaces = [.. layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership != SpaceOwnership.Private).Select(s => (s.LotId, s.SpaceId)).OrderBy(s => s.SpaceId, StringComparer.Ordinal)];
        new Random(11).Shuffle(spaces);
        return spaces;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Spaces} spaces, hot set {HotSpaces} spaces taking {HotRequestShare:P0} of the hot-spot reservations; windows 30 min to 2 h inside one-day bands from {Origin:u}");
}
