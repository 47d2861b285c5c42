using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
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
    LatencySummary Handled,
    int Lost,
    IReadOnlyCollection<Confirmed> Confirmed,
    long Messages = 0,
    PushStages? Stages = null,
    WatcherGcFigures? Gc = null)
{
    public double DeliveriesPerSecond => Elapsed > TimeSpan.Zero ? Delivered / Elapsed.TotalSeconds : double.NaN;

    public double Completeness => Expected > 0 ? (double)Delivered / Expected : double.NaN;
}

/// <summary>The watchers' garbage collections while the window was open: summed over the processes holding them.</summary>
internal sealed record WatcherGcFigures(int Processes, GcTally Total, double LongestProcessPauseMilliseconds);

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

/// <summary>
/// What a watcher reads of a lot change (the wire's <c>LotChangeDto</c> without the space's picture, which the hub
/// protocol skips unread): its kind and when it was stored. The bench times pushes, so decoding each space's held
/// windows and labels, a thousand times per change, would be the watchers' own cost measured as the server's.
/// Public, as the MessagePack protocol builds its readers for public types only.
/// </summary>
public sealed record WatchedChange(string? Kind, DateTimeOffset ChangedAt)
{
    public bool IsRestart => Kind == LotChangeKinds.Restarted;
}

/// <summary>A lot change as a stage-sampling watcher reads it: also the server's stage times, when it sends them.</summary>
public sealed record TimedWatchedChange(string? Kind, DateTimeOffset ChangedAt, PushStageTimesDto? Times)
{
    public bool IsRestart => Kind == LotChangeKinds.Restarted;
}

