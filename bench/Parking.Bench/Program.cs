using System.Diagnostics;
using System.Globalization;
using Parking.Contracts;

namespace Parking.Bench;

internal static class Program
{
    /// <summary>Connections the shared HTTP pool may open at least (the push phase has up to 64 requests in flight).</summary>
    private const int MinPooledConnections = 128;
    private static readonly string[] StaffIds = ["staff01", "staff02", "staff03"];

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        using var interrupt = ChildProcesses.CancelOnInterrupt(cancel);

        SiloProcess? silo = null;
        try
        {
            if (options.Url is null)
            {
                silo = await SiloProcess.StartAsync(SiloProcess.FindRepositoryRoot(), cancel.Token);
            }

            var target = options.Url ?? silo!.BaseAddress;
            using var externalSilo = options.SiloPid is { } pid && silo is null ? new ProcessCpu(Process.GetProcessById(pid)) : null;
            Report.Header(options, target, silo is not null);
            using var api = new ParkingApi(target, maxConnections: Math.Max(options.Concurrency * 2, MinPooledConnections));
            var context = await PrepareAsync(options, api, silo?.Cpu ?? externalSilo, cancel.Token);
            await WarmUpAsync(context, cancel.Token);

            var runs = new List<RunResult>(options.Runs);
            for (var run = 1; run <= options.Runs; run++)
            {
                runs.Add(await RunOnceAsync(context, run, cancel.Token));
            }

            Report.Summary(options, runs);
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or ArgumentException)
        {
            Console.Error.WriteLine($"Benchmark failed: {exception.Message}");
            return 1;
        }
        finally
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
                Console.WriteLine($"Silo (pid {silo.ProcessId}) stopped.");
            }
        }
    }

    private static async Task<BenchContext> PrepareAsync(BenchOptions options, ParkingApi api, ProcessCpu? server, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var residentIds = Enumerable.Range(1, options.Residents).Select(n => string.Create(CultureInfo.InvariantCulture, $"r{n:00000}")).ToArray();
        var residents = await api.SignInAllAsync(residentIds, cancellationToken);
        var staff = await api.SignInAllAsync(StaffIds, cancellationToken);
        var lots = await api.GetLotsAsync(residents[0], cancellationToken);
        if (lots.Length == 0)
        {
            throw new InvalidOperationException($"Compound '{ParkingApi.CompoundId}' has no lots: is the demo compound seeded?");
        }

        var bookable = new List<(string LotId, string SpaceId)>();
        foreach (var lot in lots)
        {
            var occupancy = await api.GetOccupancyAsync(staff[0], lot.LotId, cancellationToken);
            bookable.AddRange(occupancy.Spaces
                .Where(s => s.Ownership != SpaceOwnershipDto.Private)
                .Select(s => (lot.LotId, s.SpaceId)));
        }

        var plan = new BookingPlan(bookable, DateTimeOffset.UtcNow);
        Console.WriteLine($"Signed in {residents.Length} residents and {staff.Length} staff in {clock.Elapsed.TotalSeconds:0.0} s; {lots.Length} lots ({string.Join(", ", lots.Select(l => $"{l.LotId}:{l.Spaces}"))}), {plan.Spaces} spaces.");
        Console.WriteLine($"Reservations use 30-minute windows from {plan.Origin:u} on ({plan.Slots} per space, {(long)plan.Slots * plan.Spaces:N0} distinct pairs), each pair once.");
        return new BenchContext(options, api, server, residents, staff, lots, plan);
    }

    /// <summary>Unreported load so that the JIT, the connection pool and the grain activations are warm before run 1.</summary>
    private static async Task WarmUpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        if (context.Options.Warmup <= TimeSpan.Zero)
        {
            return;
        }

        Console.WriteLine($"Warming up ({context.Options.Warmup.TotalSeconds:0.#} s searches, {context.Options.Warmup.TotalSeconds:0.#} s reservations, not reported)...");
        await HttpPhases.SearchAsync(context, context.Options.Warmup, seed: 0, cancellationToken);
        var reserved = await HttpPhases.ReserveAsync(context, context.Options.Warmup, cancellationToken);
        if (context.Options.Cleanup)
        {
            await HttpPhases.CancelAsync(context, reserved.Confirmed, cancellationToken);
        }
    }

    private static async Task<RunResult> RunOnceAsync(BenchContext context, int run, CancellationToken cancellationToken)
    {
        var options = context.Options;
        Console.WriteLine();
        Console.WriteLine($"Run {run}/{options.Runs}");

        LoadResult? search = null;
        if (options.Phases.HasFlag(Phases.Search))
        {
            GC.Collect();
            search = await HttpPhases.SearchAsync(context, options.Duration, run, cancellationToken);
            Report.Search(search);
        }

        ReservationPhaseResult? reservations = null;
        BookingCheck? check = null;
        if (options.Phases.HasFlag(Phases.Reserve))
        {
            GC.Collect();
            reservations = await HttpPhases.ReserveAsync(context, options.Duration, cancellationToken);
            Report.Reservations(reservations.Load);
            check = await HttpPhases.CheckDoubleBookingsAsync(context, reservations.Confirmed, cancellationToken);
            Report.Check(check);
            if (options.Cleanup)
            {
                Report.Cleanup(await HttpPhases.CancelAsync(context, reservations.Confirmed, cancellationToken));
            }
        }

        PushResult? push = null;
        if (options.Phases.HasFlag(Phases.Push))
        {
            GC.Collect();
            push = await PushPhase.RunAsync(context, options.Duration, cancellationToken);
            Report.Push(push);
            if (options.Cleanup)
            {
                Report.Cleanup(await HttpPhases.CancelAsync(context, push.Confirmed, cancellationToken));
            }
        }

        return new RunResult(run, search, reservations?.Load, check, push);
    }
}
