using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.Playwright;
using Parking.Testing;

namespace Parking.Browser.Tests;

/// <summary>
/// One real silo process (the silo project's build output, embedded default, small demo compound) serving
/// the web app on a free loopback port, and one headless Debian Chromium driven by Playwright, shared by
/// every browser test (see <see cref="WebAppCollection"/>). Playwright never downloads a browser: it launches /usr/bin/chromium, which
/// <see cref="Chromium.Ensure"/> installs first when it is missing.
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly StringBuilder _log = new();
    private readonly Lock _logGate = new();
    private Process? _silo;
    private IPlaywright? _playwright;
    private Dictionary<string, string>? _environment;

    public Uri BaseAddress { get; private set; } = new("http://invalid.localhost/");

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots under the repository root (ignored by git).</summary>
    public string Screenshots { get; } = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    public static string SiloAssembly { get; } = typeof(WebAppFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SiloAssembly").Value!;

    public async Task InitializeAsync()
    {
        Chromium.Ensure();

        // Generous waits: the CI machine is small and shared; a wait ends as soon as its condition holds.
        Assertions.SetDefaultExpectTimeout(30_000);
        Directory.CreateDirectory(Screenshots);
        _silo = StartSilo();
        await WaitUntilReadyAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });

        // Warm-up: the first load makes the silo read and compress-negotiate every asset once; on a loaded
        // machine it can take longer than a test's wait, so it happens here, outside any test.
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("h1").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
        await context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_silo is { HasExited: false } silo)
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }

        _silo?.Dispose();
    }

    /// <summary>
    /// Stops the silo (killed, as a crash would), runs <paramref name="whileDown"/>, and starts it again on the
    /// same ports with the same token key, so pages keep their session. The embedded default keeps state in
    /// memory: the restarted silo holds only the demo seed.
    /// </summary>
    public async Task RestartSiloAsync(Func<Task> whileDown)
    {
        ArgumentNullException.ThrowIfNull(whileDown);
        _silo!.Kill(entireProcessTree: true);
        await _silo.WaitForExitAsync();
        _silo.Dispose();
        await whileDown();
        _silo = StartSilo();
        await WaitUntilReadyAsync();
    }

    /// <summary>The silo's output so far, for failure messages.</summary>
    public string SiloLog()
    {
        lock (_logGate)
        {
            return _log.ToString();
        }
    }

    /// <summary>A fresh browser context (its own session and local storage), optionally phone-sized; by default a
    /// browser whose own language is Chinese in China's zone.</summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 800, string locale = "zh-CN", string timezone = "Asia/Shanghai") =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            TimezoneId = timezone,
        });

    private Process StartSilo()
    {
        if (!File.Exists(SiloAssembly))
        {
            throw new InvalidOperationException($"Silo build output not found at {SiloAssembly}; build tests/Browser.Tests (it builds src/Silo).");
        }

        if (_environment is null)
        {
            var port = FreePorts.Next();
            BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloAssembly)!,
        };
        start.ArgumentList.Add(SiloAssembly);
        var environment = _environment ??= new Dictionary<string, string>
        {
            // A key of the fixture's own, kept across a restart, so a page's token stays good.
            ["Parking__Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            // As `dotnet run --project src/Silo`, which has no launch profile.
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Urls"] = BaseAddress.ToString().TrimEnd('/'),
            ["Parking__Cluster__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Parking__Cluster__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Parking__Cluster__ClusterId"] = string.Create(CultureInfo.InvariantCulture, $"browser-tests-{Environment.ProcessId}"),
            ["Parking__Seed__Size"] = "Small",
            // The tests make their own charging requests; simulated cars would compete for the same chargers.
            ["Parking__Simulation__Chargers"] = "false",
            ["Parking__Simulation__Shelters"] = "false",
            ["Parking__Simulation__Gate"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_silo!.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with {_silo.ExitCode} before it was ready.\n{SiloLog()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = response.StatusCode.ToString();
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                last = exception.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The silo was not ready within {ReadyTimeout.TotalSeconds} s (last: {last}).\n{SiloLog()}");
    }

    /// <summary>The nearest directory, from the test's output up, that holds Parking.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Parking.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Parking.sln above {AppContext.BaseDirectory}.");
    }
}
