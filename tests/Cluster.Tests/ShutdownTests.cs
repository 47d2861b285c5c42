using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Parking.Cluster.Tests.Infrastructure;
using Parking.Testing;
using Xunit;

namespace Parking.Cluster.Tests;

/// <summary>
/// Ctrl+C on the README's first command stops the platform in order. The real silo process on its embedded default,
/// with its simulated OCPP chargers connected and charging plans made by CP-SAT, gets SIGINT as a terminal sends it,
/// and must leave cleanly: exit code 0, every grain deactivated, nothing unhandled. Two faults made it fail: CP-SAT took
/// over SIGINT and aborted the process (<c>std::bad_function_call</c>), and the web server waited its whole stop
/// timeout for the chargers' sockets, which the OCPP host closed only after it, then the stop crashed.
/// </summary>
public class ShutdownTests
{
    [Fact]
    public async Task Ctrl_C_stops_the_silo_in_order_with_chargers_connected_and_plans_made()
    {
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Next()}/"));
        // `env --default-signal=INT`: a shell that starts a job in the background makes it ignore SIGINT, as a test
        // runner may; a terminal's foreground process does not, and that is the case under test.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloProcess.AssemblyPath)!,
        };
        foreach (var argument in new[] { "--default-signal=INT", "dotnet", SiloProcess.AssemblyPath, "--urls", address.ToString().TrimEnd('/') })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Parking__Seed__Size"] = "Small";
        start.Environment["Parking__Cluster__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Parking__Cluster__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Parking.Api.Ocpp"] = "Debug";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";

        var output = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(240);
            var ready = false;
            while (DateTimeOffset.UtcNow < deadline && !process.HasExited
                && !(ready && output.Any(l => l.Contains("connected", StringComparison.Ordinal) && l.Contains("Charge point", StringComparison.Ordinal))
                    && output.Any(l => l.Contains("Planned charging area", StringComparison.Ordinal))))
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    ready |= response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                }

                await Task.Delay(500);
            }

            Assert.True(ready, $"the silo never became ready:\n{Tail(output)}");
            Assert.Contains(output, l => l.Contains("Planned charging area", StringComparison.Ordinal));
            Assert.Contains(output, l => l.Contains("Charge point", StringComparison.Ordinal) && l.Contains("connected", StringComparison.Ordinal));

            using (var signal = Process.Start(new ProcessStartInfo("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await signal.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(wait.Token);
            process.WaitForExit();

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after Ctrl+C:\n{Tail(output)}");
            Assert.DoesNotContain(output, l => l.Contains("Unhandled exception", StringComparison.Ordinal) || l.Contains("bad_function_call", StringComparison.Ordinal));
            Assert.DoesNotContain(output, l => l.Contains("failed to deactivate promptly", StringComparison.Ordinal) || l.Contains("non-graceful", StringComparison.Ordinal));
            Assert.Contains(output, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static string Tail(ConcurrentQueue<string> output) =>
        string.Join('\n', output.TakeLast(60).Select(l => l.Length > 300 ? l[..300] + " ..." : l));
}
