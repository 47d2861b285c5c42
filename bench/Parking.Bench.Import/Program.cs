using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;

namespace Parking.Bench.Import;

/// <summary>
/// Import benchmark: validation time of a Kangcheng-sized compound file (14,000 households, 6,000 spaces) in this
/// process, then the apply time and the silo's memory, measured on a real silo process running
/// <c>import FILE --exit</c>-less (it keeps serving until the bench reads its memory and stops it).
/// <c>--compounds N</c> adds a sub-district run: N compounds in one silo, Chengshangcheng-sized (900 spaces) with every
/// thirteenth Kangcheng-sized (6,000 spaces), so 80 compounds hold about 100,000 spaces. After the last import the
/// bench signs in residents of the largest compound and prints the availability search's p50 and p99 there.
/// <c>--silo-dll PATH</c> uses a built silo instead of building src/Silo in Release (a relative path is read from the
/// current directory; a missing file is refused at once, naming the option); <c>--validate-only</c> stops
/// after the validation runs; <c>--sub-district-only</c> (with <c>--compounds</c>) skips the Kangcheng silo, and
/// <c>--shared-ids</c> gives every compound's people the same ids, as this bench did before (one person in many compounds). Without <c>--compounds</c>, the staff residents search in the Kangcheng compound follows
/// (the index's one-time build, then p50/p99); <c>--residents-only</c> skips the availability searches before it.
/// </summary>
internal static class Program
{
    private const int ValidationRuns = 3;

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var compounds = Option(args, "--compounds") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0;

        // A relative path is read from the directory the bench was started in, and checked before anything runs.
        var siloDll = Option(args, "--silo-dll") is { } given ? Path.GetFullPath(given) : null;
        if (siloDll is not null && !File.Exists(siloDll))
        {
            Console.Error.WriteLine($"--silo-dll: no file '{siloDll}' (a relative path is read from {Environment.CurrentDirectory}).");
            return 2;
        }

        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("parking-bench-import-");
        try
        {
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            var kangcheng = Path.Combine(work.FullName, "kangcheng.json");
            var text = CompoundFileReader.Write(DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Kangcheng));
            await File.WriteAllTextAsync(kangcheng, text);
            Console.WriteLine($"Kangcheng file: {text.Length / 1024.0 / 1024.0:F1} MB");

            CompoundLayout? layout = null;
            for (var run = 1; run <= ValidationRuns; run++)
            {
                var watch = Stopwatch.StartNew();
                var check = CompoundFileCheck.Run(text);
                watch.Stop();
                if (!check.IsValid)
                {
                    Console.Error.WriteLine("The Kangcheng file has problems: " + string.Join("; ", check.Problems.Take(5)));
                    return 1;
                }

                layout = check.Layout;
                Console.WriteLine(
                    $"validate run {run}: {watch.Elapsed.TotalSeconds:F2} s ({check.Layout!.Households.Count} households, {check.Layout.SpaceCount} spaces){(run == 1 ? " (cold: schema load and JIT)" : string.Empty)}  target <= 5 s");
            }

            if (args.Contains("--validate-only"))
            {
                return 0;
            }

            var dll = siloDll ?? await BuildSiloAsync(root);
            if (!(compounds > 0 && args.Contains("--sub-district-only")))
            {
                await ImportInSiloAsync(dll, [kangcheng], "Kangcheng", "target: applied <= 30 s", compounds > 0 ? null : "kangcheng", compounds > 0 ? null : layout,
                    args.Contains("--residents-only"));
            }

            if (compounds > 0)
            {
                var members = SubDistrictCompounds.Generate(compounds, sharedIds: args.Contains("--shared-ids"));
                var files = (await SubDistrictCompounds.WriteAsync(members, work.FullName)).ToList();
                var largest = members.FirstOrDefault(m => m.Large)?.Id ?? members[0].Id;
                await ImportInSiloAsync(
                    dll,
                    files,
                    $"sub-district ({SubDistrictCompounds.Describe(members)})",
                    "target: applied <= 10 min within 4 GB",
                    largest);
            }

            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task ImportInSiloAsync(string dll, List<string> files, string what, string target, string? searchIn = null,
        CompoundLayout? residentsOf = null, bool residentsOnly = false)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("import");
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["Urls"] = $"http://127.0.0.1:{port}";
        // The search phase signs in as the largest compound's residents through the dev token endpoint, which a
        // production silo has off unless told; no other setting differs from what an operator runs.
        env["Parking__Auth__DevTokens"] = searchIn is null ? "false" : "true";
        env["Parking__Cluster__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        env["Parking__Cluster__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        env["Parking__Cluster__ClusterId"] = $"parking-bench-import-{Environment.ProcessId}";
        env["Parking__Seed__Enabled"] = "false";
        env["Parking__Simulation__Chargers"] = "false";
        env["Parking__Simulation__Shelters"] = "false";
        env["Parking__Simulation__Gate"] = "false";
        env["Logging__LogLevel__Default"] = "Warning";
        env.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        Console.WriteLine($"{what}: starting a silo that imports {files.Count} file(s)...");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo.");
        Console.WriteLine($"  silo pid {process.Id} (for dotnet-counters or dotnet-trace)");
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTimeOffset.UtcNow.AddMinutes(20);
        try
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Contains(": valid (", StringComparison.Ordinal) && files.Count == 1)
                {
                    Console.WriteLine("  silo: " + line[(line.LastIndexOf('/') + 1)..]);
                }

