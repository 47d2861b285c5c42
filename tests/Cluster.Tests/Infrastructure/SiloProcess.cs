using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Parking.Testing;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>
/// One real silo process (<c>dotnet Parking.Silo.dll</c>, the silo project's build output) on loopback
/// ports, on PostgreSQL, with the small demo compound, dev tokens on and the tests' signing key. Its
/// stdout and stderr go to a log file, whose tail <see cref="Tail"/> returns for failure messages.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>Base64 of 32 bytes, shared by every silo of a test, so they accept each other's tokens.</summary>
    public static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 11)).ToArray());

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();
    private bool _closed;

    private SiloProcess(string name, Process process, StreamWriter log, string logPath, Uri baseAddress, int siloPort)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        BaseAddress = baseAddress;
        SiloPort = siloPort;
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int SiloPort { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The silo's build output, next to the silo project (the test project builds it first).</summary>
    public static string AssemblyPath { get; } = typeof(SiloProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SiloAssembly").Value!;

    /// <param name="name">The silo's name in logs and messages.</param>
    /// <param name="connectionString">The cluster's database.</param>
    /// <param name="logDirectory">Where its log file goes.</param>
    /// <param name="arguments">The silo's command line (a command such as <c>export</c>); none runs it as a silo that serves.</param>
    public static SiloProcess Start(string name, string connectionString, string logDirectory, params string[] arguments)
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new InvalidOperationException($"Silo build output not found at {AssemblyPath}; build tests/Cluster.Tests (it builds src/Silo).");
        }

        var httpPort = FreePorts.Next();
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}/"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath)!,
        };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Parking"] = connectionString,
            ["Urls"] = baseAddress.ToString().TrimEnd('/'),
            ["Parking__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Parking__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Parking__Auth__DevTokens"] = "true",
            ["Parking__Auth__SigningKey"] = SigningKey,
            ["Parking__Seed__Size"] = "Small",
            ["Parking__Reservations__MaxActivePerResident"] = "100000",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
            ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        log.WriteLine($"--- {name}: dotnet {AssemblyPath} on {baseAddress} (silo port {siloPort}, gateway {gatewayPort})");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(name, process, log, logPath, baseAddress, siloPort);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (cluster joined, compound loaded).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow + timeout;
        var last = "no answer";
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready.\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                last = exception.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} not ready within {timeout.TotalSeconds} s (last: {last}).\n{Tail()}");
    }

    /// <summary>Waits for the process to end by itself (a command such as <c>export</c>) and returns its exit code; null if it did not within <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            Write($"--- {Name}: exited with {_process.ExitCode}");
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL to the process and its children (Process.Kill on Linux): no shutdown of any kind.</summary>
    public async Task KillAsync()
    {
        Write($"--- {Name}: SIGKILL from the test");
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, the host's graceful shutdown (the silo leaves the cluster); SIGKILL if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        Write($"--- {Name}: SIGTERM from the test");
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            Write($"--- {Name}: exited with {_process.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            Write($"--- {Name}: no exit within {timeout.TotalSeconds} s of SIGTERM; SIGKILL");
            await KillAsync();
        }
    }

    /// <summary>Every line of the log so far.</summary>
    public IReadOnlyList<string> LogLines()
    {
        lock (_logGate)
        {
            if (!_closed)
            {
                _log.Flush();
            }

            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n');
        }
    }

    /// <summary>The last lines of the log, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        string[] all;
        lock (_logGate)
        {
            if (!_closed)
            {
                _log.Flush();
            }

            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            all = reader.ReadToEnd().Split('\n');
        }

        // Orleans logs exceptions on one line with their stack traces: keep the start of each line.
        return $"--- tail of {LogPath}:\n" + string.Join('\n', all.TakeLast(lines).Select(l => l.Length > 400 ? l[..400] + " ..." : l));
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
        lock (_logGate)
        {
            _closed = true;
            _log.Dispose();
        }
    }
}
