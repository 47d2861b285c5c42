using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Contracts;

namespace Parking.Bench;

/// <summary>The push phase's figures.</summary>
internal sealed record PushResult(
    int Clients,
    int Connected,
    int ConnectFailures,
    TimeSpan ConnectTime,
    double TargetRate,
    TimeSpan Elapsed,
    LoadResult Reservations,
    long Skipped,
    long Expected,
    long Delivered,
    LatencySummary Push,
    int Lost,
    IReadOnlyCollection<Confirmed> Confirmed,
    long Messages = 0,
    PushStages? Stages = null)
{
    public double DeliveriesPerSecond => Elapsed > TimeSpan.Zero ? Delivered / Elapsed.TotalSeconds : double.NaN;

    public double Completeness => Expected > 0 ? (double)Delivered / Expected : double.NaN;
}

/// <summary>
/// Which pushes count: only while recording, and only changes committed after the phase started (so
/// nothing left over from an earlier phase is measured).
/// </summary>
internal sealed class PushWindow
{
    private long _fromUtcTicks = long.MaxValue;

    public void Open(DateTimeOffset from) => Volatile.Write(ref _fromUtcTicks, from.UtcTicks);

    public void Close() => Volatile.Write(ref _fromUtcTicks, long.MaxValue);

    public bool Accepts(DateTimeOffset changedAt) => changedAt.UtcTicks >= Volatile.Read(ref _fromUtcTicks);
}

/// <summary>One SignalR client watching one lot; it times every lot change it receives (they come in LotChanges batches).</summary>
internal sealed class Watcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly PushWindow _window;
    private long _delivered;
    private long _messages;
    private volatile bool _closing;

    private Watcher(HubConnection connection, string lotId, PushWindow window)
    {
        _connection = connection;
        _window = window;
        LotId = lotId;
        _connection.On<LotChangeDto[]>(nameof(IParkingClient.LotChanges), OnLotChanges);
        _connection.Closed += _ =>
        {
            if (!_closing)
            {
                Lost = true;
            }

            return Task.CompletedTask;
        };
    }

    public string LotId { get; }

    public LatencyRecorder Latencies { get; } = new();

    /// <summary>The same deliveries split by stage, when the silo sends its stage times.</summary>
    public PushStageRecorder Stages { get; } = new();

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>LotChanges messages received (each holds one or more changes).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public bool Lost { get; private set; }

    public static async Task<Watcher> ConnectAsync(Uri baseAddress, Credential user, string lotId, PushWindow window, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, ParkingHub.Path), HttpTransportType.WebSockets, o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(user.Token);
                o.SkipNegotiation = true;
            })
            .Build();
        var watcher = new Watcher(connection, lotId, window);
        try
        {
            await connection.StartAsync(cancellationToken);
            await connection.InvokeAsync<LotOccupancyDto>(ParkingHub.WatchLot, ParkingApi.CompoundId, lotId, cancellationToken);
            return watcher;
        }
        catch
        {
            await watcher.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await _connection.DisposeAsync();
    }

    /// <summary>One lot's changes of one batch: each is timed, so waiting in the batch counts in its latency.</summary>
    private void OnLotChanges(LotChangeDto[] changes)
    {
        // Receive time minus the server's commit time, both read from this machine's clock.
        var received = DateTimeOffset.UtcNow;
        var counted = false;
        foreach (var change in changes)
        {
            // A lot's restart announcement (its rebuild under a new epoch) is no booking's change: not timed.
            if (change.IsRestart || !_window.Accepts(change.ChangedAt))
            {
                continue;
            }

            Latencies.RecordMilliseconds((received - change.ChangedAt).TotalMilliseconds);
            if (PushStageSample.From(change, received) is { } stages)
            {
                Stages.Record(stages);
            }

            Interlocked.Increment(ref _delivered);
            counted = true;
        }

        if (counted)
        {
            Interlocked.Increment(ref _messages);
        }
    }
}

/// <summary>
/// Push latency: many SignalR clients watch the lots (spread evenly), reservations are made at a steady
/// rate, and every lot change each client receives is timed from the server's commit time.
/// </summary>
internal static class PushPhase
{
    private const int ConnectParallelism = 32;
    private const int MaxInFlight = 64;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(2);

