using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Parking.Bench;
using Parking.Contracts;

namespace Parking.Bench.Devices;

/// <summary>
/// Gate cameras and shelter controllers against a real silo (Release build, Kangcheng demo compound, the
/// embedded MQTT broker): gate decisions per second and their latency at a fixed 50 events/s; 40 shelter
/// controllers reporting every port every 10 s and the silo's CPU (the broker runs inside it); and the time
/// from a smoke message to the all-off command that cuts every port. Prints figures; asserts nothing.
/// </summary>
internal static class Program
{
    private const string Compound = "kangcheng";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var gateRate = Arg(args, "--gate-rate", 50);
        var gateSeconds = Arg(args, "--gate-seconds", 30);
        var cpuSeconds = Arg(args, "--cpu-seconds", 60);
        var smokeRounds = Arg(args, "--smoke-rounds", 3);
        using var cancel = new CancellationTokenSource();
        using var interrupt = ChildProcesses.CancelOnInterrupt(cancel);

        var mqttPort = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Parking__Seed__Size"] = "Kangcheng",
            ["Parking__Mqtt__EmbeddedPort"] = mqttPort.ToString(CultureInfo.InvariantCulture),

            // The bench's one staff member and its residents make far more requests than a person would.
            ["Parking__Limits__UserRequestsPerSecond"] = "10000",
            ["Parking__Limits__UserBurst"] = "10000",
        };
        await using var silo = await SiloProcess.StartAsync(SiloProcess.FindRepositoryRoot(), environment, "in-memory storage, embedded MQTT broker", cancel.Token);
        using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var staff = await Token(http, "staff01");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; silo pid {silo.ProcessId}; MQTT broker 127.0.0.1:{mqttPort}");

        // Shelters: 40 controllers with their own credentials, a quarter of the ports charging.
        var shelters = await Get<ShelterDto[]>(http, $"/api/compounds/{Compound}/shelters/live", staff);
        var controllers = new List<BenchController>();
        foreach (var shelter in shelters)
        {
            var credentials = await Post<ControllerCredentialsDto>(http, $"/api/compounds/{Compound}/shelters/{shelter.ShelterId}/controller/credentials", staff, null);
            var controller = new BenchController(shelter.ShelterId, [.. shelter.Ports.Select(p => p.PortId)]);
            await controller.ConnectAsync(mqttPort, credentials.Username, credentials.Password, cancel.Token);
            controllers.Add(controller);
        }

        await Task.WhenAll(controllers.Select(c => c.TelemetryAsync(0.1)));
        var resident = 1;
        foreach (var shelter in shelters)
        {
            foreach (var port in shelter.Ports.Take(shelter.Ports.Count / 4))
            {
                var token = await Token(http, $"r{resident++:00000}");
                using var started = await Send(http, HttpMethod.Post, $"/api/compounds/{Compound}/shelters/{shelter.ShelterId}/sessions", token, new StartShelterSessionRequest(port.PortId, "bench"));
            }
        }

        Console.WriteLine($"Shelters: {controllers.Count} controllers, {controllers.Sum(c => c.Ports.Count)} ports, {controllers.Sum(c => c.OnPorts)} charging");
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
        var reporters = controllers.Select((c, i) => c.ReportEveryAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.0 * i / controllers.Count), reporting.Token)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(15), cancel.Token);
        var cpuBefore = silo.Cpu.Read()!.Value;
        var wall = Stopwatch.StartNew();
        var messagesBefore = controllers.Sum(c => c.Published);
        await Task.Delay(TimeSpan.FromSeconds(cpuSeconds), cancel.Token);
        var cores = (silo.Cpu.Read()!.Value - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
        var rate = (controllers.Sum(c => c.Published) - messagesBefore) / wall.Elapsed.TotalSeconds;
        Console.WriteLine($"Controllers' steady load: {rate:0.0} MQTT messages/s for {wall.Elapsed.TotalSeconds:0} s; broker + silo CPU {cores:0.000} core (target <= 0.1)");

        // Smoke: from the telemetry message to the all-off command that cuts every port, while the others keep reporting.
        var smoke = new List<long>();
        for (var round = 0; round < smokeRounds; round++)
        {
            foreach (var controller in controllers)
            {
                smoke.Add(await controller.SmokeToAllOffAsync(cancel.Token));
                using var cleared = await Send(http, HttpMethod.Post, $"/api/compounds/{Compound}/shelters/{controller.ShelterId}/alarm/clear", staff, null);
            }
        }

        var smokeSummary = LatencySummary.From(smoke);
        Console.WriteLine($"Smoke message -> all-off command: n={smokeSummary.Count} p50 {smokeSummary.P50:0.0} ms, p99 {smokeSummary.P99:0.0} ms, max {smokeSummary.Max:0.0} ms (target p99 <= 1000 ms)");

        // Gates: five gates; a fixed rate of signed events (entries with a booking, their exits, unknown plates,
        // residents' own cars), each answered open or deny; the controllers keep reporting meanwhile.
        var gates = new Dictionary<string, string>();
        foreach (var gate in Enumerable.Range(1, 40).Select(i => $"g{i}"))
        {
            gates[gate] = (await Post<GateCredentialsDto>(http, $"/api/compounds/{Compound}/gates/{gate}/credentials", staff, null)).Secret;
        }

        var total = gateRate * gateSeconds;
        var booked = total / 4;
        var start = DateTimeOffset.UtcNow.AddMinutes(5);
        var plates = new List<string>();
        for (var i = 0; i < booked; i++)
        {
            var token = await Token(http, $"r{2000 + i:00000}");
            var plate = string.Create(CultureInfo.InvariantCulture, $"沪Z{i:00000}");
            var search = await Get<AvailabilityResultDto>(http, $"/api/compounds/{Compound}/availability?start={Q(start)}&end={Q(start.AddHours(3))}&limit=1", token);
            using var reserved = await Send(http, HttpMethod.Post, $"/api/compounds/{Compound}/reservations", token, new ReserveRequest(search.Spaces[0].SpaceId, start, start.AddHours(3), plate));
            if (reserved.IsSuccessStatusCode)
            {
                plates.Add(plate);
            }
        }

        var ownCars = new List<string>();
        for (var i = 0; ownCars.Count < booked && i < booked * 4; i++)
        {
            var user = await DevUser(http, $"r{5000 + i:00000}");
            ownCars.AddRange(user.Plates.Take(1));
        }

        await Task.Delay(TimeSpan.FromSeconds(2), cancel.Token);
        var events = new List<(string Direction, string Plate)>();
        events.AddRange(plates.Select(p => ("in", p)));
        events.AddRange(Enumerable.Range(0, booked).Select(i => ("in", string.Create(CultureInfo.InvariantCulture, $"苏Y{i:00000}"))));
        events.AddRange(ownCars.Select(p => ("in", p)));
        var random = new Random(15);
        var entries = events.OrderBy(_ => random.Next()).ToList();
        var schedule = entries.Concat(plates.Select(p => ("out", p))).ToList();
        var latencies = new ConcurrentBag<long>();
        var reasons = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = 0;
        var interval = TimeSpan.FromSeconds(1.0 / gateRate);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        for (var i = 0; i < schedule.Count; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancel.Token);
            }

            var (direction, plate) = schedule[i];
            var gate = $"g{(i % 5) + 1}";
            var eventId = string.Create(CultureInfo.InvariantCulture, $"bench-{i:000000}");
            inFlight.Add(Task.Run(async () =>
            {
                var began = Stopwatch.GetTimestamp();
                using var response = await PostGateEvent(http, gate, gates[gate], eventId, direction, plate);
                var elapsed = Stopwatch.GetTimestamp() - began;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    return;
                }

                latencies.Add(elapsed);
                var decision = (await response.Content.ReadFromJsonAsync<GateDecisionDto>(Json))!;
                reasons.AddOrUpdate(decision.Reason.WireName(), 1, (_, n) => n + 1);
            }));
        }

        await Task.WhenAll(inFlight);
        var seconds = clock.Elapsed.TotalSeconds;
        var gateSummary = LatencySummary.From([.. latencies]);
        Console.WriteLine($"Gate events at {gateRate}/s offered: {gateSummary.Count} decided in {seconds:0.0} s = {gateSummary.Count / seconds:0.0} decisions/s, {failures} failed; p50 {gateSummary.P50:0.0} ms, p99 {gateSummary.P99:0.0} ms, max {gateSummary.Max:0.0} ms (target p99 <= 100 ms)");
        Console.WriteLine("Gate decisions by reason: " + string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));

        // As many gate events as the silo takes: 32 cameras posting back to back for 10 s, spread over 40 gates
        // (each gate is held to Parking:Limits:DeviceRequestsPerSecond; refused requests are counted apart).
        var burst = new ConcurrentBag<long>();
        var burstClock = Stopwatch.StartNew();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            while (burstClock.Elapsed < TimeSpan.FromSeconds(10))
            {
                var n = Interlocked.Increment(ref next);
                var gate = $"g{(n % 40) + 1}";
                var began = Stopwatch.GetTimestamp();
                using var response = await PostGateEvent(http, gate, gates[gate], $"burst-{n:0000000}", "in", string.Create(CultureInfo.InvariantCulture, $"浙X{n % 100000:00000}"));
                if (response.IsSuccessStatusCode)
                {
                    burst.Add(Stopwatch.GetTimestamp() - began);
                }
            }
        })));
        var burstSummary = LatencySummary.From([.. burst]);
        Console.WriteLine($"Gate events closed loop, 32 cameras: {burstSummary.Count / burstClock.Elapsed.TotalSeconds:0.0} decisions/s; p50 {burstSummary.P50:0.0} ms, p99 {burstSummary.P99:0.0} ms");

        await reporting.CancelAsync();
        await Task.WhenAll(reporters.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        foreach (var controller in controllers)
        {
            await controller.DisposeAsync();
        }

        return 0;
    }

    private static async Task<HttpResponseMessage> PostGateEvent(HttpClient http, string gate, string secret, string eventId, string direction, string plate)
    {
        var path = $"/api/compounds/{Compound}/gates/{gate}/events";
        var body = JsonSerializer.SerializeToUtf8Bytes(new GateEventRequest(eventId, direction, plate, "blue", 0.96, DateTimeOffset.UtcNow, null), Json);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(GateSigning.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(GateSigning.SignatureHeader, GateSigning.Sign(secret, timestamp, "POST", path, body));
        return await http.SendAsync(request);
    }

    private static async Task<string> Token(HttpClient http, string userId)
    {
        using var response = await http.PostAsJsonAsync("/api/dev/token", new DevTokenRequest(Compound, userId), Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DevTokenResponse>(Json))!.AccessToken;
    }

    private static async Task<UserDto> DevUser(HttpClient http, string userId)
    {
        using var response = await http.PostAsJsonAsync("/api/dev/token", new DevTokenRequest(Compound, userId), Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DevTokenResponse>(Json))!.User;
    }

    private static async Task<T> Get<T>(HttpClient http, string path, string token)
    {
        using var response = await Send(http, HttpMethod.Get, path, token, null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    private static async Task<T> Post<T>(HttpClient http, string path, string token, object? body)
    {
        using var response = await Send(http, HttpMethod.Post, path, token, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return await http.SendAsync(request);
    }

    private static string Q(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture));

    private static int Arg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A shelter controller for the benchmark: reports its ports, confirms every command at once, times the all-off after smoke.</summary>
internal sealed class BenchController(string shelterId, IReadOnlyList<string> ports) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, bool> _on = new(StringComparer.Ordinal);
    private TaskCompletionSource? _allOff;
    private long _published;

    public string ShelterId => shelterId;

    public IReadOnlyList<string> Ports => ports;

    public int OnPorts => _on.Count(p => p.Value);

    public long Published => Interlocked.Read(ref _published);

    public async Task ConnectAsync(int port, string username, string password, CancellationToken cancellationToken)
    {
        _client.ApplicationMessageReceivedAsync += async e =>
        {
            var command = JsonSerializer.Deserialize<ShelterCommandMessage>(e.ApplicationMessage.Payload.FirstSpan, Json)!;
            if (command.Action == ShelterTopics.Actions.AllOff)
            {
                _allOff?.TrySetResult();
                foreach (var p in ports)
                {
                    _on[p] = false;
                    await PublishAsync(ShelterTopics.PortState(Compound(username), shelterId, p), new PortStateMessage(false, 0, 0), CancellationToken.None);
                }
            }
            else if (command.Port is { } p)
            {
                _on[p] = command.Action == ShelterTopics.Actions.PortOn;
            }

            await PublishAsync(ShelterTopics.Acks(Compound(username), shelterId), new ShelterAckMessage(command.CommandId, true), CancellationToken.None);
        };
        _username = username;
        await _client.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials(username, password).WithClientId($"bench-{shelterId}")
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanSession().Build(),
            cancellationToken);
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ShelterTopics.Commands(Compound(username), shelterId), MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
    }

    private string _username = string.Empty;

    public Task TelemetryAsync(double smoke) =>
        PublishAsync(ShelterTopics.Telemetry(Compound(_username), shelterId), new ShelterTelemetryMessage(OnPorts * 180.0, 26, smoke), CancellationToken.None);

    /// <summary>One telemetry message and one state message per port every period (spread over the period).</summary>
    public async Task ReportEveryAsync(TimeSpan period, TimeSpan offset, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(offset, cancellationToken);
            using var timer = new PeriodicTimer(period);
            do
            {
                await TelemetryAsync(0.1);
                foreach (var port in ports)
                {
                    var on = _on.GetValueOrDefault(port);
                    await PublishAsync(ShelterTopics.PortState(Compound(_username), shelterId, port), new PortStateMessage(on, on ? 180 : 0, on ? 50 : 0), cancellationToken);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task<long> SmokeToAllOffAsync(CancellationToken cancellationToken)
    {
        _allOff = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var began = Stopwatch.GetTimestamp();
        await TelemetryAsync(5);
        await _allOff.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return Stopwatch.GetTimestamp() - began;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private static string Compound(string username) => username.Split('/')[0];

    private async Task PublishAsync<T>(string topic, T message, CancellationToken cancellationToken)
    {
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(JsonSerializer.SerializeToUtf8Bytes(message, Json)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(),
            cancellationToken);
        Interlocked.Increment(ref _published);
    }
}
