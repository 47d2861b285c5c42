using System.Diagnostics;
using System.Globalization;

namespace Parking.Bench;

/// <summary>
/// The garbage collector settings of a process that holds watchers (<c>--watcher-gc</c>, <c>--watcher-gen0-mb</c>).
/// The runtime reads them from the environment when a process starts (a gen0 budget cannot be set from the runtime
/// configuration file, nor once running), so they are given to the watcher children as they start and, when the
/// watchers stay in the bench's own process, to the bench itself by starting it again with them.
/// </summary>
internal static class WatcherGcSettings
{
    /// <summary>Set in the environment of a bench started again with the settings: it does not start itself once more.</summary>
    public const string Applied = "PARKING_BENCH_WATCHER_GC";

    /// <summary>Puts the settings into a process's environment.</summary>
    public static void Apply(IDictionary<string, string?> environment, WatcherGc gc, int gen0Megabytes)
    {
        environment["DOTNET_gcServer"] = gc == WatcherGc.Server ? "1" : "0";
        environment["DOTNET_gcConcurrent"] = gc == WatcherGc.NonConcurrent ? "0" : "1";
        if (gen0Megabytes > 0)
        {
            // The runtime reads GC settings from the environment as hexadecimal numbers.
            environment["DOTNET_GCgen0size"] = ((long)gen0Megabytes << 20).ToString("x", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Whether the bench should start again with the watchers' settings: its push phase keeps the watchers in this
    /// process, a budget is asked for, and this process was not already started with it.
    /// </summary>
    public static bool ShouldRestart(BenchOptions options) =>
        options.WatcherProcesses == 0
        && options.Phases.HasFlag(Phases.Push)
        && options.WatcherGen0Megabytes > 0
        && Environment.GetEnvironmentVariable(Applied) is null;

    /// <summary>
    /// Runs this bench again, with the same arguments and its output on this console, under the watchers' settings;
    /// answers its exit code. Ctrl+C reaches both (one process group); on SIGTERM this process stops it and all it started.
    /// </summary>
    public static async Task<int> RestartAsync(IReadOnlyList<string> args, BenchOptions options)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(typeof(WatcherGcSettings).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Apply(start.Environment, options.WatcherGc, options.WatcherGen0Megabytes);
        start.Environment[Applied] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the bench again with the watchers' GC settings.");
        using var cancel = new CancellationTokenSource();
        using var interrupt = ChildProcesses.CancelOnInterrupt(cancel);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C went to the child as well and it stops by itself; SIGTERM came only here.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(grace.Token);
                return process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                await ChildProcesses.StopAsync(process, "bench");
                return 130;
            }
        }
    }
}
