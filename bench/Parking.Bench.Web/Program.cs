using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;
using Parking.Contracts;

// The web app's first load: bytes on the wire (as served: brotli/gzip) and the time from navigation until the
// driver page's search form is rendered and interactive, medians over N cold runs in Chromium, against a
// Release-published silo (the trimmed app) on loopback.
const double TargetMegabytes = 3.0;
const double TargetSeconds = 2.0;
const double TargetRepeatMs = 500;
const string ChromiumPath = "/usr/bin/chromium";

var runs = 5;
string? url = null;
var published = new List<string>();
var profile = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs" when i + 1 < args.Length:
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--url" when i + 1 < args.Length:
            url = args[++i];
            break;
        case "--profile":
            profile = true;
            break;
        case "--published" when i + 1 < args.Length:
            published.Add(Path.GetFullPath(args[++i]));
            break;
        case "--help" or "-h":
            Console.WriteLine("Parking.Bench.Web [--runs N (5)] [--profile (where a repeat visit's time goes: a CPU profile of it)] [--url http://127.0.0.1:PORT (a running silo) | --published DIR (start the silo already published there; repeat it to compare builds, their runs interleaved)] (default: publish src/Silo in Release and start it)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}; see --help.");
            return 2;
    }
}

if (!File.Exists(ChromiumPath))
{
    Console.Error.WriteLine($"Chromium is required at {ChromiumPath} (apt-get install -y chromium).");
    return 1;
}

var silos = new List<Process>();
string? publishDirectory = null;
try
{
    var targets = new List<(string Name, Uri BaseAddress)>();
    if (url is not null)
    {
        targets.Add((url, new Uri(url.TrimEnd('/') + "/")));
    }
    else if (published.Count > 0)
    {
        foreach (var directory in published)
        {
            var (started, startedUrl) = await StartSiloAsync(directory);
            silos.Add(started);
            targets.Add((Path.GetFileName(directory), new Uri(startedUrl + "/")));
        }
    }
    else
    {
        publishDirectory = Path.Combine(Path.GetTempPath(), $"parking-bench-web-{Environment.ProcessId}");
        await PublishAsync(FindRepositoryRoot(), publishDirectory);
        var (started, startedUrl) = await StartSiloAsync(publishDirectory);
        silos.Add(started);
        targets.Add(("Release", new Uri(startedUrl + "/")));
    }

    var sessions = new List<string>();
    foreach (var target in targets)
    {
        sessions.Add(await SignInAsync(target.BaseAddress));
    }

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });

    // One unmeasured load first: the silo's first requests pay for JIT and file-system caches.
    for (var t = 0; t < targets.Count; t++)
    {
        await LoadAsync(browser, targets[t].BaseAddress, sessions[t], profile: false);
    }

    var loads = targets.Select(_ => new List<Load>()).ToArray();
    for (var run = 1; run <= runs; run++)
    {
        // Builds compared take turns, so a change of the machine's load falls on all of them.
        for (var t = 0; t < targets.Count; t++)
        {
            var load = await LoadAsync(browser, targets[t].BaseAddress, sessions[t], profile);
            loads[t].Add(load);
            var label = targets.Count > 1 ? $"{targets[t].Name} " : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}run {run}: {load.Bytes / 1e6:0.000} MB in {load.Requests} requests ({load.FrameworkBytes / 1e6:0.000} MB _framework), usable after {load.UsableMs:0} ms (warm reload {load.WarmUsableMs:0} ms, {load.WarmBytes / 1e3:0.0} kB; repeat visit with the service worker {load.RepeatUsableMs:0} ms, {load.RepeatFromWorker} of {load.RepeatRequests} requests from it, {load.RepeatBytes / 1e3:0.0} kB) [load average {LoadAverage()}]"));
            var p = load.RepeatPhases;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"       repeat visit: document {p.DocumentMs:0} ms, runtime's native wasm {p.NativeWasmMs:0} ms, last _framework file {p.FrameworkMs:0} ms, app's first render {p.FirstRenderMs:0} ms, usable {load.RepeatUsableMs:0} ms"));
        }
    }

    for (var t = 0; t < targets.Count; t++)
    {
        var cold = loads[t];
        var bytes = Median(cold.Select(l => l.Bytes));
        var usable = Median(cold.Select(l => l.UsableMs));
        Console.WriteLine();
        Console.WriteLine($"| {targets[t].Name}: measure (median of {runs} cold loads, loopback) | value | target | met |");
        Console.WriteLine("| --- | --- | --- | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| first load, bytes transferred (compressed as served) | {bytes / 1e6:0.00} MB | ≤ {TargetMegabytes} MB | {(bytes <= TargetMegabytes * 1e6 ? "yes" : "no")} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| of which _framework (runtime, assemblies, ICU) | {Median(cold.Select(l => l.FrameworkBytes)) / 1e6:0.00} MB | | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| navigation → driver search form usable | {usable:0} ms | ≤ {TargetSeconds * 1000:0} ms | {(usable <= TargetSeconds * 1000 ? "yes" : "no")} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| warm reload (browser cache) → usable | {Median(cold.Select(l => l.WarmUsableMs)):0} ms, {Median(cold.Select(l => l.WarmBytes)) / 1e3:0.0} kB | | |"));
        var repeat = Median(cold.Select(l => l.RepeatUsableMs));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| repeat visit (new tab, service worker's cache) → usable | {repeat:0} ms, {Median(cold.Select(l => l.RepeatBytes)) / 1e3:0.0} kB | ≤ {TargetRepeatMs:0} ms | {(repeat <= TargetRepeatMs ? "yes" : "no")} |"));
    }

    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}.");
    return 0;
}
finally
{
    foreach (var silo in silos)
    {
        if (!silo.HasExited)
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }

        silo.Dispose();
    }

    if (publishDirectory is not null && Directory.Exists(publishDirectory))
    {
        Directory.Delete(publishDirectory, recursive: true);
    }
}