    public static async Task<PushResult> RunAsync(BenchContext context, TimeSpan duration, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var window = new PushWindow();
        var watchers = new ConcurrentBag<Watcher>();
        var connectFailures = 0;
        var connectClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Clients),
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var lot = context.Lots[i % context.Lots.Length].LotId;
                try
                {
                    watchers.Add(await Watcher.ConnectAsync(context.Api.BaseAddress, context.Staff[i % context.Staff.Length], lot, window, ct));
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref connectFailures) <= 3)
                    {
                        Console.WriteLine($"    client {i} could not connect: {exception.GetType().Name}: {exception.Message}");
                    }
                }
            });
        var connectTime = connectClock.Elapsed;
        Console.WriteLine($"    {watchers.Count} of {options.Clients} clients connected and watching in {connectTime.TotalSeconds:0.0} s");

        try
        {
            var watchersPerLot = watchers.GroupBy(w => w.LotId).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

            // Unmeasured pushes first, so that the clients' receive path is compiled and warm.
            var warmup = TimeSpan.FromSeconds(Math.Min(MaxWarmup.TotalSeconds, options.Warmup.TotalSeconds));
            var warmed = warmup > TimeSpan.Zero ? (await DriveAsync(context, warmup, watchersPerLot, cancellationToken)).Confirmed : [];
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            GC.Collect();

            window.Open(DateTimeOffset.UtcNow);
            var drive = await DriveAsync(context, duration, watchersPerLot, cancellationToken);

            // Let the last pushes arrive: until every expected delivery is in, or the drain times out.
            var drain = Stopwatch.StartNew();
            while (watchers.Sum(w => w.Delivered) < drive.Expected && drain.Elapsed < DrainTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }

            window.Close();
            var delivered = watchers.Sum(w => w.Delivered);
            return new PushResult(
                options.Clients,
                watchers.Count,
                connectFailures,
                connectTime,
                options.PushRate,
                drive.Load.Elapsed,
                drive.Load,
                drive.Skipped,
                drive.Expected,
                delivered,
                LatencyRecorder.Summarize(watchers.Select(w => w.Latencies)),
                watchers.Count(w => w.Lost),
                [.. warmed, .. drive.Confirmed],
                watchers.Sum(w => w.Messages),
                PushStageRecorder.Summarize(watchers.Select(w => w.Stages)));
        }
        finally
        {
            window.Close();
            await Parallel.ForEachAsync(watchers, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism }, async (w, _) => await w.DisposeAsync());
        }
    }

    private sealed record Drive(LoadResult Load, long Skipped, long Expected, IReadOnlyCollection<Confirmed> Confirmed);

    /// <summary>Open loop: reservations start on schedule at the target rate, at most <see cref="MaxInFlight"/> at once.</summary>
    private static async Task<Drive> DriveAsync(BenchContext context, TimeSpan duration, IReadOnlyDictionary<string, long> watchersPerLot, CancellationToken cancellationToken)
    {
        var rate = context.Options.PushRate;
        var latencies = new LatencyRecorder();
        var confirmed = new ConcurrentQueue<Confirmed>();
        var problems = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long ok = 0, conflicts = 0, failed = 0, expected = 0, skipped = 0, issued = 0;
        var inFlight = 0;
        var tasks = new List<Task>();

        async Task ReserveOne(long n)
        {
            try
            {
                if (!context.Plan.TryNext(out var booking))
                {
                    return;
                }

                var resident = context.Residents[(int)(n % context.Residents.Length)];
                var started = Stopwatch.GetTimestamp();
                RequestOutcome outcome;
                string? problem;
                try
                {
                    (outcome, var id, problem) = await context.Api.ReserveAsync(resident, booking, cancellationToken);
                    if (outcome == RequestOutcome.Ok && id is not null)
                    {
                        Interlocked.Add(ref expected, watchersPerLot.GetValueOrDefault(booking.LotId));
                        confirmed.Enqueue(new Confirmed(booking, id, resident));
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    (outcome, problem) = (RequestOutcome.Failed, exception.GetType().Name);
                }

                latencies.Record(Stopwatch.GetTimestamp() - started);
                if (outcome == RequestOutcome.Ok)
                {
                    Interlocked.Increment(ref ok);
                }
                else if (outcome == RequestOutcome.Conflict)
                {
                    Interlocked.Increment(ref conflicts);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
                if (problem is not null)
                {
                    problems.AddOrUpdate(problem, 1, (_, c) => c + 1);
                }
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        var cpuBefore = CpuSample.Take(context.Server);
        var clock = Stopwatch.StartNew();
        using (var timer = new PeriodicTimer(Tick))
        {
            while (clock.Elapsed < duration)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                while (issued < due)
                {
                    issued++;
                    if (Volatile.Read(ref inFlight) >= MaxInFlight)
                    {
                        skipped++;
                        continue;
                    }

                    Interlocked.Increment(ref inFlight);
                    tasks.Add(ReserveOne(issued));
                }

                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }

        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var cpu = CpuSample.Between(cpuBefore, CpuSample.Take(context.Server));
        var load = new LoadResult(elapsed, ok, conflicts, failed, LatencyRecorder.Summarize([latencies]), problems, cpu);
        return new Drive(load, skipped, Interlocked.Read(ref expected), confirmed);
    }
}
