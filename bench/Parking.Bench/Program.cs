using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
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
        if (args is [WatcherWire.Command, ..])
        {
            // A child this bench started to hold some of the push phase's watchers (--watcher-processes).
            return await WatcherChild.RunAsync(args);
        }

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

        if (WatcherGcSettings.ShouldRestart(options))
        {
            // The push phase's watchers stay in this process: it gets their GC settings, as a watcher child would.
            return await WatcherGcSettings.RestartAsync(args, options);
        }

        using var cancel = new CancellationTokenSource();
        using var interrupt = ChildProcesses.CancelOnInterrupt(cancel);

        var silos = new List<SiloProcess>();
        var owned = new List<IDisposable>();
        try
        {
            // One silo, or two that differ only in whether a booking waits for the settlement (A) or not (B).
            (string? Label, string? AwaitSettlement)[] variants = options.CompareSettlement
                ? [("A (booking waits for the settlement shard)", "true"), ("B (settlement after the answer)", "false")]
                : [(null, null)];
            var contexts = new List<(string? Label, BenchContext Context)>();
            foreach (var (label, awaitSettlement) in variants)
            {
                SiloProcess? silo = null;
                var cluster = new List<SiloProcess>();
                if (options.Url is null)
                {
                    var environment = awaitSettlement is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Parking__Credits__AwaitSettlement"] = awaitSettlement };
                    if (options.Silos > 1)
                    {
                        // One cluster: the same id, and one signing key so that a token of one host is good on the other.
                        environment["Parking__Cluster__ClusterId"] = string.Create(CultureInfo.InvariantCulture, $"parking-bench-{Environment.ProcessId}");
                        environment["Parking__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

                        // Grain state where every silo of the cluster reads it (the memory storage's grains).
                        environment["Parking__Cluster__InProcessStorage"] = "false";
                    }

                    silo = await SiloProcess.StartAsync(SiloProcess.FindRepositoryRoot(), environment, label is null ? "in-memory storage" : $"in-memory storage, {label}", cancel.Token);
                    silos.Add(silo);
                    cluster.Add(silo);
                    for (var k = 1; k < options.Silos; k++)
                    {
                        var joining = new Dictionary<string, string>(environment) { ["Parking__Cluster__PrimarySiloPort"] = silo.SiloPort.ToString(CultureInfo.InvariantCulture) };
                        var next = await SiloProcess.StartAsync(SiloProcess.FindRepositoryRoot(), joining, $"in-memory storage, silo {k + 1} of the cluster", cancel.Token);
                        silos.Add(next);
                        cluster.Add(next);
                    }
                }

                var target = options.Url ?? silo!.BaseAddress;
                ProcessCpu? serverCpu = silo?.Cpu;
                if (silo is null && options.SiloPids.Count > 0)
                {
                    serverCpu = new ProcessCpu([.. options.SiloPids.Select(Process.GetProcessById)]);
                    owned.Add(serverCpu);
                }
                else if (cluster.Count > 1)
                {
                    serverCpu = new ProcessCpu([.. cluster.Select(s => Process.GetProcessById(s.ProcessId))]);
                    owned.Add(serverCpu);
                }

                Report.Header(options, target, silo is not null);
                var maxConnections = Math.Max(options.Concurrency * 2, MinPooledConnections);
                var api = new ParkingApi(target, maxConnections);
                owned.Add(api);
                var hosts = new List<ParkingApi> { api };
                foreach (var other in options.Urls.Skip(1).Concat(cluster.Skip(1).Select(s => s.BaseAddress)))
                {
                    var host = new ParkingApi(other, maxConnections);
                    owned.Add(host);
                    hosts.Add(host);
                }

                var context = await PrepareAsync(options, api, serverCpu, cancel.Token) with { Hosts = hosts };
                await WarmUpAsync(context, cancel.Token);
                contexts.Add((label, context));
            }

            if (options.SoakDuration > TimeSpan.Zero)
            {
                var siloProcess = silos.Count > 0 ? silos[0].Process : options.SiloPid is { } soakPid ? Process.GetProcessById(soakPid) : null;
                return await SoakPhase.RunAsync(contexts[0].Context, siloProcess, cancel.Token) ? 0 : 3;
            }

            var runs = contexts.Select(_ => new List<RunResult>(options.Runs)).ToList();
            for (var run = 1; run <= options.Runs; run++)
            {
                var order = Enumerable.Range(0, contexts.Count).ToList();
                if (run % 2 == 0)
                {
                    order.Reverse();
                }

                foreach (var index in order)
                {
                    runs[index].Add(await RunOnceAsync(contexts[index].Context, run, contexts[index].Label, cancel.Token));
                }
            }

            for (var index = 0; index < contexts.Count; index++)
            {
                if (contexts[index].Label is { } label)
                {
                    Console.WriteLine();
                    Console.WriteLine($"=== {label}");
                }

                Report.Summary(options, runs[index]);
            }

            Console.WriteLine($"  ({Format.LoadAverage()} at the end)");
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
            foreach (var disposable in owned)
            {
                disposable.Dispose();
            }

            foreach (var silo in silos)
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

    private static async Task<RunResult> RunOnceAsync(BenchContext context, int run, string? label, CancellationToken cancellationToken)
    {
        var options = context.Options;
        Console.WriteLine();
        Console.WriteLine($"Run {run}/{options.Runs}{(label is null ? string.Empty : $", silo {label}")}  ({Format.LoadAverage()})");

        LoadResult? search = null;
        if (options.Phases.HasFlag(Phases.Search))
        {
            GC.Collect();
            search = await HttpPhases.SearchAsync(context, options.Duration, run, cancellationToken);
            Report.Search(search);
            Console.WriteLine($"    {Format.LoadAverage()}");
        }

        ReservationPhaseResult? reservations = null;
        BookingCheck? check = null;
        if (options.Phases.HasFlag(Phases.Reserve))
        {
            GC.Collect();
            reservations = await HttpPhases.ReserveAsync(context, options.Duration, cancellationToken);
            Report.Reservations(reservations.Load);
            Console.WriteLine($"    {Format.LoadAverage()}");
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
            push = await PushPhase.RunAsync(context, options.Duration, PushPhase.WarmupFor(options, run), cancellationToken);
            Report.Push(push);
            Console.WriteLine($"    {Format.LoadAverage()}");
            if (options.Cleanup)
            {
                Report.Cleanup(await HttpPhases.CancelAsync(context, push.Confirmed, cancellationToken));
            }
        }

        return new RunResult(run, search, reservations?.Load, check, push);
    }
}