static async Task<Load> LoadAsync(IBrowser browser, Uri baseAddress, string session, bool profile)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
    // Signed in already (as after the sign-in page), Chinese: the measure is the driver page itself.
    await context.AddInitScriptAsync($"sessionStorage.setItem('parking.session', {JsonSerializer.Serialize(session)}); localStorage.setItem('parking.culture', 'zh-CN');");
    await context.AddInitScriptAsync(FirstRenderScript);
    var page = await context.NewPageAsync();
    var errors = new List<string>();
    page.Console += (_, message) =>
    {
        if (message.Type == "error")
        {
            lock (errors)
            {
                errors.Add(message.Text);
            }
        }
    };
    var cdp = await context.NewCDPSessionAsync(page);
    await cdp.SendAsync("Network.enable");
    var lockObject = new Lock();
    var urls = new Dictionary<string, string>();
    double total = 0, framework = 0;
    var requests = 0;
    cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
    {
        if (e is { } value)
        {
            lock (lockObject)
            {
                urls[value.GetProperty("requestId").GetString()!] = value.GetProperty("request").GetProperty("url").GetString()!;
            }
        }
    };
    cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
    {
        if (e is not { } value)
        {
            return;
        }

        var length = value.GetProperty("encodedDataLength").GetDouble();
        lock (lockObject)
        {
            total += length;
            requests++;
            if (urls.TryGetValue(value.GetProperty("requestId").GetString()!, out var requestUrl) && requestUrl.Contains("/_framework/", StringComparison.Ordinal))
            {
                framework += length;
            }
        }
    };

    await page.GotoAsync("driver");
    double usable;
    try
    {
        usable = await UsableAtAsync(page);
    }
    catch (TimeoutException)
    {
        lock (errors)
        {
            throw new InvalidOperationException("The driver page never became usable. Browser console errors:\n" + string.Join('\n', errors));
        }
    }

    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    double coldBytes, coldFramework;
    int coldRequests;
    lock (lockObject)
    {
        (coldBytes, coldFramework, coldRequests) = (total, framework, requests);
        total = 0;
    }

    await page.ReloadAsync();
    var warm = await UsableAtAsync(page);
    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    double warmBytes;
    lock (lockObject)
    {
        warmBytes = total;
    }

    // A repeat visit: once the service worker holds the shell, a new tab of the same browser profile opens the app.
    await WaitForServiceWorkerShellAsync(page);
    var (repeatUsable, repeatBytes, repeatRequests, fromWorker, phases) = await RepeatVisitAsync(context, profile);
    return new Load(coldBytes, coldFramework, coldRequests, usable, warm, warmBytes, repeatUsable, repeatBytes, repeatRequests, fromWorker, phases);
}

static async Task WaitForServiceWorkerShellAsync(IPage page)
{
    var clock = Stopwatch.StartNew();
    while (!await page.EvaluateAsync<bool>("async () => { const r = await navigator.serviceWorker.getRegistration(); return !!(r && r.active) && !!(await caches.match('/')); }"))
    {
        if (clock.Elapsed > TimeSpan.FromSeconds(60))
        {
            throw new TimeoutException("The service worker did not install the app shell within 60 s.");
        }

        await Task.Delay(100);
    }
}

