using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parking.Contracts;

namespace Parking.Bench;

/// <summary>
/// A bounded mixed load for a long time: searches, bookings, cancellations of them, charging requests (asked and
/// withdrawn) and live-map watchers receiving the pushes, all at once. Every window (a tenth of the soak, at
/// least 10 s, at most a minute) prints the rates, the p99 of each kind, and the silo's memory; at the end the
/// first window is compared with the last, since neither memory nor p99 may grow.
/// </summary>
internal static class SoakPhase
{
    private const int MaxWatchers = 200;
    private const int MaxHeldPerWorker = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private enum Kind
    {
        Search,
        Reserve,
        Cancel,
        Charging,
    }

    public static async Task<bool> RunAsync(BenchContext context, Process? silo, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var total = options.SoakDuration;
        var window = TimeSpan.FromSeconds(Math.Clamp(total.TotalSeconds / 10, 10, 60));
        var area = await FirstChargingAreaAsync(context, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"Soak: {total.TotalMinutes:0.#} min, {options.Concurrency} workers (searches 80 %, bookings 12 %, charging requests 3 %, a booking cancelled once its driver holds {MaxHeldPerWorker}), {Math.Min(MaxWatchers, options.Clients)} live-map watchers; a line every {window.TotalSeconds:0} s. {Format.LoadAverage()}");
        Console.WriteLine($"  charging requests go to area {area ?? "(none: the compound has no charging area, so none are asked)"}");

        // Watchers spread over the lots; every change committed from now on is timed.
        var pushWindow = new PushWindow();
        var watchers = new List<Watcher>();
        var watcherCount = Math.Min(MaxWatchers, options.Clients);
        for (var i = 0; i < watcherCount; i++)
        {
            var lot = context.Lots[i % context.Lots.Length].LotId;
            watchers.Add(await Watcher.ConnectAsync(context.Api.BaseAddress, context.Staff[i % context.Staff.Length], lot, stages: false, pushWindow, context.Options.MessagePack, cancellationToken));
        }

        var plansBefore = await PlanNumberAsync(context, area, cancellationToken);
        pushWindow.Open(DateTimeOffset.UtcNow);
        var recorders = Enum.GetValues<Kind>().ToDictionary(k => k, _ => new LatencyRecorder());
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var held = new ConcurrentQueue<Confirmed>();
        var clock = Stopwatch.StartNew();
        var windows = new List<WindowFigures>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, options.Concurrency)
            .Select(w => Task.Run(() => WorkerAsync(context, w, area, recorders, counts, held, stop.Token), CancellationToken.None))
            .ToList();

        var cpuStart = CpuSample.Take(context.Server);
        try
        {
            while (clock.Elapsed < total)
            {
                var next = TimeSpan.FromTicks(Math.Min(window.Ticks, (total - clock.Elapsed).Ticks));
                var from = clock.Elapsed;
                await Task.Delay(next, cancellationToken);
                var figures = Take(windows.Count + 1, clock.Elapsed - from, recorders, counts, watchers, silo);
                windows.Add(figures);
                Console.WriteLine(figures.Describe(clock.Elapsed));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            pushWindow.Close();
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }

        var cpu = CpuSample.Between(cpuStart, CpuSample.Take(context.Server));
        var lost = watchers.Count(w => w.Lost);
        var (cancelled, failed, _) = await HttpPhases.CancelAsync(context, [.. held], cancellationToken);
        var first = windows[0];
        var last = windows[^1];
        if (area is not null)
        {
            // The area plans in the background and plans the changes that arrive during a solve together.
            var plansAfter = await PlanNumberAsync(context, area, cancellationToken);
            var asked = windows.Sum(w => w.Charging.Count);
            Console.WriteLine($"  charging area {area}: {plansAfter - plansBefore} plans made for {asked:N0} requests asked and withdrawn (each a stored change the area planned)");
        }

        Console.WriteLine($"  watchers lost: {lost}; still held at the end: {held.Count} bookings, cancelled now ({cancelled} ok, {failed} failed); {cpu}");
        Console.WriteLine($"  first window → last: silo memory {first.MemoryMb:N0} → {last.MemoryMb:N0} MB; p99 search {first.Search.P99:F1} → {last.Search.P99:F1} ms, booking {first.Reserve.P99:F1} → {last.Reserve.P99:F1} ms, cancellation {first.Cancel.P99:F1} → {last.Cancel.P99:F1} ms, push {first.Push.P99:F1} → {last.Push.P99:F1} ms");
        var grew = windows.Count >= 2 && (last.MemoryMb > first.MemoryMb * 1.2 || last.Search.P99 > first.Search.P99 * 1.5 || last.Reserve.P99 > first.Reserve.P99 * 1.5);
        Console.WriteLine(grew
            ? "  NOT FLAT: memory grew by more than 20 % or a p99 by more than half from the first window to the last (on a shared machine, check the load average beside each window before blaming the service)."
            : "  flat: memory within 20 % and search and booking p99 within 1.5 x from the first window to the last.");
        Console.WriteLine($"  ({Format.LoadAverage()} at the end of the soak)");
        return !grew && lost == 0;
    }

