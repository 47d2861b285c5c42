using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parking.Contracts;
using Parking.Devices;

// The OCPP benchmark: a Release silo (Kangcheng demo compound, simulations off) as a child process, beside it a
// compound imported from a file the bench writes, whose one charging area has 300 chargers (--area-chargers), then
//  1. N charge points (default 5,000, a sub-district's worth) connected over loopback, each sending a
//     Heartbeat and MeterValues every 60 s: the silo's CPU (share of one core) and memory while it holds them;
//  2. re-plans of the 300-charger area with all its chargers connected and two drivers' requests per charger:
//     the time from the re-plan request to each charger receiving its new SetChargingProfile (p50/p99).
var argsList = args.ToList();
int Arg(string name, int fallback) => argsList.IndexOf(name) is var i and >= 0 && i + 1 < argsList.Count ? int.Parse(argsList[i + 1], CultureInfo.InvariantCulture) : fallback;
var connections = Arg("--connections", 5000);
var steadySeconds = Arg("--steady-seconds", 120);
var replans = Arg("--replans", 10);
var areaSize = Arg("--area-chargers", 300);
// --silo-log <file>: the silo's output, with the re-plan and profile timing spans (Debug) of the area grains.
var siloLog = argsList.IndexOf("--silo-log") is var logAt and >= 0 && logAt + 1 < argsList.Count ? argsList[logAt + 1] : null;
const string Password = "bench-charger-password";
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