static async Task<(double UsableMs, double Bytes, int Requests, int FromWorker, Phases Phases)> RepeatVisitAsync(IBrowserContext context, bool profile)
{
    var page = await context.NewPageAsync();
    var cdp = await context.NewCDPSessionAsync(page);
    await cdp.SendAsync("Network.enable");
    var gate = new Lock();
    double bytes = 0;
    int requests = 0, fromWorker = 0;
    cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
    {
        if (e is { } value && value.GetProperty("response").TryGetProperty("fromServiceWorker", out var worker) && worker.GetBoolean())
        {
            lock (gate)
            {
                fromWorker++;
            }
        }
    };
    cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
    {
        if (e is { } value)
        {
            lock (gate)
            {
                bytes += value.GetProperty("encodedDataLength").GetDouble();
                requests++;
            }
        }
    };
    if (profile)
    {
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 200 });
        await cdp.SendAsync("Profiler.start");
    }

    await page.GotoAsync("driver");
    var usable = await UsableAtAsync(page);
    if (profile && await cdp.SendAsync("Profiler.stop") is { } stopped)
    {
        PrintProfile(stopped.GetProperty("profile"));
    }

    var phases = await page.EvaluateAsync<double[]>(PhasesScript);
    if (Environment.GetEnvironmentVariable("PARKING_BENCH_TRACE") == "1")
    {
        // Every resource of the repeat visit: start, end (ms since navigation), name.
        foreach (var line in await page.EvaluateAsync<string[]>("() => performance.getEntriesByType('resource').map(e => Math.round(e.startTime) + '\\t' + Math.round(e.responseEnd) + '\\t' + e.name.replace(location.origin, ''))"))
        {
            Console.WriteLine("       " + line);
        }
    }
    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    await page.CloseAsync();
    lock (gate)
    {
        return (usable, bytes, requests, fromWorker, new Phases(phases[0], phases[1], phases[2], phases[3]));
    }
}

// Self time by function and by kind (the runtime's wasm, JavaScript, garbage collection, idle) of a CDP CPU
// profile; wasm functions are named from the runtime pack's symbol map when the names were stripped.
static void PrintProfile(JsonElement profile)
{
    var symbols = WasmSymbols();
    var names = new Dictionary<int, (string Name, string Kind)>();
    foreach (var node in profile.GetProperty("nodes").EnumerateArray())
    {
        var frame = node.GetProperty("callFrame");
        var name = frame.GetProperty("functionName").GetString() ?? "";
        var script = frame.GetProperty("url").GetString() ?? "";
        var kind = name.StartsWith('(') ? name : script.Contains(".wasm", StringComparison.Ordinal) || name.StartsWith("wasm-function[", StringComparison.Ordinal) ? "wasm (runtime, interpreter)" : "JavaScript " + Path.GetFileName(new Uri(script.Length == 0 ? "about:blank" : script).AbsolutePath);
        // V8 names a wasm function without a name section "wasm-function[index]".
        var index = name.StartsWith("wasm-function[", StringComparison.Ordinal) ? name["wasm-function[".Length..].TrimEnd(']') : "";
        if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && symbols.TryGetValue(number, out var symbol))
        {
            name = symbol;
        }

        names[node.GetProperty("id").GetInt32()] = (name.Length == 0 ? "(anonymous)" : name, kind);
    }

    var samples = profile.GetProperty("samples").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(e => e.GetDouble() / 1000).ToArray();
    var byName = new Dictionary<string, double>();
    var byKind = new Dictionary<string, double>();
    for (var i = 0; i + 1 < samples.Length; i++)
    {
        var (name, kind) = names[samples[i]];
        byName[name] = byName.GetValueOrDefault(name) + deltas[i + 1];
        byKind[kind] = byKind.GetValueOrDefault(kind) + deltas[i + 1];
    }

    Console.WriteLine("       profile of the repeat visit, self time by kind: " + string.Join(", ", byKind.OrderByDescending(p => p.Value).Take(8).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0} ms"))));
    Console.WriteLine("       top functions: " + string.Join(", ", byName.OrderByDescending(p => p.Value).Take(25).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0}"))));
}

static Dictionary<int, string> WasmSymbols()
{
    var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    var pack = Path.Combine(packages, "microsoft.netcore.app.runtime.mono.browser-wasm");
    var file = Directory.Exists(pack)
        ? Directory.GetDirectories(pack).Select(d => Path.Combine(d, "runtimes", "browser-wasm", "native", "dotnet.native.js.symbols")).Where(File.Exists).Order().LastOrDefault()
        : null;
    var map = new Dictionary<int, string>();
    foreach (var line in file is null ? [] : File.ReadLines(file))
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(line.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            map[index] = line[(colon + 1)..];
        }
    }

    return map;
}

