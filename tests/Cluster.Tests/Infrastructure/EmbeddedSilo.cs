using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Parking.Testing;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>
/// The README's first command as a process: the silo on its embedded default (in-memory state, the small demo
/// compound, simulated devices) on free loopback ports, its stdout and stderr kept line by line in
/// <see cref="Output"/>. Disposing kills it if it is still running.
/// </summary>
public sealed class EmbeddedSilo : IAsyncDisposable
{
    private EmbeddedSilo(Process process) => Process = process;

    public Process Process { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    /// <param name="launcher">Arguments placed before <c>dotnet</c>, run through the first of them (e.g. <c>env --default-signal=INT</c>).</param>
    /// <param name="choose">Last changes to the start: arguments after the silo's, environment.</param>
    public static EmbeddedSilo Start(Action<ProcessStartInfo>? choose = null, params string[] launcher)
    {
        var start = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloProcess.AssemblyPath)!,
        };
        foreach (var argument in launcher.Skip(1).Concat(launcher.Length > 0 ? ["dotnet"] : []))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(SiloProcess.AssemblyPath);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Parking__Seed__Size"] = "Small";
        start.Environment["Parking__Cluster__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Parking__Cluster__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        choose?.Invoke(start);

        var silo = new EmbeddedSilo(new Process { StartInfo = start });
        silo.Process.OutputDataReceived += (_, e) => { if (e.Data is not null) { silo.Output.Enqueue(e.Data); } };
        silo.Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { silo.Output.Enqueue(e.Data); } };
        silo.Process.Start();
        silo.Process.BeginOutputReadLine();
        silo.Process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>The last lines of output, long ones cut, for a failure message.</summary>
    public string Tail(int lines = 60) =>
        string.Join('\n', Output.TakeLast(lines).Select(l => l.Length > 300 ? l[..300] + " ..." : l));

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }
}
