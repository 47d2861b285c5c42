using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Parking.Bench;

/// <summary>
/// The silo under test, started by the bench as a child process: the Release build of src/Silo on free
/// loopback ports, with a limit on active reservations high enough for a load test. Disposing it kills it.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private const int MaxActivePerResident = 1_000_000;
    private const int KeptOutputLines = 40;
    /// <summary>How long a starting silo may take to answer /health/ready (a bench on a loaded machine may allow more).</summary>
    public static TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(120);

    private static string? _built;

    /// <summary>A directory each silo's whole output is also written to (one file per silo); null: only the last lines are kept.</summary>
    public static string? LogDirectory { get; set; }

    private StreamWriter? _log;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private SiloProcess(Process process, Uri baseAddress, int siloPort)
    {
        _process = process;
        SiloPort = siloPort;
        ProcessId = process.Id;
        BaseAddress = baseAddress;
        Cpu = new ProcessCpu(process);
    }

    public Uri BaseAddress { get; }

    public int ProcessId { get; }

    /// <summary>The Orleans silo port it listens on (an override in the environment wins), as its membership row records it.</summary>
    public int SiloPort { get; }

    /// <summary>The silo's CPU time, for the CPU split of each phase.</summary>
    public ProcessCpu Cpu { get; }

    /// <summary>The silo's process, for its memory.</summary>
    public Process Process => _process;

    /// <summary>The repository root: the nearest directory, from the current one up, holding Parking.sln.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Parking.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Parking.sln in '{Environment.CurrentDirectory}' or above it: run the bench from inside the repository, or pass --url.");
    }

    /// <summary>Starts silos from <paramref name="siloDll"/> (a built Parking.Silo.dll) instead of building src/Silo.</summary>
    public static void UseBuild(string siloDll) => _built = siloDll;

    public static Task<SiloProcess> StartAsync(string repositoryRoot, CancellationToken cancellationToken) =>
        StartAsync(repositoryRoot, new Dictionary<string, string>(), "in-memory storage", cancellationToken);

    /// <param name="environment">Extra environment variables for the silo (e.g. a connection string); they win over the defaults.</param>
    /// <param name="storage">How the silo stores its state, for the start line.</param>
    public static Task<SiloProcess> StartAsync(
        string repositoryRoot,
        IReadOnlyDictionary<string, string> environment,
        string storage,
        CancellationToken cancellationToken) =>
        StartAsync(repositoryRoot, environment, storage, [], cancellationToken);

    /// <param name="arguments">Command-line arguments for the silo before its settings (e.g. <c>import FILE...</c>).</param>
    public static async Task<SiloProcess> StartAsync(
        string repositoryRoot,
        IReadOnlyDictionary<string, string> environment,
        string storage,
        IReadOnlyList<string> arguments,
        CancellationToken cancellationToken)
    {
        // Built once per bench: a second silo (--compare-settlement) runs the very same build.
        var dll = _built ??= await BuildAsync(repositoryRoot, cancellationToken);
        var (httpPort, siloPort, gatewayPort) = FreePorts();
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}"));

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var variables = start.Environment;
        variables["ASPNETCORE_ENVIRONMENT"] = "Production";
        variables["DOTNET_ENVIRONMENT"] = "Production";
        variables["Urls"] = baseAddress.ToString().TrimEnd('/');
        variables["Parking__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        variables["Parking__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        variables["Parking__Cluster__ClusterId"] = string.Create(CultureInfo.InvariantCulture, $"parking-bench-{Environment.ProcessId}-{siloPort}");
        variables["Parking__Reservations__MaxActivePerResident"] = MaxActivePerResident.ToString(CultureInfo.InvariantCulture);
        variables["Parking__Auth__DevTokens"] = "true";
        // Every booking is charged to the ledger as in production, but the bench's residents book thousands
        // of windows: a large grant keeps them solvent. The simulated chargers and shelters stay off so they
        // add no load of their own.
        variables["Parking__Credits__Grant"] = "10000000";
        variables["Parking__Simulation__Chargers"] = "false";
        variables["Parking__Simulation__Shelters"] = "false";
        variables["Parking__Simulation__Gate"] = "false";
        variables["Logging__LogLevel__Default"] = "Warning";
        // Each lot change a watcher gets carries the server's stage times, so the push phase can split its latency.
        variables["Parking__Hub__StageTimes"] = "true";
        variables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        Console.WriteLine($"Starting silo: dotnet {dll}{(arguments.Count > 0 ? $" {arguments[0]} ({arguments.Count - 1} more arguments)" : "")} on {baseAddress} (silo port {siloPort}, gateway {gatewayPort}, MaxActivePerResident={MaxActivePerResident}, {storage})");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        var silo = new SiloProcess(process, baseAddress, int.Parse(variables["Parking__Cluster__SiloPort"]!, CultureInfo.InvariantCulture));
        if (LogDirectory is { } logs)
        {
            Directory.CreateDirectory(logs);
            silo._log = new StreamWriter(Path.Combine(logs, string.Create(CultureInfo.InvariantCulture, $"silo-{process.Id}.log")), append: true) { AutoFlush = true };
        }

        process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await silo.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ChildProcesses.StopAsync(_process, "silo");
        }
        finally
        {
            _process.Dispose();
            lock (_outputLock)
            {
                _log?.Dispose();
                _log = null;
            }
        }
    }

    /// <summary>
    /// The first line the silo writes (stdout or stderr) from now on that <paramref name="match"/> accepts; a
    /// <see cref="TimeoutException"/> with the recent output after <paramref name="timeout"/>, and an error if the silo exits first.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_outputLock)
        {
            _waiters.Add((match, seen));
        }

        var clock = Stopwatch.StartNew();
        while (!seen.Task.IsCompleted)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with code {_process.ExitCode}:\n{RecentOutput()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The silo wrote no awaited line within {timeout.TotalSeconds:0} s:\n{RecentOutput()}");
            }

            await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return await seen.Task;
    }

    /// <summary>Builds src/Silo in Release (retrying when a concurrent build holds a file) and returns its dll.</summary>
    private static async Task<string> BuildAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        const int Attempts = 3;
        var project = Path.Combine(repositoryRoot, "src", "Silo");
        for (var attempt = 1; ; attempt++)
        {
            Console.WriteLine($"Building {project} (Release)...");
            var build = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = repositoryRoot,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "build", project, "-c", "Release", "--nologo", "-v", "q" })
            {
                build.ArgumentList.Add(argument);
            }

            using var process = Process.Start(build) ?? throw new InvalidOperationException("Could not start dotnet build.");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode == 0)
            {
                break;
            }

            var output = await stdout + await stderr;
            if (attempt == Attempts)
            {
                throw new InvalidOperationException($"dotnet build of the silo failed (exit {process.ExitCode}):\n{output}");
            }

            Console.WriteLine($"Build failed (attempt {attempt}, maybe a concurrent build holds a file); retrying in 5 s.");
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        }

        var bin = Path.Combine(project, "bin", "Release");
        return Directory.EnumerateFiles(bin, "Parking.Silo.dll", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}publish{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"The build left no Parking.Silo.dll under {bin}.");
    }

    /// <summary>Three distinct free loopback ports, all held at once while chosen so none repeats.</summary>
    private static (int Http, int Silo, int Gateway) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with code {_process.ExitCode} before it was ready:\n{RecentOutput()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Console.WriteLine($"Silo ready after {clock.Elapsed.TotalSeconds:0.0} s (pid {_process.Id}).");
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow answer while the silo starts.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new TimeoutException($"The silo was not ready within {ReadyTimeout.TotalSeconds:0} s:\n{RecentOutput()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _log?.WriteLine(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Seen.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }

            _output.Enqueue(line);
            while (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>The last lines the silo wrote (stdout and stderr), for a failure message.</summary>
    public string RecentOutput()
    {
        lock (_outputLock)
        {
            return string.Join('\n', _output);
        }
    }
}