                // Each compound's own time, so a time that grows from one compound to the next shows.
                if (files.Count > 1 && line.StartsWith("Imported '", StringComparison.Ordinal))
                {
                    Console.WriteLine("    " + line[..line.IndexOf(" ms", StringComparison.Ordinal)] + " ms");
                }

                var done = files.Count == 1 ? line.StartsWith("Imported '", StringComparison.Ordinal) : line.StartsWith($"Imported {files.Count} compounds", StringComparison.Ordinal);
                if (line.StartsWith("Not imported", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(line);
                }

                if (done)
                {
                    Console.WriteLine("  silo: " + line);
                    Console.WriteLine($"  {what} apply: {ElapsedSeconds(line):F2} s  {target}");
                    process.Refresh();
                    Console.WriteLine($"  silo memory after import: {Rss(process.Id) / 1024.0 / 1024.0:F0} MB resident (peak {PeakRss(process.Id) / 1024.0 / 1024.0:F0} MB)");
                    if (searchIn is not null && !residentsOnly)
                    {
                        await SearchPhase.RunAsync(new Uri($"http://127.0.0.1:{port}"), searchIn, TraceStarter(process.Id));
                        Console.WriteLine($"  silo memory after the searches: {Rss(process.Id) / 1024.0 / 1024.0:F0} MB resident");
                    }

                    if (residentsOf is not null)
                    {
                        await ResidentSearchPhase.RunAsync(new Uri($"http://127.0.0.1:{port}"), residentsOf, TraceStarter(process.Id));
                        Console.WriteLine($"  silo memory after the residents searches: {Rss(process.Id) / 1024.0 / 1024.0:F0} MB resident");
                    }

                    return;
                }

                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException("The import did not finish within 20 minutes.");
                }
            }

            throw new InvalidOperationException("The silo ended before importing: " + await stderr);
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

    /// <summary>
    /// With <c>--trace TOOL OUT</c> (TOOL: a dotnet-trace executable), a CPU-sampling trace of the silo, with its garbage
    /// collections, during the measured searches (the availability searches, or the residents searches with
    /// <c>--residents-only</c>), written to OUT (a .nettrace file; <c>dotnet-trace report OUT topN</c> lists the hot methods).
    /// </summary>
    private static Func<Task<IAsyncDisposable?>>? TraceStarter(int pid)
    {
        var args = Environment.GetCommandLineArgs();
        var at = Array.IndexOf(args, "--trace");
        if (at < 0 || at + 2 >= args.Length)
        {
            return null;
        }

        var tool = args[at + 1];
        var output = args[at + 2];
        return async () =>
        {
            var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var argument in new[] { "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time,gc-collect", "-o", output })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + tool);
            // dotnet-trace prints a line once the session runs.
            while (await process.StandardOutput.ReadLineAsync() is { } line && !line.Contains("Process", StringComparison.Ordinal))
            {
            }

            return new TraceSession(process);
        };
    }

    private sealed class TraceSession(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // dotnet-trace ends its session on an interrupt, as on Ctrl+C at a terminal.
            using (var interrupt = Process.Start("kill", ["-s", "INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            await process.WaitForExitAsync();
            process.Dispose();
            Console.WriteLine("  trace written");
        }
    }

    /// <summary>The "in N ms" of the silo's import line, in seconds.</summary>
    private static double ElapsedSeconds(string line)
    {
        var at = line.IndexOf(" in ", StringComparison.Ordinal) + 4;
        var end = line.IndexOf(" ms", at, StringComparison.Ordinal);
        return long.Parse(line[at..end], CultureInfo.InvariantCulture) / 1000.0;
    }

    private static long Rss(int pid) => StatusKb(pid, "VmRSS:") * 1024;

    private static long PeakRss(int pid) => StatusKb(pid, "VmHWM:") * 1024;

    private static long StatusKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static async Task<string> BuildSiloAsync(string root)
    {
        Console.WriteLine("Building src/Silo (Release)...");
        var build = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
        foreach (var argument in new[] { "build", Path.Combine(root, "src", "Silo"), "-c", "Release", "--nologo", "-v", "q" })
        {
            build.ArgumentList.Add(argument);
        }

        using var process = Process.Start(build)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("Building the silo failed.");
        }

        return Path.Combine(root, "src", "Silo", "bin", "Release", "net10.0", "Parking.Silo.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parking.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the bench from inside the repository.");
    }
}
