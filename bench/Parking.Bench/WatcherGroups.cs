using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace Parking.Bench;

/// <summary>
/// One watcher to connect: which host's hub (index into <see cref="WatcherPlan.Hubs"/>), as whom, watching which lot,
/// and whether it reads the server's stage times of its changes (a sample of the watchers does).
/// </summary>
internal sealed record WatcherSeat(int Hub, string UserId, string Token, string LotId, bool Stages = true);

/// <summary>The watchers one group holds, the hubs they connect to, and whether they speak MessagePack instead of JSON.</summary>
internal sealed record WatcherPlan(Uri[] Hubs, WatcherSeat[] Seats, bool MessagePack);

/// <summary>How a group's connections went: connected watchers per lot, failures, and the first few errors.</summary>
internal sealed record ConnectReport(Dictionary<string, long> WatchersPerLot, int Failures, List<string> Errors)
{
    public long Connected => WatchersPerLot.Values.Sum();
}

/// <summary>Garbage collections of a process between the window's opening and its closing.</summary>
internal sealed record GcTally(int Gen0, int Gen1, int Gen2, double PauseMilliseconds)
{
    public static readonly GcTally None = new(0, 0, 0, 0);

    public static GcTally Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);

    public GcTally Since(GcTally before) => new(Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, PauseMilliseconds - before.PauseMilliseconds);

    public GcTally Plus(GcTally other) => new(Gen0 + other.Gen0, Gen1 + other.Gen1, Gen2 + other.Gen2, PauseMilliseconds + other.PauseMilliseconds);
}

/// <summary>What a group's watchers received while the window was open.</summary>
internal sealed record WatcherTally(LatencyRecorder Latencies, LatencyRecorder Handled, PushStageRecorder Stages, long Delivered, long Messages, int Lost, GcTally Gc);

/// <summary>
/// Watchers held together (in the bench's process, or in one child process): connected, told when to start
/// counting, asked how many changes arrived, and closed for their samples.
/// </summary>
internal interface IWatcherGroup : IAsyncDisposable
{
    Task<ConnectReport> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Counts changes committed from <paramref name="from"/> on; returns once the group counts them.</summary>
    Task OpenAsync(DateTimeOffset from, CancellationToken cancellationToken);

    Task<long> DeliveredAsync(CancellationToken cancellationToken);

    /// <summary>Stops counting and hands over every sample recorded since <see cref="OpenAsync"/>.</summary>
    Task<WatcherTally> CloseAsync(CancellationToken cancellationToken);
}

/// <summary>Watchers in this process (the bench's own, or a watcher child's).</summary>
internal sealed class LocalWatchers(WatcherPlan plan) : IWatcherGroup
{
    private const int ConnectParallelism = 32;
    private const int KeptErrors = 3;

    private readonly PushWindow _window = new();
    private readonly ConcurrentBag<Watcher> _watchers = [];
    private GcTally _gcAtOpen = GcTally.None;

    public async Task<ConnectReport> ConnectAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        var errors = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(
            plan.Seats,
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (seat, ct) =>
            {
                try
                {
                    _watchers.Add(await Watcher.ConnectAsync(plan.Hubs[seat.Hub], new Credential(seat.UserId, seat.Token), seat.LotId, seat.Stages, _window, plan.MessagePack, ct));
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref failures) <= KeptErrors)
                    {
                        errors.Enqueue($"a client of {seat.LotId} on {plan.Hubs[seat.Hub]} could not connect: {exception.GetType().Name}: {exception.Message}");
                    }
                }
            });
        var perLot = _watchers.GroupBy(w => w.LotId).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        return new ConnectReport(perLot, failures, [.. errors]);
    }

    public Task OpenAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        _gcAtOpen = GcTally.Now();
        _window.Open(from);
        return Task.CompletedTask;
    }

    public Task<long> DeliveredAsync(CancellationToken cancellationToken) => Task.FromResult(_watchers.Sum(w => w.Delivered));

    public Task<WatcherTally> CloseAsync(CancellationToken cancellationToken)
    {
        _window.Close();
        var gc = GcTally.Now().Since(_gcAtOpen);
        var latencies = new LatencyRecorder();
        foreach (var sample in LatencyRecorder.Gather(_watchers.Select(w => w.Latencies)))
        {
            latencies.Record(sample);
        }

        var handled = new LatencyRecorder();
        foreach (var sample in LatencyRecorder.Gather(_watchers.Select(w => w.Handled)))
        {
            handled.Record(sample);
        }

        var stages = new PushStageRecorder();
        foreach (var sample in PushStageRecorder.Gather(_watchers.Select(w => w.Stages)))
        {
            stages.Record(sample);
        }

        return Task.FromResult(new WatcherTally(latencies, handled, stages, _watchers.Sum(w => w.Delivered), _watchers.Sum(w => w.Messages), _watchers.Count(w => w.Lost), gc));
    }

    public async ValueTask DisposeAsync()
    {
        _window.Close();
        await Parallel.ForEachAsync(_watchers, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism }, async (w, _) => await w.DisposeAsync());
    }
}

