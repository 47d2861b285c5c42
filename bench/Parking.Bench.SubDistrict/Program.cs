using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Parking.Bench.Postgres;
using Parking.Testing;

namespace Parking.Bench.SubDistrict;

/// <summary>
/// The sub-district benchmark (issue 17): N compounds (default 80, about 100,000 spaces) imported into a three-silo
/// cluster on a throwaway PostgreSQL on this machine; each silo's memory with every space active; an open-loop mixed
/// load across the compounds (bookings at a fixed rate, availability searches beside each); a SIGKILL of one silo under
/// that load, the time until bookings stalled on its grains are answered again and the time the cluster declared it
/// dead; then every acknowledged reservation read back through the API and every lot checked for double-held windows.
/// </summary>
internal static class Program
{
    private const double SearchP99TargetMs = 25;
    private const double BookingP99TargetMs = 50;
    private const double RecoveryTargetSeconds = 3;
    private const long MemoryTargetBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Orleans' SiloStatus.Dead as stored in orleansmembershiptable.status.</summary>
    private const int DeadStatus = 6;

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var (options, error) = SubDistrictOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(error == "help" ? SubDistrictOptions.Usage : error + "\n" + SubDistrictOptions.Usage);
            return error == "help" ? 0 : 2;
        }

        using var cancel = new CancellationTokenSource();
        using var interrupt = ChildProcesses.CancelOnInterrupt(cancel);
        try
        {
            return await RunAsync(options, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted; what the bench started is stopped.");
            return 130;
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            Console.Error.WriteLine($"The bench stopped: {exception.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(SubDistrictOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var root = SiloProcess.FindRepositoryRoot();
        // Three silos and PostgreSQL start on cores other work may share: allow them time.
        SiloProcess.ReadyTimeout = TimeSpan.FromMinutes(10);
        if (options.SiloDll is { } dll)
        {
            SiloProcess.UseBuild(dll);
        }

        SiloProcess.LogDirectory = options.SiloLogs;

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average {LoadAverage()} at the start (other processes share these cores)");
        var members = SubDistrictCompounds.Generate(options.Compounds);
        var work = Directory.CreateTempSubdirectory("parking-bench-subdistrict-");
        var silos = new List<SiloProcess>();
        PostgresServer? postgres = null;
        try
        {
            var files = await SubDistrictCompounds.WriteAsync(members, work.FullName);
            Console.WriteLine($"Sub-district: {SubDistrictCompounds.Describe(members)}");

            postgres = await PostgresServer.StartAsync(durable: true);
            var connectionString = await postgres.CreateDatabaseAsync("parking");
            Console.WriteLine($"PostgreSQL: {postgres.BinDirectory} on port {postgres.Port}, fsync on, max_connections 100 (the default); each silo's pool is the product default (Parking:Postgres:MaxPoolSize 20), 3 x 20 = 60");

            var environment = new Dictionary<string, string>
            {
                ["ConnectionStrings__Parking"] = connectionString,
                ["Parking__Cluster__ClusterId"] = $"parking-subdistrict-{Environment.ProcessId}",
                ["Parking__Auth__SigningKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray()),
                ["Parking__Seed__Enabled"] = "false",
                // Signing in the load's residents (POST /api/dev/token is anonymous, 5/s per address by default) is
                // setup, not load: the bench lifts that limit so sign-in takes seconds. Every other limit is the product's.
                ["Parking__Limits__AnonymousRequestsPerSecond"] = "100000",
                ["Parking__Limits__AnonymousBurst"] = "100000",
            };
            foreach (var (name, value) in options.SiloEnvironment)
            {
                environment[name] = value;
            }

            // The other silos first, then the one that imports, so the cluster has all of them while the compounds are placed.
            for (var i = 0; i < options.Silos - 1; i++)
            {
                silos.Add(await SiloProcess.StartAsync(root, environment, "PostgreSQL", cancellationToken));
            }

            var importWatch = Stopwatch.StartNew();
            var importer = await SiloProcess.StartAsync(root, environment, "PostgreSQL", ["import", .. files], cancellationToken);
            silos.Add(importer);
            var done = await importer.WaitForLineAsync(
                line => line.StartsWith("Imported ", StringComparison.Ordinal) && (files.Count == 1 || line.StartsWith($"Imported {files.Count} compounds", StringComparison.Ordinal))
                    || line.StartsWith("Not imported", StringComparison.Ordinal),
                TimeSpan.FromMinutes(60),
                cancellationToken);
            if (done.StartsWith("Not imported", StringComparison.Ordinal))
            {
                Console.Error.WriteLine(done);
                return 1;
            }

            Console.WriteLine($"Import: {done} (silo 3, {importWatch.Elapsed.TotalSeconds:F1} s from its start); load average {LoadAverage()}");
            PrintMemory("after the import", silos);

            using var client = new SiloClient([.. silos.Select(s => s.BaseAddress)]);
            var compoundIds = members.Select(m => m.Id).ToList();
            var (drivers, staff) = await SignInAsync(client, members, options, cancellationToken);

            // Every lot's occupancy: a lot's index is built from all its spaces, so this activates every space grain.
            var lots = members.SelectMany((m, c) => m.File.Lots.Select((l, i) => (m.Id, l.Id, staff[c][i % staff[c].Count]))).ToList();
            var activation = Stopwatch.StartNew();
            var spacesSeen = 0;
            var next = 0;
            await Parallel.ForEachAsync(lots, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (lot, token) =>
            {
                var occupancy = await Checks.OccupancyAsync(client, Interlocked.Increment(ref next) % silos.Count, lot, token);
                Interlocked.Add(ref spacesSeen, occupancy.Spaces.Count);
            });
            var allSpaces = members.Sum(m => m.File.Spaces.Count);
            Console.WriteLine($"All spaces active: {lots.Count} lots' occupancy read in {activation.Elapsed.TotalSeconds:F1} s, {spacesSeen:N0} of {allSpaces:N0} spaces listed");
            var memory = PrintMemory("with all spaces active", silos);
            var memoryMet = memory.All(m => m <= MemoryTargetBytes);
            Console.WriteLine($"  target: <= 2 GB per silo: {(memoryMet ? "met" : "NOT met")}");

            // The load, with silo 2 killed between the steady phase and the last one.
            var bookable = members
                .SelectMany((m, c) => m.File.Spaces
                    .Where(s => !string.Equals(s.Ownership, "private", StringComparison.OrdinalIgnoreCase) && !string.Equals(s.Kind, "visitor", StringComparison.OrdinalIgnoreCase))
                    .Select(s => new BookableSpace(c, s.LotId, s.Id)))
                .ToList();
            // Shuffled (the same way every run), so consecutive bookings land in different compounds and lots.
            var shuffled = bookable.ToArray();
            new Random(17).Shuffle(shuffled);
            // With one silo there is nothing to fail over to: no kill, the after-kill phase is more of the same load.
            var victim = silos[Math.Min(1, silos.Count - 1)];
            var load = new OpenLoad(client, drivers, shuffled, compoundIds, options.Rate, options.SearchesPerBooking)
            {
                KillAt = silos.Count > 1 ? options.WarmUp + options.Steady : null,
            };
            var total = options.WarmUp + options.Steady + options.AfterKill;
            Console.WriteLine(
                $"Load: open loop, {options.Rate:F0} bookings/s with {options.SearchesPerBooking} searches each ({options.Rate * (1 + options.SearchesPerBooking):F0} requests/s), " +
                $"across {compoundIds.Count} compounds ({shuffled.Length:N0} bookable spaces, {drivers.Sum(d => d.Count):N0} residents signed in), search n to silo n mod {silos.Count}, booking b to silo b mod {silos.Count}; " +
                $"{options.WarmUp.TotalSeconds:F0} s warm-up, {options.Steady.TotalSeconds:F0} s steady, {(silos.Count > 1 ? $"SIGKILL of silo 2 (pid {victim.ProcessId})" : "no kill (one silo)")}, {options.AfterKill.TotalSeconds:F0} s after");
            var cpuBefore = CpuNow(silos);
            var postgresCpu = new PostgresCpu(postgres.PostmasterPid);
            var (machineBefore, postgresBefore) = (MachineTicks(), postgresCpu.Read());
            var deadAt = new TaskCompletionSource<TimeSpan?>();
            var loadClock = Stopwatch.StartNew();
            DateTimeOffset? killedAt = null;
            double[]? cpuSteady = null;
            await load.RunAsync(
                total,
                async () =>
                {
                    cpuSteady = CpuShare(cpuBefore, CpuNow(silos));
                    Console.WriteLine($"  steady phase over; load average {LoadAverage()}");
                    Console.WriteLine($"  the machine over warm-up and steady phase: {MachineShares(machineBefore, MachineTicks(), postgresCpu.Read() - postgresBefore)}");
                    PrintMemory("after the steady phase", silos);
                    killedAt = DateTimeOffset.UtcNow;
                    victim.Process.Kill(entireProcessTree: true);
                    Console.WriteLine($"  SIGKILL silo 2 (pid {victim.ProcessId}) at {loadClock.Elapsed.TotalSeconds:F1} s of load");
                    deadAt.SetResult(await DeclaredDeadAsync(connectionString, victim.SiloPort, killedAt.Value, TimeSpan.FromSeconds(90), cancellationToken));
                },
                cancellationToken);
            var cpuAfter = CpuShare(cpuBefore, CpuNow(silos));
            Console.WriteLine($"Load over after {loadClock.Elapsed.TotalSeconds:F1} s; load average {LoadAverage()}");

            var report = new LoadReport(load, options);
            report.Print(cpuSteady);
            var declared = killedAt is null ? null : await deadAt.Task;
            Console.WriteLine(declared is { } d
                ? $"  silo 2 declared dead in the membership table {d.TotalSeconds:F1} s after the kill (Parking:Cluster:ProbeTimeout / MissedProbesLimit defaults)"
                : "  silo 2 not declared dead in the membership table within 90 s of the kill");
            var recovery = report.PrintRecovery();

            // A silo other than the victim may have left too: on a machine that stalls for seconds, the others can vote a
            // live silo dead (it then stops itself). Say so, and check through whichever silos still run.
            var gone = new HashSet<SiloProcess> { victim };
            void ReportGone(string when)
            {
                foreach (var (silo, i) in silos.Select((s, i) => (s, i)).Where(x => !gone.Contains(x.s) && x.s.Process.HasExited))
                {
                    gone.Add(silo);
                    Console.WriteLine($"  silo {i + 1} (pid {silo.ProcessId}) is gone too ({when}): exit code {silo.Process.ExitCode} (not killed by the bench); its last lines:");
                    foreach (var line in silo.RecentOutput().Split('\n').Where(l => !l.StartsWith("   at ", StringComparison.Ordinal)).TakeLast(12))
                    {
                        Console.WriteLine("    " + (line.Length > 300 ? line[..300] + " ..." : line));
                    }
                }
            }

            ReportGone("after the load");

            var survivors = silos.Select((s, i) => (s, i)).Where(x => !x.s.Process.HasExited).Select(x => x.i).ToList();
            if (survivors.Count == 0)
            {
                Console.WriteLine("No silo is left to check through.");
                return 1;
            }

            // Afterwards: every acknowledged reservation through the API, and every lot for double-held windows.
            var checkWatch = Stopwatch.StartNew();
            var (absent, unverified) = await Checks.AllPresentAsync(client, survivors, load.Acknowledged, cancellationToken);
            Console.WriteLine($"Check: {load.Acknowledged.Count - absent.Count - unverified.Count:N0} of {load.Acknowledged.Count:N0} acknowledged reservations read back through the API of silos {string.Join(", ", survivors.Select(i => i + 1))} ({checkWatch.Elapsed.TotalSeconds:F1} s); {absent.Count} lost (absent or changed), {unverified.Count} unverified (no answer or 5xx within a minute)");
            foreach (var problem in absent.Concat(unverified).Take(20))
            {
                Console.WriteLine("  " + problem);
            }

            var (inconsistent, listed) = await Checks.OccupancyConsistentAsync(client, survivors, lots, load.Acknowledged, cancellationToken);
            Console.WriteLine($"Check: {lots.Count} lots' occupancy ({listed:N0} spaces): {inconsistent.Count} problems (overlapping held windows, or an acknowledged window not held)");
            foreach (var problem in inconsistent.Take(20))
            {
                Console.WriteLine("  " + problem);
            }

            // On a machine loaded far past its cores, the survivors can vote each other dead during the checks.
            ReportGone("during the checks");
            PrintMemory("at the end (survivors)", [.. survivors.Select(i => silos[i])]);
            Console.WriteLine($"Summary ({clock.Elapsed.TotalMinutes:F1} min; load average {LoadAverage()} at the end):");
            Console.WriteLine($"  memory with all spaces active: {string.Join(", ", memory.Select((m, i) => $"silo {i + 1} {Mb(m)} MB"))}  target <= 2 GB per silo: {(memoryMet ? "met" : "NOT met")}");
            report.PrintSummary(recovery, RecoveryTargetSeconds, SearchP99TargetMs, BookingP99TargetMs);
            var verdict = absent.Count > 0 || inconsistent.Count > 0 ? "NOT met" : unverified.Count > 0 ? "not verified" : "met";
            Console.WriteLine($"  acknowledged reservations lost: {absent.Count} (unverified: {unverified.Count}); double-held or missing in occupancy: {inconsistent.Count}  target: 0 and 0: {verdict}");
            Console.WriteLine($"  CPU share of the machine: steady {Shares(cpuSteady)}; whole load {Shares(cpuAfter)}");
            return verdict == "met" ? 0 : 1;
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Dev tokens for the load's residents and each compound's staff. Each compound lends enough residents that none
    /// makes more than about 4 requests a second (the product's limit is 20 per person per silo), taken from a
    /// different stretch of its households so that user ids (r00001...) repeat across compounds as little as possible.
    /// </summary>
    private static async Task<(List<IReadOnlyList<Driver>> Drivers, List<List<string>> Staff)> SignInAsync(
        SiloClient client, IReadOnlyList<SubDistrictCompounds.Member> members, SubDistrictOptions options, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var perCompound = (int)Math.Clamp(Math.Ceiling(options.Rate * (1 + options.SearchesPerBooking) / 4.0 / members.Count), 10, 1_000);
        var wanted = new List<(int Compound, string UserId, string? BuildingId)>();
        foreach (var (member, c) in members.Select((m, c) => (m, c)))
        {
            var buildings = member.File.Households.ToDictionary(h => h.Id, h => h.BuildingId, StringComparer.Ordinal);
            var residents = member.File.People.Where(p => p.Role == "resident").ToList();
            var offset = c * perCompound % residents.Count;
            for (var j = 0; j < Math.Min(perCompound, residents.Count); j++)
            {
                var person = residents[(offset + j) % residents.Count];
                wanted.Add((c, person.Id, person.HouseholdId is { } h ? buildings.GetValueOrDefault(h) : null));
            }

            wanted.AddRange(member.File.People.Where(p => p.Role == "staff").Select(p => (c, p.Id, (string?)null)));
        }

        var tokens = new string[wanted.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
        {
            tokens[i] = await client.TokenAsync(i % client.Silos.Count, members[wanted[i].Compound].Id, wanted[i].UserId, token);
        });

        var drivers = members.Select(_ => new List<Driver>()).ToList();
        var staff = members.Select(_ => new List<string>()).ToList();
        for (var i = 0; i < wanted.Count; i++)
        {
            var (c, userId, building) = wanted[i];
            if (members[c].File.People.First(p => p.Id == userId).Role == "staff")
            {
                staff[c].Add(tokens[i]);
            }
            else
            {
                drivers[c].Add(new Driver(members[c].Id, userId, building, tokens[i]));
            }
        }

        Console.WriteLine($"Signed in {wanted.Count:N0} people ({perCompound} residents and the staff of each compound) in {watch.Elapsed.TotalSeconds:F1} s");
        return ([.. drivers.Select(d => (IReadOnlyList<Driver>)d)], staff);
    }

    /// <summary>How long after <paramref name="killedAt"/> the membership table marked the silo on <paramref name="siloPort"/> dead; null if not within <paramref name="timeout"/>.</summary>
    private static async Task<TimeSpan?> DeclaredDeadAsync(string connectionString, int siloPort, DateTimeOffset killedAt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        while (DateTimeOffset.UtcNow - killedAt < timeout && !cancellationToken.IsCancellationRequested)
        {
            await using (var command = data.CreateCommand("SELECT status FROM orleansmembershiptable WHERE port = $1 ORDER BY generation DESC LIMIT 1"))
            {
                command.Parameters.AddWithValue(siloPort);
                if (await command.ExecuteScalarAsync(cancellationToken) is int status && status == DeadStatus)
                {
                    return DateTimeOffset.UtcNow - killedAt;
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        return null;
    }

    private static List<long> PrintMemory(string when, IReadOnlyList<SiloProcess> silos)
    {
        var values = silos.Select(s => StatusBytes(s.ProcessId, "VmRSS:")).ToList();
        Console.WriteLine($"  memory {when}: {string.Join(", ", silos.Select((s, i) => $"pid {s.ProcessId} {Mb(values[i])} MB resident (peak {Mb(StatusBytes(s.ProcessId, "VmHWM:"))} MB)"))}");
        return values;
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture);

    /// <summary>A field of /proc/PID/status in bytes (it gives kB); 0 when the process is gone.</summary>
    private static long StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The machine's CPU ticks since boot from /proc/stat: busy (user, nice, system, irq, softirq, steal), idle, iowait.</summary>
    private static (long Busy, long Idle, long IoWait)? MachineTicks()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7], fields[3], fields[4]);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// How busy the whole machine was between two readings, and PostgreSQL's share: whether the silos wait on an idle
    /// machine (blocking, timeouts) or on cores every process is queued for; iowait shows waits for the disk (fsync).
    /// </summary>
    private static string MachineShares((long Busy, long Idle, long IoWait)? before, (long Busy, long Idle, long IoWait)? after, TimeSpan postgres)
    {
        if (before is not { } b || after is not { } a)
        {
            return "no /proc/stat";
        }

        var total = (double)(a.Busy - b.Busy + a.Idle - b.Idle + a.IoWait - b.IoWait);
        var wall = total / 100 / Environment.ProcessorCount;
        return total <= 0
            ? "no ticks"
            : $"busy {(a.Busy - b.Busy) / total * 100:F0} %, idle {(a.Idle - b.Idle) / total * 100:F0} %, iowait {(a.IoWait - b.IoWait) / total * 100:F0} %; " +
              $"PostgreSQL {postgres.TotalSeconds / wall / Environment.ProcessorCount * 100:F0} % of the machine";
    }

    /// <summary>Each silo's CPU so far and, last, the bench's own (it shares the cores: when it takes much, it is the bottleneck).</summary>
    private static (TimeSpan Wall, TimeSpan?[] Silos) CpuNow(IReadOnlyList<SiloProcess> silos)
    {
        using var self = Process.GetCurrentProcess();
        return (Stopwatch.GetElapsedTime(0), [.. silos.Select(s => s.Cpu.Read()), self.TotalProcessorTime]);
    }

    /// <summary>Each silo's CPU between two readings, as a share of the machine's cores; NaN for a silo gone by then.</summary>
    private static double[] CpuShare((TimeSpan Wall, TimeSpan?[] Silos) before, (TimeSpan Wall, TimeSpan?[] Silos) after)
    {
        var capacity = (after.Wall - before.Wall).TotalSeconds * Environment.ProcessorCount;
        return [.. before.Silos.Zip(after.Silos, (b, a) => b is { } x && a is { } y && capacity > 0 ? (y - x).TotalSeconds / capacity : double.NaN)];
    }

    private static string Shares(double[]? shares) =>
        shares is null ? "n/a" : string.Join(", ", shares.Select((s, i) =>
            i == shares.Length - 1 ? $"the bench itself {s * 100:F0} %" : double.IsNaN(s) ? $"silo {i + 1} n/a (killed)" : $"silo {i + 1} {s * 100:F0} %"));
}