/// <summary>
/// One SignalR client watching one lot; it times every lot change it receives (they come in LotChanges batches). A
/// sample of the watchers (<c>--stage-sample</c>) also reads each change's stage times; the rest read only its kind
/// and commit time, so that 1,000 clients on the server's cores cost as little per message as a real client can.
/// </summary>
internal sealed class Watcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly PushWindow _window;
    private readonly ReadStampingProtocol _reads;
    private long _delivered;
    private long _messages;
    private volatile bool _closing;

    private Watcher(HubConnection connection, ReadStampingProtocol reads, string lotId, bool stages, PushWindow window)
    {
        _connection = connection;
        _reads = reads;
        _window = window;
        LotId = lotId;
        if (stages)
        {
            _connection.On<TimedWatchedChange[]>(nameof(IParkingClient.LotChanges), OnTimedLotChanges);
        }
        else
        {
            _connection.On<WatchedChange[]>(nameof(IParkingClient.LotChanges), OnLotChanges);
        }

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

    /// <summary>Stored -> the message taken off the connection, before parsing (<see cref="ReadStampingProtocol"/>): the push's latency.</summary>
    public LatencyRecorder Latencies { get; } = new();

    /// <summary>Stored -> the watcher's handler, after parsing and the handler's turn: the watcher's own work included.</summary>
    public LatencyRecorder Handled { get; } = new();

    /// <summary>The same deliveries split by stage, when this watcher samples stages and the silo sends its stage times.</summary>
    public PushStageRecorder Stages { get; } = new();

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>LotChanges messages received (each holds one or more changes).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public bool Lost { get; private set; }

    /// <param name="stages">Read the stage times of each change (a sample of the watchers does).</param>
    /// <param name="messagePack">Speak the MessagePack hub protocol (the server offers it beside the web app's JSON).</param>
    public static async Task<Watcher> ConnectAsync(Uri baseAddress, Credential user, string lotId, bool stages, PushWindow window, bool messagePack, CancellationToken cancellationToken)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, ParkingHub.Path), HttpTransportType.WebSockets, o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(user.Token);
                o.SkipNegotiation = true;
            });
        // JSON or MessagePack, wrapped to note when each message is read; registered last, so the connection takes it
        // (the builder registers JSON first by itself).
        var reads = new ReadStampingProtocol(messagePack ? new MessagePackHubProtocol() : new JsonHubProtocol());
        builder.Services.AddSingleton<IHubProtocol>(reads);
        var watcher = new Watcher(builder.Build(), reads, lotId, stages, window);
        var connection = watcher._connection;
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
    private void OnLotChanges(WatchedChange[] changes)
    {
        // Read and handled times minus the server's commit time, all read from this machine's clock.
        var handled = DateTimeOffset.UtcNow;
        var read = _reads.TakeReadAt(handled);
        var counted = 0;
        foreach (var change in changes)
        {
            counted += Time(change.IsRestart, change.ChangedAt, read, handled) ? 1 : 0;
        }

        Count(counted);
    }

    /// <summary>As <see cref="OnLotChanges"/>, and each timed change's stages too.</summary>
    private void OnTimedLotChanges(TimedWatchedChange[] changes)
    {
        var handled = DateTimeOffset.UtcNow;
        var read = _reads.TakeReadAt(handled);
        var counted = 0;
        foreach (var change in changes)
        {
            if (!Time(change.IsRestart, change.ChangedAt, read, handled))
            {
                continue;
            }

            if (PushStageSample.From(change.ChangedAt, change.Times, read, handled) is { } stages)
            {
                Stages.Record(stages);
            }

            counted++;
        }

        Count(counted);
    }

    /// <summary>
    /// Records a change's latency unless it is a lot's restart announcement (its rebuild under a new epoch, no booking's
    /// change) or stored before the counting began; answers whether it was recorded.
    /// </summary>
    private bool Time(bool isRestart, DateTimeOffset changedAt, DateTimeOffset read, DateTimeOffset handled)
    {
        if (isRestart || !_window.Accepts(changedAt))
        {
            return false;
        }

        Latencies.RecordMilliseconds((read - changedAt).TotalMilliseconds);
        Handled.RecordMilliseconds((handled - changedAt).TotalMilliseconds);
        return true;
    }

    private void Count(int changes)
    {
        if (changes > 0)
        {
            Interlocked.Add(ref _delivered, changes);
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
    private const int MaxInFlight = 64;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the watchers of a run get unmeasured pushes before the counting starts. The first run's get as long as
    /// a measured run when the bench warms up at all: the bench's own warm-up (searches, reservations) never sends a push,
    /// so without it run 1 measured the silo's hub path and the watchers' receive path while the JIT still compiled and
    /// recompiled them (dotnet-counters on both processes: methods compiled every second through run 1 and into run 2,
    /// settled by run 3), whereas every later run had the runs before it as its warm-up. Later runs keep a short one.
    /// </summary>
    public static TimeSpan WarmupFor(BenchOptions options, int run) =>
        options.Warmup <= TimeSpan.Zero ? TimeSpan.Zero
        : run == 1 ? options.Duration
        : TimeSpan.FromSeconds(Math.Min(MaxWarmup.TotalSeconds, options.Warmup.TotalSeconds));

    public static async Task<PushResult> RunAsync(BenchContext context, TimeSpan duration, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var groups = StartGroups(context);
        ProcessCpu? helpers = null;
        try
        {
            var connectClock = Stopwatch.StartNew();
            var reports = await Task.WhenAll(groups.Select(g => g.ConnectAsync(cancellationToken)));
            var connectTime = connectClock.Elapsed;
            foreach (var error in reports.SelectMany(r => r.Errors).Take(3))
            {
                Console.WriteLine($"    {error}");
            }

            var connected = reports.Sum(r => r.Connected);
            var failures = reports.Sum(r => r.Failures);
            Console.WriteLine($"    {connected} of {options.Clients} clients connected and watching in {connectTime.TotalSeconds:0.0} s; {Where(options, context.Hosts.Count)}");
            var watchersPerLot = reports.SelectMany(r => r.WatchersPerLot)
                .GroupBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal);
            var children = groups.OfType<WatcherProcess>().ToList();
            helpers = children.Count > 0 ? new ProcessCpu([.. children.Select(c => Process.GetProcessById(c.ProcessId))]) : null;

            // Unmeasured pushes first, so that the silo's hub path and the clients' receive path are compiled and warm.
            if (warmup > TimeSpan.Zero)
            {
                Console.WriteLine($"    warming the push path for {warmup.TotalSeconds:0.#} s (not reported)");
            }

            var warmed = warmup > TimeSpan.Zero ? (await DriveAsync(context, warmup, watchersPerLot, helpers, cancellationToken)).Confirmed : [];
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            GC.Collect();

            var from = DateTimeOffset.UtcNow;
            await Task.WhenAll(groups.Select(g => g.OpenAsync(from, cancellationToken)));
            var drive = await DriveAsync(context, duration, watchersPerLot, helpers, cancellationToken);

            // Let the last pushes arrive: until every expected delivery is in, or the drain times out.
            var drain = Stopwatch.StartNew();
            while ((await Task.WhenAll(groups.Select(g => g.DeliveredAsync(cancellationToken)))).Sum() < drive.Expected && drain.Elapsed < DrainTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }

            var tallies = await Task.WhenAll(groups.Select(g => g.CloseAsync(cancellationToken)));
            return new PushResult(
                options.Clients,
                (int)connected,
                failures,
                connectTime,
                options.PushRate,
                drive.Load.Elapsed,
                drive.Load,
                drive.Skipped,
                drive.Expected,
                tallies.Sum(t => t.Delivered),
                LatencyRecorder.Summarize(tallies.Select(t => t.Latencies)),
                LatencyRecorder.Summarize(tallies.Select(t => t.Handled)),
                tallies.Sum(t => t.Lost),
                [.. warmed, .. drive.Confirmed],
                tallies.Sum(t => t.Messages),
                PushStageRecorder.Summarize(tallies.Select(t => t.Stages)),
                new WatcherGcFigures(children.Count, tallies.Aggregate(GcTally.None, (sum, t) => sum.Plus(t.Gc)), tallies.Max(t => t.Gc.PauseMilliseconds)));
        }
        finally
        {
            helpers?.Dispose();
            await Task.WhenAll(groups.Select(async g => await g.DisposeAsync()));
        }
    }

    /// <summary>Where the watchers live and which hubs they use, for the connect line.</summary>
    private static string Where(BenchOptions options, int hosts)
    {
        var gc = $"GC {options.WatcherGc.ToString().ToLowerInvariant()}, gen0 budget {(options.WatcherGen0Megabytes > 0 ? $"{options.WatcherGen0Megabytes} MB" : "the runtime's")}";
        var processes = options.WatcherProcesses == 0
            ? Environment.GetEnvironmentVariable(WatcherGcSettings.Applied) is null ? "in the bench's process (the runtime's GC settings)" : $"in the bench's process ({gc})"
            : $"in {options.WatcherProcesses} watcher processes ({gc})";
        var protocol = options.MessagePack ? ", MessagePack hub protocol" : string.Empty;
        return (hosts > 1 ? $"{processes}, spread over the hubs of {hosts} hosts" : processes) + protocol;
    }

    /// <summary>
    /// The watchers' seats: lots in turn, each lot's watchers spread over the hosts' hubs, and the seats dealt to
    /// <c>--watcher-processes</c> children in turn (or all kept in this process).
    /// </summary>
    private static IWatcherGroup[] StartGroups(BenchContext context)
    {
        var options = context.Options;
        var hubs = context.Hosts.Select(h => h.BaseAddress).ToArray();
        var lots = context.Lots.Length;
        var seats = Enumerable.Range(0, options.Clients)
            .Select(i =>
            {
                var staff = context.Staff[i % context.Staff.Length];
                // The i-th watcher of its lot is on hub (i % hubs); every StageSample-th of each lot on each hub reads stage times.
                var ofLot = i / lots;
                return new WatcherSeat(ofLot % hubs.Length, staff.UserId, staff.Token, context.Lots[i % lots].LotId, ofLot / hubs.Length % options.StageSample == 0);
            })
            .ToArray();
        if (options.WatcherProcesses == 0)
        {
            return [new LocalWatchers(new WatcherPlan(hubs, seats, options.MessagePack))];
        }

        var groups = new List<IWatcherGroup>();
        for (var k = 0; k < options.WatcherProcesses; k++)
        {
            var mine = seats.Where((_, i) => i % options.WatcherProcesses == k).ToArray();
            groups.Add(WatcherProcess.Start(k, new WatcherPlan(hubs, mine, options.MessagePack), options.WatcherGc, options.WatcherGen0Megabytes));
        }

        return [.. groups];
    }

    private sealed record Drive(LoadResult Load, long Skipped, long Expected, IReadOnlyCollection<Confirmed> Confirmed);

    /// <summary>Open loop: reservations start on schedule at the target rate, at most <see cref="MaxInFlight"/> at once.</summary>
    /// <param name="helpers">The watcher processes, whose CPU counts as the bench's.</param>
    private static async Task<Drive> DriveAsync(BenchContext context, TimeSpan duration, IReadOnlyDictionary<string, long> watchersPerLot, ProcessCpu? helpers, CancellationToken cancellationToken)
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

                // Through the hosts in turn: with two silos, half the changes start on each.
                var api = context.Hosts[(int)(n % context.Hosts.Count)];
                var started = Stopwatch.GetTimestamp();
                RequestOutcome outcome;
                string? problem;
                try
                {
                    (outcome, var id, problem) = await api.ReserveAsync(resident, booking, cancellationToken);
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

        var cpuBefore = CpuSample.Take(context.Server, helpers);
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
        var cpu = CpuSample.Between(cpuBefore, CpuSample.Take(context.Server, helpers));
        var load = new LoadResult(elapsed, ok, conflicts, failed, LatencyRecorder.Summarize([latencies]), problems, cpu);
        return new Drive(load, skipped, Interlocked.Read(ref expected), confirmed);
    }
}