/// <summary>
/// The messages between the bench and a watcher child: the child reads commands on its standard input (the plan as
/// one JSON line first, then <c>open TICKS</c>, <c>count</c>, <c>close FILE</c>, <c>stop</c>) and answers each on its
/// standard output with a line starting <see cref="Prefix"/>. Samples go through a file: at 1,000 watchers a run
/// holds hundreds of thousands of them.
/// </summary>
internal static class WatcherWire
{
    public const string Command = "watchers";
    public const string Prefix = "@@";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The answer line <paramref name="kind"/> with an optional payload.</summary>
    public static string Answer(string kind, string? payload = null) => payload is null ? $"{Prefix}{kind}" : $"{Prefix}{kind} {payload}";

    public static void WriteSamples(string path, WatcherTally tally)
    {
        using var writer = new BinaryWriter(File.Create(path));
        foreach (var recorder in new[] { tally.Latencies, tally.Handled })
        {
            var latencies = LatencyRecorder.Gather([recorder]);
            writer.Write(latencies.Count);
            foreach (var ticks in latencies)
            {
                writer.Write(LatencySummary.ToMilliseconds(ticks));
            }
        }

        var stages = PushStageRecorder.Gather([tally.Stages]);
        writer.Write(stages.Count);
        foreach (var s in stages)
        {
            writer.Write(s.Total);
            writer.Write(s.Lot);
            writer.Write(s.Window);
            writer.Write(s.ToHost);
            writer.Write(s.Hub);
            writer.Write(s.Wire);
            writer.Write(s.Parse);
        }
    }

    public static (LatencyRecorder Latencies, LatencyRecorder Handled, PushStageRecorder Stages) ReadSamples(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var latencies = new LatencyRecorder();
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            latencies.RecordMilliseconds(reader.ReadDouble());
        }

        var handled = new LatencyRecorder();
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            handled.RecordMilliseconds(reader.ReadDouble());
        }

        var stages = new PushStageRecorder();
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            stages.Record(new PushStageSample(reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle()));
        }

        return (latencies, handled, stages);
    }
}

/// <summary>What a child reports when it closes, beside the samples in the file.</summary>
internal sealed record ChildTally(long Delivered, long Messages, int Lost, GcTally Gc);

/// <summary>
/// The hidden sub-command <c>watchers --parent PID</c>: the watchers of one child process. It ends by itself when the
/// bench says stop, when its standard input closes, or when the bench's process is gone.
/// </summary>
internal static class WatcherChild
{
    private static readonly TimeSpan ParentCheck = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count != 3 || args[1] != "--parent" || !int.TryParse(args[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parentId))
        {
            await Console.Error.WriteLineAsync($"usage: {WatcherWire.Command} --parent PID (started by the bench itself)");
            return 2;
        }

        // Bounded by the bench's life: stdin closes when it ends, and this check covers a bench killed with its pipe held elsewhere.
        using var watchParent = new Timer(_ => { if (!IsRunning(parentId)) { Environment.Exit(3); } }, null, ParentCheck, ParentCheck);

        var planLine = await Console.In.ReadLineAsync();
        if (planLine is null)
        {
            return 0;
        }

        var plan = JsonSerializer.Deserialize<WatcherPlan>(planLine, WatcherWire.Json) ?? throw new InvalidOperationException("Empty watcher plan.");
        await using var group = new LocalWatchers(plan);
        using var cancel = new CancellationTokenSource();
        var report = await group.ConnectAsync(cancel.Token);
        Console.WriteLine(WatcherWire.Answer("ready", JsonSerializer.Serialize(report, WatcherWire.Json)));

