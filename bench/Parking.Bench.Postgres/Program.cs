using System.Globalization;
using System.Security.Cryptography;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Parking.Testing;

namespace Parking.Bench.Postgres;

internal static class Program
{
    private const string GrainDatabase = "parking";
    private const int MinPooledConnections = 128;
    private static readonly string[] StaffIds = ["staff01", "staff02", "staff03"];

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args is [BaselineService.Command, ..])
        {
            return await BaselineService.RunAsync();
        }

        PgOptions options;
        try
        {
            options = PgOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(PgOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(PgOptions.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        using var interrupt = ChildProcesses.CancelOnInterrupt(cancel);

        PostgresServer? server = null;
        SiloProcess? silo = null;
        BaselineProcess? baseline = null;
        try
        {
            PgReport.Header(options);
            server = await PostgresServer.StartAsync(durable: true, maxConnections: 300);
            Console.WriteLine($"PostgreSQL on 127.0.0.1:{server.Port} (data in {server.Root}, {server.BinDirectory})");
            Console.WriteLine($"  settings: {await server.DurabilitySettingsAsync()}");
            Console.WriteLine("  durable: fsync and synchronous_commit are on (the defaults): every commit waits for its WAL flush to disk.");
            var postgres = new PostgresCpu(server.PostmasterPid);

            var ceilings = await MeasureCeilingAsync(options, server, postgres, cancel.Token);

            var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Chengshangcheng);
            await BaselineSchema.CreateAsync(server, layout);
            await server.CreateDatabaseAsync(GrainDatabase);
            var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            silo = await SiloProcess.StartAsync(
                SiloProcess.FindRepositoryRoot(),
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["ConnectionStrings__Parking"] = server.ConnectionString(GrainDatabase),
                    ["Parking__Auth__DevTokens"] = "true",
                    ["Parking__Credits__Grant"] = BaselineProcess.Grant,
                    ["Parking__Simulation__Chargers"] = "false",
                    ["Parking__Simulation__Shelters"] = "false",
                    ["Parking__Simulation__Gate"] = "false",
                    ["Parking__Auth__SigningKey"] = signingKey,
                },
                $"PostgreSQL storage, database '{GrainDatabase}'",
                cancel.Token);
            baseline = await BaselineProcess.StartAsync(server.ConnectionString(BaselineSchema.Database), signingKey, cancel.Token);

            var maxConnections = Math.Max(options.Concurrency * 2, MinPooledConnections);
            using var grainApi = new ParkingApi(silo.BaseAddress, maxConnections);
            using var baselineApi = new ParkingApi(baseline.BaseAddress, maxConnections);
            var residentIds = Enumerable.Range(1, options.Residents).Select(n => string.Create(CultureInfo.InvariantCulture, $"r{n:00000}")).ToArray();
            var residents = await grainApi.SignInAllAsync(residentIds, cancel.Token);
            var staff = await grainApi.SignInAllAsync(StaffIds, cancel.Token);
            var lots = await grainApi.GetLotsAsync(residents[0], cancel.Token);
            var now = DateTimeOffset.UtcNow;
            var context = new BenchContext(BenchOptions.Parse([]), grainApi, silo.Cpu, residents, staff, lots, new BookingPlan([.. layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership != SpaceOwnership.Private).Select(s => (s.LotId, s.SpaceId))], now));
            var load = new MixedLoad(layout, now);
            Console.WriteLine($"Signed in {residents.Length} residents (the silo's tokens, accepted by both services); {load}.");
            Console.WriteLine($"Each worker sends 1 reservation then {MixedLoad.SearchesPerReservation} searches (Uniform, HotSpot) or reservations only (Alone), {options.Concurrency} workers, the same seeded request streams on both paths.");

            Target[] targets = [new(PathKind.Grain, grainApi, silo.Cpu), new(PathKind.Baseline, baselineApi, baseline.Cpu)];
            async Task<MixedResult> PhaseAsync(Target target, Workload workload, int run, TimeSpan duration)
            {
                var (result, confirmed) = await load.RunAsync(target, residents, workload, run, options.Runs, options.Concurrency, duration, postgres, cancel.Token);
                if (target.Path == PathKind.Grain)
                {
                    var check = await HttpPhases.CheckDoubleBookingsAsync(context, confirmed, cancel.Token);
                    return result with { DoubleBookings = check.Overlaps, MissingConfirmed = check.Missing, Check = check.ToString() };
                }

                var (rows, overlaps, stored) = await BaselineSchema.CheckAsync(server, [.. confirmed.Select(c => c.ReservationId)], cancel.Token);
                return result with
                {
                    DoubleBookings = overlaps,
                    MissingConfirmed = confirmed.Count - stored,
                    Check = $"{(overlaps == 0 && stored == confirmed.Count ? "PASS" : "FAIL")}: {rows} reservation rows, {overlaps} overlapping pairs (SQL self-join); {stored} of {confirmed.Count} confirmed reservations stored",
                };
            }

            if (options.Warmup > TimeSpan.Zero)
            {
                Console.WriteLine($"Warming up: {options.Warmup.TotalSeconds:0.#} s per path and workload, not reported...");
                foreach (var workload in Enum.GetValues<Workload>())
                {
                    foreach (var target in targets)
                    {
                        var warm = await PhaseAsync(target, workload, 0, options.Warmup);
                        Console.WriteLine($"  warm-up {target.Path} {workload}: {warm.Reservations.Ok} created, {warm.Searches.Ok} searches; check {(warm.DoubleBookings == 0 && warm.MissingConfirmed == 0 ? "PASS" : "FAIL")}");
                    }
                }
            }

            var results = new List<MixedResult>();
            for (var run = 1; run <= options.Runs; run++)
            {
                Console.WriteLine();
                Console.WriteLine($"Run {run}/{options.Runs}");
                foreach (var workload in Enum.GetValues<Workload>())
                {
                    // Alternate which path goes first, so drift in the machine's load falls on both.
                    foreach (var target in run % 2 == 1 ? targets : targets.Reverse())
                    {
                        var result = await PhaseAsync(target, workload, run, options.Duration);
                        PgReport.Phase(result);
                        results.Add(result);
                    }
                }
            }

            PgReport.Summary(options, ceilings, results);
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or ArgumentException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine($"Benchmark failed: {exception.Message}");
            return 1;
        }
        finally
        {
            if (baseline is not null)
            {
                await baseline.DisposeAsync();
            }

            if (silo is not null)
            {
                await silo.DisposeAsync();
                Console.WriteLine($"Silo (pid {silo.ProcessId}) stopped.");
            }

            if (server is not null)
            {
                await server.DisposeAsync();
                Console.WriteLine("PostgreSQL stopped and its directory deleted.");
            }
        }
    }

    private static async Task<List<CeilingResult>> MeasureCeilingAsync(PgOptions options, PostgresServer server, PostgresCpu postgres, CancellationToken cancellationToken)
    {
        await WriteCeiling.PrepareAsync(server);
        var pgbench = WriteCeiling.PgbenchPath(server);
        Console.WriteLine();
        Console.WriteLine($"(a) Write ceiling: single-row INSERT, one commit each, {options.Concurrency} connections, {options.Runs} x {options.Duration.TotalSeconds:0.#} s"
            + (pgbench is null ? " (pgbench not installed: Npgsql loop only)" : $" with {pgbench} and with an Npgsql loop"));
        var results = new List<CeilingResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            if (pgbench is not null)
            {
                var result = await WriteCeiling.PgbenchAsync(server, pgbench, options.Concurrency, options.Duration, postgres, cancellationToken);
                PgReport.Ceiling(run, result);
                results.Add(result);
            }

            var loop = await WriteCeiling.NpgsqlLoopAsync(server, options.Concurrency, options.Duration, postgres, cancellationToken);
            PgReport.Ceiling(run, loop);
            results.Add(loop);
        }

        return results;
    }
}