var root = FindRoot();
Console.WriteLine("Building the silo (Release)...");
await Run("dotnet", $"build -c Release \"{Path.Combine(root, "src", "Silo", "Parking.Silo.csproj")}\" -v q -nologo");
var dll = Path.Combine(root, "src", "Silo", "bin", "Release", "net10.0", "Parking.Silo.dll");
var (httpPort, siloPort, gatewayPort) = (FreePort(), FreePort(), FreePort());
var baseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
var compoundFile = Path.Combine(Path.GetTempPath(), $"parking-bench-ocpp-{Environment.ProcessId}.json");
await File.WriteAllTextAsync(compoundFile, BigAreaCompound(areaSize).ToJsonString());
var start = new ProcessStartInfo("dotnet", [dll, "import", compoundFile]) { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
start.Environment["Urls"] = baseAddress.ToString().TrimEnd('/');
start.Environment["Parking__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
start.Environment["Parking__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
start.Environment["Parking__Cluster__ClusterId"] = $"parking-bench-ocpp-{Environment.ProcessId}";
start.Environment["Parking__Seed__Size"] = "Kangcheng";
start.Environment["Parking__Simulation__Chargers"] = "false";
start.Environment["Parking__Simulation__Shelters"] = "false";
start.Environment["Parking__Simulation__Gate"] = "false";
start.Environment["Parking__Auth__DevTokens"] = "true";
// The bench provisions thousands of charge points as one staff member: lift the per-person request limit.
start.Environment["Parking__Limits__UserRequestsPerSecond"] = "1000000";
start.Environment["Parking__Limits__UserBurst"] = "1000000";
start.Environment["Logging__LogLevel__Default"] = "Warning";
if (siloLog is not null)
{
    start.Environment["Logging__LogLevel__Parking.Grains.Charging"] = "Debug";
    start.Environment["Logging__LogLevel__Parking.Grains.Ocpp"] = "Debug";
}

using var siloOutput = siloLog is null ? null : new StreamWriter(siloLog) { AutoFlush = true };
using var silo = Process.Start(start)!;
silo.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (start) { siloOutput?.WriteLine(e.Data); } } };
silo.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (start) { siloOutput?.WriteLine(e.Data); } } };
silo.BeginOutputReadLine();
silo.BeginErrorReadLine();
using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
var clients = new ConcurrentBag<OcppChargePointClient>();
try
{
    await WaitReady();
    const string compound = BenchCompound;
    var staff = await Token(compound, "staff01");
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", staff);
    var areas = (await http.GetFromJsonAsync<ChargingAreaDto[]>($"api/compounds/{compound}/charging/areas", json))!;
    var largest = areas.OrderByDescending(a => a.Chargers).First();
    var plan = (await http.GetFromJsonAsync<ChargingPlanDto>($"api/compounds/{compound}/charging/areas/{largest.AreaId}/plan", json))!;
    var areaChargers = plan.Chargers.Select(c => c.Charger.ChargerId).ToList();

    // Charge points: the largest area's real chargers first, then made-up ones (Pending at boot: not bound to a space).
    var ids = areaChargers.Concat(Enumerable.Range(1, Math.Max(0, connections - areaChargers.Count)).Select(i => $"BENCH-{i:00000}")).Take(connections).ToList();
    var watch = Stopwatch.StartNew();
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
    {
        using var response = await http.PutAsJsonAsync($"api/compounds/{compound}/chargers/{id}/ocpp/password", new ChargePointPasswordBody(Password), json, ct);
        response.EnsureSuccessStatusCode();
    });
    Console.WriteLine($"Provisioned {ids.Count} charge points in {watch.Elapsed.TotalSeconds:0.0} s");

    var centralSystem = new Uri($"ws://127.0.0.1:{httpPort}/ocpp/");
    var profileArrivals = new ConcurrentDictionary<string, DateTimeOffset>();
    var arrived = new ConcurrentQueue<(string Id, long Timestamp)>();
    watch.Restart();
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, ct) =>
    {
        var chargePointId = $"{compound}.{id}";
        var client = await OcppChargePointClient.ConnectAsync(centralSystem, chargePointId, Password, onCall: (action, _) =>
        {
            if (action == "SetChargingProfile")
            {
                arrived.Enqueue((id, Stopwatch.GetTimestamp()));
            }

            return Task.FromResult<JsonObject?>(action switch
            {
                "GetConfiguration" => new JsonObject(),
                _ => new JsonObject { ["status"] = "Accepted" },
            });
        }, cancellationToken: ct);
        await client.CallAsync("BootNotification", new JsonObject { ["chargePointVendor"] = "Bench", ["chargePointModel"] = "Loopback" }, cancellationToken: ct);
        clients.Add(client);
    });
    Console.WriteLine($"Connected {clients.Count} charge points in {watch.Elapsed.TotalSeconds:0.0} s");

    // Phase 1: hold the connections, each sending a Heartbeat and MeterValues every 60 s (spread over the minute).
    using var stop = new CancellationTokenSource();
    var meter = 0L;
    var traffic = clients.Select((client, index) => Task.Run(async () =>
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(60_000.0 * index / clients.Count), stop.Token);
        }
        catch (OperationCanceledException)
        {
            // A steady window shorter than the minute ends before every client has started.
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            try
            {
                await client.CallAsync("Heartbeat", new JsonObject(), cancellationToken: stop.Token);
                await client.CallAsync("MeterValues", new JsonObject
                {
                    ["connectorId"] = 1,
                    ["meterValue"] = new JsonArray(new JsonObject
                    {
                        ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture),
                        ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = Interlocked.Increment(ref meter).ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" }),
                    }),
                }, cancellationToken: stop.Token);
                await Task.Delay(TimeSpan.FromSeconds(60), stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    })).ToList();
    await Task.Delay(TimeSpan.FromSeconds(20));
    silo.Refresh();
    var cpuBefore = silo.TotalProcessorTime;
    var wallBefore = Stopwatch.GetTimestamp();
    var peakWorkingSet = 0L;
    var privateBytes = 0L;
    var steady = Stopwatch.StartNew();
    while (steady.Elapsed < TimeSpan.FromSeconds(steadySeconds))
    {
        await Task.Delay(1000);
        silo.Refresh();
        peakWorkingSet = Math.Max(peakWorkingSet, silo.WorkingSet64);
        privateBytes = silo.PrivateMemorySize64;
    }

    silo.Refresh();
    var cores = (silo.TotalProcessorTime - cpuBefore).TotalSeconds / Stopwatch.GetElapsedTime(wallBefore).TotalSeconds;
    var open = clients.Count(c => c.State == System.Net.WebSockets.WebSocketState.Open);
    Console.WriteLine();
    Console.WriteLine($"== {open} OCPP connections held for {steadySeconds} s (Heartbeat + MeterValues every 60 s each) ==");
    Console.WriteLine($"silo CPU: {cores:0.000} of one core ({cores * 100:0.0}%)   target <= 0.250");
    Console.WriteLine($"silo memory: working set {peakWorkingSet / 1048576.0:0} MB (peak), private {privateBytes / 1048576.0:0} MB   target <= 1024 MB");
    await stop.CancelAsync();
    await Task.WhenAll(traffic);

    // Phase 2: re-plans of the largest area, every one of its chargers connected; drivers' requests give them turns.
    if (replans == 0)
    {
        return;
    }

    var residents = Enumerable.Range(1, areaChargers.Count * 2).Select(i => $"r{i:00000}").ToList();
    var asked = 0;
    foreach (var resident in residents)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/compounds/{compound}/charging/areas/{largest.AreaId}/requests")
        {
            Content = JsonContent.Create(new ChargingRequestBody($"沪B{asked:00000}", 10, null, null, null, null, DateTimeOffset.UtcNow.AddHours(10), true), options: json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Token(compound, resident));
        using var response = await http.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            asked++;
        }
    }

    Console.WriteLine();
    Console.WriteLine($"== Re-plan to profile: area {largest.AreaId}, {areaChargers.Count} chargers connected, {asked} requests ==");
    var latencies = new List<double>();
    var finals = new List<double>();
    var areaSet = areaChargers.ToHashSet(StringComparer.Ordinal);
    var failedReplans = 0;
    var capacity = largest.SiteCapacityKw;
    for (var round = 0; round < replans; round++)
    {
        arrived.Clear();
        capacity = round % 2 == 0 ? Math.Max(7, Math.Round(largest.SiteCapacityKw / 2)) : largest.SiteCapacityKw;
        var sent = Stopwatch.GetTimestamp();
        using var replan = await http.PutAsJsonAsync($"api/compounds/{compound}/charging/areas/{largest.AreaId}/site-capacity", new SiteCapacityBody(capacity), json);
        var answered = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        if (!replan.IsSuccessStatusCode)
        {
            // Reported, not fatal: a refused re-plan is a figure too.
            Console.WriteLine($"re-plan {round + 1} (site capacity {capacity} kW): refused with {(int)replan.StatusCode} after {Stopwatch.GetElapsedTime(sent).TotalMilliseconds:0} ms");
            failedReplans++;
            continue;
        }

        // Profiles keep arriving after the answer: wait until none came for 3 s (at most 60 s).
        var settled = Stopwatch.StartNew();
        var seen = -1;
        while (settled.Elapsed < TimeSpan.FromSeconds(60) && arrived.Count != seen)
        {
            seen = arrived.Count;
            await Task.Delay(TimeSpan.FromSeconds(3));
        }

        // Per charger: its first new profile (with a safe first profile, the current turns scaled into the new feed)
        // and its last one (the new plan's), each timed from the re-plan request.
        var byCharger = arrived.Where(a => areaSet.Contains(a.Id)).GroupBy(a => a.Id).ToList();
        var firsts = byCharger.Select(g => Stopwatch.GetElapsedTime(sent, g.Min(a => a.Timestamp)).TotalMilliseconds).ToList();
        var lasts = byCharger.Select(g => Stopwatch.GetElapsedTime(sent, g.Max(a => a.Timestamp)).TotalMilliseconds).ToList();
        latencies.AddRange(firsts);
        finals.AddRange(lasts);
        Console.WriteLine($"re-plan {round + 1} (site capacity {capacity} kW): answered after {answered:0} ms; {firsts.Count} chargers got a new profile ({byCharger.Sum(g => g.Count())} profiles), first profile slowest after {(firsts.Count == 0 ? 0 : firsts.Max()):0} ms, last profile slowest after {(lasts.Count == 0 ? 0 : lasts.Max()):0} ms");
    }

    static double Percentile(List<double> values, double p) => values.Count == 0 ? double.NaN : values.Order().ElementAt(Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1));
    Console.WriteLine($"re-plan request to first profile received: n={latencies.Count}  p50 {Percentile(latencies, 0.50):0} ms  p99 {Percentile(latencies, 0.99):0} ms  max {(latencies.Count == 0 ? double.NaN : latencies.Max()):0} ms   target p99 <= 2000 ms; {failedReplans} of {replans} re-plans refused");
    Console.WriteLine($"re-plan request to last profile received (the new plan's): n={finals.Count}  p50 {Percentile(finals, 0.50):0} ms  p99 {Percentile(finals, 0.99):0} ms  max {(finals.Count == 0 ? double.NaN : finals.Max()):0} ms");
}
finally
{
    await Parallel.ForEachAsync(clients, async (c, _) => await c.DisposeAsync());
    File.Delete(compoundFile);
    if (!silo.HasExited)
    {
        silo.Kill(entireProcessTree: true);
        await silo.WaitForExitAsync();
    }
}