        while (await Console.In.ReadLineAsync() is { } line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var (verb, argument) = space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..]);
            switch (verb)
            {
                case "open":
                    await group.OpenAsync(new DateTimeOffset(long.Parse(argument, CultureInfo.InvariantCulture), TimeSpan.Zero), cancel.Token);
                    Console.WriteLine(WatcherWire.Answer("opened"));
                    break;
                case "count":
                    Console.WriteLine(WatcherWire.Answer("count", (await group.DeliveredAsync(cancel.Token)).ToString(CultureInfo.InvariantCulture)));
                    break;
                case "close":
                    var tally = await group.CloseAsync(cancel.Token);
                    WatcherWire.WriteSamples(argument, tally);
                    Console.WriteLine(WatcherWire.Answer("closed", JsonSerializer.Serialize(new ChildTally(tally.Delivered, tally.Messages, tally.Lost, tally.Gc), WatcherWire.Json)));
                    break;
                case "stop":
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"unknown command '{verb}'");
                    return 2;
            }
        }

        return 0;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>The bench's side of one watcher child: a process of this very assembly running <see cref="WatcherChild"/>.</summary>
internal sealed class WatcherProcess : IWatcherGroup
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly int _index;
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _errors = new();

    private WatcherProcess(Process process, int index)
    {
        _process = process;
        _index = index;
    }

    public int ProcessId => _process.Id;

    /// <summary>Starts child <paramref name="index"/> with the watcher GC settings and hands it its plan.</summary>
    public static WatcherProcess Start(int index, WatcherPlan plan, WatcherGc gc, int gen0Megabytes)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(WatcherProcess).Assembly.Location);
        start.ArgumentList.Add(WatcherWire.Command);
        start.ArgumentList.Add("--parent");
        start.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        WatcherGcSettings.Apply(start.Environment, gc, gen0Megabytes);

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a watcher process.");
        var child = new WatcherProcess(process, index);
        process.OutputDataReceived += (_, e) => child.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                child._errors.Enqueue(line);
                Console.Error.WriteLine($"    [watchers {index}] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.AutoFlush = true;
        process.StandardInput.WriteLine(JsonSerializer.Serialize(plan, WatcherWire.Json));
        return child;
    }

    public async Task<ConnectReport> ConnectAsync(CancellationToken cancellationToken) =>
        JsonSerializer.Deserialize<ConnectReport>(await AnswerAsync("ready", ConnectTimeout, cancellationToken), WatcherWire.Json)
        ?? throw new InvalidOperationException($"Watcher process {_index} sent an empty report.");

    public async Task OpenAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        await SendAsync(string.Create(CultureInfo.InvariantCulture, $"open {from.UtcTicks}"));
        await AnswerAsync("opened", AnswerTimeout, cancellationToken);
    }

    public async Task<long> DeliveredAsync(CancellationToken cancellationToken)
    {
        await SendAsync("count");
        return long.Parse(await AnswerAsync("count", AnswerTimeout, cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<WatcherTally> CloseAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"parking-bench-watchers-{Environment.ProcessId}-{_index}-{Guid.NewGuid():N}.bin");
        try
        {
            await SendAsync($"close {path}");
            var tally = JsonSerializer.Deserialize<ChildTally>(await AnswerAsync("closed", AnswerTimeout, cancellationToken), WatcherWire.Json)
                ?? throw new InvalidOperationException($"Watcher process {_index} sent an empty tally.");
            var (latencies, handled, stages) = WatcherWire.ReadSamples(path);
            return new WatcherTally(latencies, handled, stages, tally.Delivered, tally.Messages, tally.Lost, tally.Gc);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync("stop");
                _process.StandardInput.Close();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidOperationException)
        {
            // A child that does not end by itself is killed below.
        }
        finally
        {
            await ChildProcesses.StopAsync(_process, $"watcher process {_index}");
            _process.Dispose();
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            _answers.Writer.TryComplete();
        }
        else if (line.StartsWith(WatcherWire.Prefix, StringComparison.Ordinal))
        {
            _answers.Writer.TryWrite(line[WatcherWire.Prefix.Length..]);
        }
        else
        {
            Console.WriteLine($"    [watchers {_index}] {line}");
        }
    }

    private Task SendAsync(string command) => _process.StandardInput.WriteLineAsync(command);

    /// <summary>The payload of the next answer, which must be <paramref name="kind"/>.</summary>
    private async Task<string> AnswerAsync(string kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        string line;
        try
        {
            line = await _answers.Reader.ReadAsync(limit.Token);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"Watcher process {_index} (pid {_process.Id}) ended before answering '{kind}': {string.Join(" | ", _errors.TakeLast(5))}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Watcher process {_index} (pid {_process.Id}) did not answer '{kind}' within {timeout.TotalSeconds:0} s.");
        }

        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var (answered, payload) = space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..]);
        return answered == kind
            ? payload
            : throw new InvalidOperationException($"Watcher process {_index} answered '{answered}' where '{kind}' was awaited.");
    }
}
