using System.Diagnostics;
using System.Globalization;

namespace Parking.Bench;

/// <summary>
/// Samples of one worker (or one client), recorded while others record theirs into their own recorders and gathered
/// after the phase: latencies (<see cref="LatencyRecorder"/>) or a push's stage times.
/// </summary>
internal abstract class Recorder<T>
{
    private readonly List<T> _samples = new(capacity: 4096);
    private readonly Lock _lock = new();

    public void Record(T sample)
    {
        lock (_lock)
        {
            _samples.Add(sample);
        }
    }

    /// <summary>What was recorded since the last drain, forgotten here.</summary>
    public List<T> Drain()
    {
        lock (_lock)
        {
            var taken = new List<T>(_samples);
            _samples.Clear();
            return taken;
        }
    }

    /// <summary>Every sample of the recorders, kept in each.</summary>
    public static List<T> Gather(IEnumerable<Recorder<T>> recorders)
    {
        ArgumentNullException.ThrowIfNull(recorders);
        var all = new List<T>();
        foreach (var recorder in recorders)
        {
            lock (recorder._lock)
            {
                all.AddRange(recorder._samples);
            }
        }

        return all;
    }
}

/// <summary>Latencies of one worker (or one client), in Stopwatch ticks; merged after the phase.</summary>
internal sealed class LatencyRecorder : Recorder<long>
{
    public void RecordMilliseconds(double milliseconds) =>
        Record((long)(milliseconds * Stopwatch.Frequency / 1000.0));

    public static LatencySummary Summarize(IEnumerable<LatencyRecorder> recorders) => LatencySummary.From(Gather(recorders));
}

/// <summary>Percentiles of a set of latencies (nearest rank on the sorted samples), in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double Mean, double P50, double P90, double P99, double Max)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencySummary From(List<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return Empty;
        }

        ticks.Sort();
        var mean = ticks.Average(t => ToMilliseconds(t));
        return new LatencySummary(
            ticks.Count,
            mean,
            ToMilliseconds(Percentile(ticks, 0.50)),
            ToMilliseconds(Percentile(ticks, 0.90)),
            ToMilliseconds(Percentile(ticks, 0.99)),
            ToMilliseconds(ticks[^1]));
    }

    /// <summary>Nearest-rank percentile: the smallest sample with at least q of all samples at or below it.</summary>
    public static long Percentile(IReadOnlyList<long> sorted, double q)
    {
        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

internal static class Medians
{
    /// <summary>The median of the values that are numbers; NaN when there are none.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>The CPU time of other processes (the silo, or the silos of one cluster), summed and read on demand.</summary>
internal sealed class ProcessCpu : IDisposable
{
    private readonly Process[] _processes;

    public ProcessCpu(params Process[] processes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(processes.Length);
        _processes = processes;
        ProcessId = processes[0].Id;
    }

    /// <summary>The first process's id.</summary>
    public int ProcessId { get; }

    /// <summary>CPU time the processes have used so far (all their threads); null once one of them has exited.</summary>
    public TimeSpan? Read()
    {
        var total = TimeSpan.Zero;
        foreach (var process in _processes)
        {
            try
            {
                process.Refresh();
                if (process.HasExited)
                {
                    return null;
                }

                total += process.TotalProcessorTime;
            }
            catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        return total;
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }
}

/// <summary>CPU used by the bench, by the silo and by the whole machine (Linux: /proc/stat) at one instant.</summary>
internal readonly record struct CpuSample(TimeSpan Wall, TimeSpan Client, TimeSpan? Server, (long Busy, long Total)? Machine)
{
    public static CpuSample Take(ProcessCpu? server) => Take(server, helpers: null);

    /// <param name="helpers">The bench's own child processes (watchers), counted with the bench.</param>
    public static CpuSample Take(ProcessCpu? server, ProcessCpu? helpers)
    {
        using var self = Process.GetCurrentProcess();
        var wall = TimeSpan.FromSeconds(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency);
        return new CpuSample(wall, self.TotalProcessorTime + (helpers?.Read() ?? TimeSpan.Zero), server?.Read(), ReadMachine());
    }

    public static CpuUse Between(CpuSample before, CpuSample after)
    {
        var capacity = (after.Wall - before.Wall).TotalSeconds * Environment.ProcessorCount;
        if (capacity <= 0)
        {
            return new CpuUse(double.NaN, double.NaN, double.NaN);
        }

        var client = (after.Client - before.Client).TotalSeconds / capacity;
        var server = before.Server is { } s0 && after.Server is { } s1 && s1 >= s0 ? (s1 - s0).TotalSeconds / capacity : double.NaN;
        var machine = before.Machine is { } m0 && after.Machine is { } m1 && m1.Total > m0.Total
            ? (double)(m1.Busy - m0.Busy) / (m1.Total - m0.Total)
            : double.NaN;
        return new CpuUse(client, server, machine);
    }

    /// <summary>Busy and total jiffies of all cores, from the first line of /proc/stat; null where there is none.</summary>
    private static (long Busy, long Total)? ReadMachine()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            // user nice system idle iowait irq softirq steal (guest time is already in user).
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Sum();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            return (total - idle, total);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>Shares of all the machine's cores used by the bench client, by the silo, and by everything (machine).</summary>
internal readonly record struct CpuUse(double Client, double Server, double Machine)
{
    /// <summary>What other processes on the machine used: everything less the bench and the silo.</summary>
    public double Others => Math.Max(0, Machine - Client - (double.IsNaN(Server) ? 0 : Server));

    public override string ToString()
    {
        var text = $"CPU of {Environment.ProcessorCount} cores: bench {Client:P0}, silo {(double.IsNaN(Server) ? "n/a" : Server.ToString("P0", CultureInfo.InvariantCulture))}";
        return double.IsNaN(Machine) ? text : text + $", other processes {Others:P0}, idle {Math.Max(0, 1 - Machine):P0}";
    }
}
