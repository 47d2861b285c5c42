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
        await using var silo = EmbeddedSilo.Start(
            start =>
            {
                start.ArgumentList.Add("--urls");
                start.ArgumentList.Add(address.ToString().TrimEnd('/'));
                start.Environment["Logging__LogLevel__Parking.Api.Ocpp"] = "Debug";
            },
            "env", "--default-signal=INT");
        var (process, output) = (silo.Process, silo.Output);
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

        Assert.True(ready, $"the silo never became ready:\n{silo.Tail()}");
        Assert.Contains(output, l => l.Contains("Planned charging area", StringComparison.Ordinal));
        Assert.Contains(output, l => l.Contains("Charge point", StringComparison.Ordinal) && l.Contains("connected", StringComparison.Ordinal));

        await CtrlCAsync(process);

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after Ctrl+C:\n{silo.Tail()}");
        Assert.DoesNotContain(output, l => l.Contains("Unhandled exception", StringComparison.Ordinal) || l.Contains("bad_function_call", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains("failed to deactivate promptly", StringComparison.Ordinal) || l.Contains("non-graceful", StringComparison.Ordinal));
        Assert.Contains(output, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
    }

    /// <summary>
    /// Ctrl+C while the silo is still starting is a stop, not a crash. Before, the host's start, cancelled by the
    /// stop, escaped <c>Main</c> and the process aborted (exit 134, "Unhandled exception"). To hold the silo in its
    /// start for as long as the test needs, it is pointed at a primary silo that is not there: it opens its own silo
    /// port, then waits to join a cluster it cannot reach.
    /// </summary>
    [Fact]
    public async Task Ctrl_C_while_the_silo_is_starting_stops_it_cleanly()
    {
        var siloPort = FreePorts.Next();
        await using var silo = EmbeddedSilo.Start(
            start =>
            {
                start.ArgumentList.Add("--urls");
                start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Next()}"));
                start.Environment["Parking__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
                start.Environment["Parking__Cluster__PrimarySiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            },
            "env", "--default-signal=INT");
        var process = silo.Process;

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(240);
        var starting = false;
        while (!starting && DateTimeOffset.UtcNow < deadline && !process.HasExited)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, siloPort);
                starting = true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(starting, $"the silo never opened its silo port:\n{silo.Tail()}");
        Assert.DoesNotContain(silo.Output, l => l.Contains("Parking is listening on", StringComparison.Ordinal));

        await CtrlCAsync(process);

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after Ctrl+C while starting:\n{silo.Tail()}");
        Assert.DoesNotContain(silo.Output, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
        Assert.Contains(silo.Output, l => l.Contains("Parking stopped before it was ready", StringComparison.Ordinal));
    }

    /// <summary>
    /// Ctrl+C the moment the silo is ready, while its simulated chargers, gate and shelters are still connecting and
    /// booking: the simulations stop as the host's stop begins, so none of their calls reaches the web server or the
    /// silo after that. Before, the gate posted to a web server already closed and the chargers called a silo already
    /// leaving its cluster, each failure logged as a warning with its stack ("Simulated gate step failed", placement's
    /// "No active nodes are compatible with grain ...").
    /// </summary>
    [Fact]
    public async Task Ctrl_C_as_soon_as_ready_stops_the_simulations_before_the_silo()
    {
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Next()}/"));
        await using var silo = EmbeddedSilo.Start(
            start =>
            {
                start.ArgumentList.Add("--urls");
                start.ArgumentList.Add(address.ToString().TrimEnd('/'));
                // Every simulated device ticks often, so that some call of each is due while the host stops.
                start.Environment["Parking__Simulation__GateTick"] = "00:00:00.2";
                start.Environment["Parking__Simulation__ChargerTick"] = "00:00:00.2";
            },
            "env", "--default-signal=INT");
        var (process, output) = (silo.Process, silo.Output);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(240);
        var ready = false;
        while (!ready && DateTimeOffset.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                ready = response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            if (!ready)
            {
                await Task.Delay(200);
            }
        }

        Assert.True(ready, $"the silo never became ready:\n{silo.Tail()}");
        await CtrlCAsync(process);

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after Ctrl+C:\n{silo.Tail()}");
        var stopAt = output.ToList().FindIndex(l => l.Contains("Application is shutting down", StringComparison.Ordinal));
        Assert.True(stopAt >= 0, $"no stop in the log:\n{silo.Tail()}");
        var afterStop = output.Skip(stopAt).ToList();
        Assert.DoesNotContain(afterStop, l => l.Contains("No active nodes are compatible", StringComparison.Ordinal));
        Assert.DoesNotContain(afterStop, l => l.Contains("Simulated", StringComparison.Ordinal) && (l.Contains("failed", StringComparison.Ordinal) || l.Contains("could not", StringComparison.Ordinal)));
    }

    /// <summary>SIGINT to the process, as a terminal's Ctrl+C sends it, then its exit (90 s at most).</summary>
    private static async Task CtrlCAsync(Process process)
    {
        using (var signal = Process.Start(new ProcessStartInfo("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await signal.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(wait.Token);
        process.WaitForExit();
    }
}
