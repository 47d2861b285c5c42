using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Parking.Bench.Postgres;

/// <summary>The baseline service (<see cref="BaselineService"/>) as a child process of the bench; disposing it kills it.</summary>
internal sealed class BaselineProcess : IAsyncDisposable
{
    /// <summary>The grant of a new household, in the silo and the baseline alike: large, so the bench's residents stay solvent.</summary>
    public const string Grant = "10000000";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;

    private BaselineProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Cpu = new ProcessCpu(process);
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public ProcessCpu Cpu { get; }

    /// <summary>Starts this program again in <c>serve-baseline</c> mode with server GC (as the silo, an ASP.NET Core app, has).</summary>
    public static async Task<BaselineProcess> StartAsync(string connectionString, string signingKey, CancellationToken cancellationToken)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(BaselineProcess).Assembly.Location);
        start.ArgumentList.Add(BaselineService.Command);
        start.Environment[BaselineService.UrlVariable] = baseAddress.ToString().TrimEnd('/');
        start.Environment[BaselineService.ConnectionVariable] = connectionString;
        start.Environment[BaselineService.KeyVariable] = signingKey;
        start.Environment[BaselineService.GrantVariable] = BaselineProcess.Grant;
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the baseline service.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"[baseline] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var baseline = new BaselineProcess(process, baseAddress);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The baseline service exited with code {process.ExitCode} before it was ready.");
                }

                if (clock.Elapsed > ReadyTimeout)
                {
                    throw new TimeoutException($"The baseline service was not ready within {ReadyTimeout.TotalSeconds:0} s.");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        Console.WriteLine($"Baseline service ready on {baseAddress} after {clock.Elapsed.TotalSeconds:0.0} s (pid {process.Id}).");
                        return baseline;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Slow while starting.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
        catch
        {
            await baseline.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ChildProcesses.StopAsync(_process, "baseline service");
        }
        finally
        {
            Cpu.Dispose();
            _process.Dispose();
        }
    }
}