    private static async Task WorkerAsync(
        BenchContext context, int worker, string? area, Dictionary<Kind, LatencyRecorder> recorders, ConcurrentDictionary<string, long> counts, ConcurrentQueue<Confirmed> held, CancellationToken stop)
    {
        var random = new Random(4243 + worker);
        var mine = new Queue<Confirmed>();
        var n = 0L;
        while (!stop.IsCancellationRequested)
        {
            var user = context.Residents[(int)((worker + (n++ * context.Options.Concurrency)) % context.Residents.Length)];
            var draw = random.NextDouble();
            var kind = mine.Count >= MaxHeldPerWorker ? Kind.Cancel
                : draw < 0.80 ? Kind.Search
                : draw < 0.97 || area is null ? Kind.Reserve
                : Kind.Charging;
            var started = Stopwatch.GetTimestamp();
            string outcome;
            try
            {
                switch (kind)
                {
                    case Kind.Search:
                        outcome = await context.Api.SearchAsync(user, SearchMix.Next(random, context.Plan.Origin, context.Plan.Slots), stop) == RequestOutcome.Ok ? "ok" : "failed";
                        break;
                    case Kind.Reserve:
                        if (!context.Plan.TryNext(out var booking))
                        {
                            return;
                        }

                        var (result, id, problem) = await context.Api.ReserveAsync(user, booking, stop);
                        outcome = result == RequestOutcome.Ok ? "ok" : $"{result} {problem}";
                        if (result == RequestOutcome.Ok && id is not null)
                        {
                            var confirmed = new Confirmed(booking, id, user);
                            mine.Enqueue(confirmed);
                        }

                        break;
                    case Kind.Cancel:
                        var oldest = mine.Dequeue();
                        outcome = await context.Api.CancelAsync(oldest.Driver, oldest.ReservationId, stop) ? "ok" : "failed";
                        break;
                    default:
                        outcome = await ChargingAsync(context, user, area!, stop);
                        break;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                outcome = exception.GetType().Name;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            recorders[kind].Record(Stopwatch.GetTimestamp() - started);
            counts.AddOrUpdate($"{kind} {outcome}", 1, (_, c) => c + 1);
        }

        foreach (var left in mine)
        {
            held.Enqueue(left);
        }
    }

    /// <summary>Asks for a charge and withdraws it again (the driver's quota is two open requests per area).</summary>
    private static async Task<string> ChargingAsync(BenchContext context, Credential user, string area, CancellationToken stop)
    {
        var path = $"{ParkingApi.CompoundPath}/charging/areas/{area}/requests";
        var body = new ChargingRequestBody("沪S" + user.UserId[1..], 7, null, null, null, null, DateTimeOffset.UtcNow.AddHours(6), true);
        using var ask = await context.Api.SendAsync(HttpMethod.Post, path, user, body, stop);
        if (ask.StatusCode != HttpStatusCode.Created)
        {
            return $"ask {(int)ask.StatusCode}";
        }

        var request = await ask.Content.ReadFromJsonAsync<ChargingRequestDto>(Json, stop);
        using var withdraw = await context.Api.SendAsync(HttpMethod.Delete, $"{path}/{request!.Id}", user, null, stop);
        return withdraw.IsSuccessStatusCode ? "ok" : $"withdraw {(int)withdraw.StatusCode}";
    }

    /// <summary>The number of the area's last plan, once the re-plans asked so far are made (0 with no area or no plan).</summary>
    private static async Task<long> PlanNumberAsync(BenchContext context, string? area, CancellationToken cancellationToken)
    {
        if (area is null)
        {
            return 0;
        }

        using var response = await context.Api.SendAsync(HttpMethod.Get, $"{ParkingApi.CompoundPath}/charging/areas/{area}/plan?planned=true", context.Staff[0], null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        var plan = await response.Content.ReadFromJsonAsync<ChargingPlanDto>(Json, cancellationToken);
        return plan?.Plan?.Number ?? 0;
    }

    private static async Task<string?> FirstChargingAreaAsync(BenchContext context, CancellationToken cancellationToken)
    {
        using var response = await context.Api.SendAsync(HttpMethod.Get, $"{ParkingApi.CompoundPath}/charging/areas", context.Staff[0], null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.EnumerateArray().Select(a => a.GetProperty("areaId").GetString()).FirstOrDefault();
    }

    private static WindowFigures Take(int number, TimeSpan elapsed, Dictionary<Kind, LatencyRecorder> recorders, ConcurrentDictionary<string, long> counts, List<Watcher> watchers, Process? silo)
    {
        var summaries = recorders.ToDictionary(r => r.Key, r => LatencySummary.From(r.Value.Drain()));
        var push = LatencySummary.From(watchers.SelectMany(w => w.Latencies.Drain()).ToList());
        foreach (var watcher in watchers)
        {
            // Not reported here; drained so that a long soak does not keep every sample.
            watcher.Handled.Drain();
        }

        var tally = counts.ToArray();
        counts.Clear();
        double memory = double.NaN;
        if (silo is not null)
        {
            silo.Refresh();
            memory = silo.HasExited ? double.NaN : silo.WorkingSet64 / (1024.0 * 1024.0);
        }

        return new WindowFigures(number, elapsed, summaries[Kind.Search], summaries[Kind.Reserve], summaries[Kind.Cancel], summaries[Kind.Charging], push, memory,
            string.Join(", ", tally.Where(t => !t.Key.EndsWith(" ok", StringComparison.Ordinal)).Select(t => $"{t.Key}: {t.Value}")));
    }

    private sealed record WindowFigures(
        int Number, TimeSpan Elapsed, LatencySummary Search, LatencySummary Reserve, LatencySummary Cancel, LatencySummary Charging, LatencySummary Push, double MemoryMb, string NotOk)
    {
        public string Describe(TimeSpan at) =>
            $"  [{at.TotalMinutes,5:F1} min] searches {Search.Count / Elapsed.TotalSeconds,6:N0}/s p99 {Search.P99,6:F1} ms | bookings {Reserve.Count / Elapsed.TotalSeconds,4:N0}/s p99 {Reserve.P99,6:F1} ms | cancellations {Cancel.Count / Elapsed.TotalSeconds,4:N0}/s p99 {Cancel.P99,6:F1} ms | charging {Charging.Count / Elapsed.TotalSeconds,3:N0}/s p99 {Charging.P99,6:F1} ms | pushes {Push.Count / Elapsed.TotalSeconds,6:N0}/s p99 {Push.P99,6:F1} ms | silo {MemoryMb:N0} MB | {Format.LoadAverage()}"
            + (NotOk.Length > 0 ? $" | not ok: {NotOk}" : string.Empty);
    }
}