// One building, one lot of EV spaces and one charging area of n chargers (7 kW each, a feed for a third of them
// at once), two residents per charger and one staff member: a compound file as an operator would import it.
static JsonObject BigAreaCompound(int n)
{
    var spaces = new JsonArray();
    var chargers = new JsonArray();
    var households = new JsonArray();
    var people = new JsonArray { new JsonObject { ["id"] = "staff01", ["name"] = "Bench staff", ["role"] = "staff" } };
    for (var i = 1; i <= n; i++)
    {
        var space = $"P-{i:000}";
        spaces.Add(new JsonObject { ["id"] = space, ["lotId"] = "P1", ["kind"] = "ev", ["ownership"] = "common", ["position"] = new JsonArray(i % 50 * 3, i / 50 * 6), ["heading"] = 0 });
        chargers.Add(new JsonObject { ["id"] = $"C-{i:000}", ["maxKw"] = 7, ["spaceIds"] = new JsonArray(space) });
    }

    for (var i = 1; i <= n * 2; i++)
    {
        var household = $"H{i:00000}";
        households.Add(new JsonObject { ["id"] = household, ["buildingId"] = "B01", ["unit"] = $"B01-{i}", ["areaM2"] = 90 });
        people.Add(new JsonObject { ["id"] = $"r{i:00000}", ["name"] = $"Resident {i}", ["role"] = "resident", ["householdId"] = household });
    }

    return new JsonObject
    {
        ["version"] = 1,
        ["compound"] = new JsonObject { ["id"] = BenchCompound, ["name"] = "OCPP bench compound", ["utcOffset"] = "+08:00" },
        ["frame"] = "local",
        ["buildings"] = new JsonArray(new JsonObject { ["id"] = "B01", ["name"] = "Building 1", ["position"] = new JsonArray(0, -20) }),
        ["households"] = households,
        ["lots"] = new JsonArray(new JsonObject
        {
            ["id"] = "P1", ["name"] = "Charging lot", ["kind"] = "surface",
            ["outline"] = new JsonArray(new JsonArray(-5, -5), new JsonArray(160, -5), new JsonArray(160, 45), new JsonArray(-5, 45)),
            ["entrances"] = new JsonArray(new JsonArray(0, -5)),
        }),
        ["spaces"] = spaces,
        ["chargingAreas"] = new JsonArray(new JsonObject { ["id"] = "CA-P1", ["name"] = "Charging lot", ["lotId"] = "P1", ["feedKw"] = n * 7 / 3, ["chargers"] = chargers }),
        ["people"] = people,
    };
}

async Task WaitReady()
{
    var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
    while (true)
    {
        try
        {
            using var ready = await http.GetAsync("health/ready");
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        if (DateTimeOffset.UtcNow > deadline || silo.HasExited)
        {
            throw new InvalidOperationException("The silo did not become ready.");
        }

        await Task.Delay(500);
    }
}

async Task<string> Token(string compound, string user)
{
    using var response = await http.PostAsJsonAsync("api/dev/token", new DevTokenRequest(compound, user), json);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<DevTokenResponse>(json))!.AccessToken;
}

static async Task Run(string file, string arguments)
{
    using var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false })!;
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}).");
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Parking.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run the benchmark from inside the repository.");
}

internal static partial class Program
{
    private const string BenchCompound = "bench-ocpp";
}