// performance.now() when the search button is in the page and enabled: ms since the navigation started.
static async Task<double> UsableAtAsync(IPage page)
{
    var handle = await page.WaitForFunctionAsync(
        "() => { const b = document.querySelector('#search'); return b && !b.disabled && document.querySelector('#start') ? performance.now() : 0; }",
        null,
        new PageWaitForFunctionOptions { PollingInterval = 10, Timeout = 60_000 });
    return await handle.JsonValueAsync<double>();
}

static async Task<string> SignInAsync(Uri baseAddress)
{
    using var http = new HttpClient { BaseAddress = baseAddress };
    using var response = await http.PostAsJsonAsync("api/dev/token", new DevTokenRequest(null, "r00001"));
    response.EnsureSuccessStatusCode();
    return await response.Content.ReadAsStringAsync();
}

static async Task PublishAsync(string repositoryRoot, string output)
{
    Console.WriteLine($"Publishing src/Silo (with the web app, trimmed) in Release to {output}...");
    var clock = Stopwatch.StartNew();
    var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repositoryRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in new[] { "publish", Path.Combine("src", "Silo"), "-c", "Release", "-o", output, "--nologo", "-v", "q" })
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet publish.");
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await stdout}{await stderr}");
    }

    Console.WriteLine($"Published in {clock.Elapsed.TotalSeconds:0} s.");
}

static async Task<(Process Silo, string Url)> StartSiloAsync(string directory)
{
    var port = FreePort();
    var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
    var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(Path.Combine(directory, "Parking.Silo.dll"));
    start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
    start.Environment["DOTNET_ENVIRONMENT"] = "Production";
    start.Environment["Urls"] = url;
    start.Environment["Parking__Seed__Size"] = "Small";
    start.Environment["Parking__Cluster__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
    start.Environment["Parking__Cluster__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
    start.Environment["Parking__Cluster__ClusterId"] = string.Create(CultureInfo.InvariantCulture, $"bench-web-{Environment.ProcessId}");
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
    var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo.");
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"silo: {e.Data}"); } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromSeconds(120))
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"The silo exited with {process.ExitCode}.");
        }

        try
        {
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                Console.WriteLine($"Silo ready on {url} (pid {process.Id}).");
                return (process, url);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
        }

        await Task.Delay(250);
    }

    throw new TimeoutException("The silo was not ready within 120 s.");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Parking.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run the bench from inside the repository (no Parking.sln found above the current directory), or pass --url.");
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

internal sealed record Load(
    double Bytes,
    double FrameworkBytes,
    int Requests,
    double UsableMs,
    double WarmUsableMs,
    double WarmBytes,
    double RepeatUsableMs,
    double RepeatBytes,
    int RepeatRequests,
    int RepeatFromWorker,
    Phases RepeatPhases);

/// <summary>
/// Where a repeat visit's time goes, in ms since navigation: the page's document in, the last of the runtime's
/// files (dotnet.js, its native wasm, the assemblies, ICU) in, and the app's first render (the loading
/// indicator replaced). The rest up to "usable" is the driver page's own start.
/// </summary>
internal sealed record Phases(double DocumentMs, double NativeWasmMs, double FrameworkMs, double FirstRenderMs);

internal static partial class Program
{
    // Records when the app first replaces the loading indicator in #app (the app's first render).
    private const string FirstRenderScript = """
        new MutationObserver((_, observer) => {
            const app = document.getElementById('app');
            if (app && app.firstElementChild && !app.querySelector('.loading-progress')) {
                window.__parkingFirstRender = performance.now();
                observer.disconnect();
            }
        }).observe(document, { childList: true, subtree: true });
        """;

    private const string PhasesScript = """
        () => {
            const entries = performance.getEntriesByType('resource').filter(e => e.name.includes('/_framework/'));
            const end = pattern => Math.max(0, ...entries.filter(e => pattern.test(e.name)).map(e => e.responseEnd));
            const navigation = performance.getEntriesByType('navigation')[0];
            return [navigation ? navigation.responseEnd : 0, end(/dotnet\.native\.[^/]*wasm/), end(/./), window.__parkingFirstRender || 0];
        }
        """;
}
