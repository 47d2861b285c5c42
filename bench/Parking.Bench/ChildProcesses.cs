using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Parking.Bench;

/// <summary>What both benches do with the processes they start and with their own: stop cleanly.</summary>
internal static class ChildProcesses
{
    /// <summary>Kills a child process and its children, waiting up to 15 s; reports instead of throwing.</summary>
    public static async Task StopAsync(Process process, string name)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException or Win32Exception)
        {
            Console.Error.WriteLine($"Could not stop the {name} (pid {process.Id}): {exception.Message}");
        }
    }

    /// <summary>
    /// Cancels <paramref name="cancel"/> on Ctrl+C or SIGTERM instead of ending the process, so the bench
    /// still stops what it started. Dispose the result to stop listening.
    /// </summary>
    public static IDisposable CancelOnInterrupt(CancellationTokenSource cancel)
    {
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            cancel.Cancel();
        });
    }
}
