using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Contracts;
using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Layout;
using Parking.Grains;
using Parking.Grains.Devices;

namespace Parking.Silo;

public static class SimulatedGateHosting
{
    /// <summary>
    /// Registers the simulated gate. Unless <c>Parking:Simulation:Gate</c> is set, it is on only for the embedded
    /// default's first silo, as the simulated chargers are: not with PostgreSQL, not on a second local silo.
    /// </summary>
    public static WebApplicationBuilder AddSimulatedGate(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<SimulatedGate>();
        return builder;
    }
}

/// <summary>
/// Plays the demo compound's barrier gate over the real path: at start it provisions the gate's own secret (as
/// staff would), then a camera on loopback posts HMAC-signed events to this host's gate endpoint. Simulated
/// residents book a standard space a few minutes ahead with a plate (through the resident grain, the path the
/// app takes); their car drives in shortly before the booking starts and out shortly before it ends, so the
/// gate checks them in and out. Now and then a car the compound does not know drives up and is denied, onto
/// the staff list.
/// </summary>
public sealed partial class SimulatedGate(
    IGrainFactory grains,
    DemoCompoundInfo demo,
    IOptions<SimulationOptions> options,
    IServer server,
    IHostApplicationLifetime lifetime,
    ParkingClock time,
    ILogger<SimulatedGate> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SimulationOptions _options = options.Value;
    private readonly Random _random = new(2004);
    private readonly List<SimulatedCar> _cars = [];
    private readonly string _run = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
    private IReadOnlyList<CompoundUser> _residents = [];
    private string _secret = string.Empty;
    private int _events;
    private int _plates;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!demo.Seeded || !_options.Gate)
        {
            return;
        }

        // Ends as the host's stop begins, before the web server it posts to and the silo stop (SimulationStop).
        using var stopping = SimulationStop.Link(lifetime, stoppingToken);
        stoppingToken = stopping.Token;
        try
        {
            await WhenStarted(stoppingToken);
            while (!await grains.Compound(demo.CompoundId).IsInitialized())
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }

            _residents = await grains.Compound(demo.CompoundId).GetUsers(UserRole.Resident, int.MaxValue);
            if (_residents.Count == 0)
            {
                return;
            }

            _secret = (await grains.DeviceCredential(demo.CompoundId, DeviceKind.Gate, _options.GateId).Issue()).Secret;
            using var http = new HttpClient { BaseAddress = OwnAddress(), Timeout = TimeSpan.FromSeconds(10) };
            LogStarted(demo.CompoundId, _options.GateId, http.BaseAddress!);
            using var timer = new PeriodicTimer(_options.GateTick);
            do
            {
                try
                {
                    await Tick(http, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    LogTickFailed(exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a post or call cut off by the stop is not a fault of the simulation.
        }
    }

    private async Task Tick(HttpClient http, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var car in _cars.ToList())
        {
            if (!car.In && now >= car.ArrivesAt)
            {
                var decision = await Post(http, "in", car.Plate, 0.9 + (_random.NextDouble() * 0.09), cancellationToken);
                car.In = true;
                LogPassed(car.Plate, "in", decision);
            }
            else if (car.In && now >= car.LeavesAt)
            {
                var decision = await Post(http, "out", car.Plate, 0.9 + (_random.NextDouble() * 0.09), cancellationToken);
                _cars.Remove(car);
                LogPassed(car.Plate, "out", decision);
            }
            else if (!car.In && now > car.LeavesAt)
            {
                _cars.Remove(car);
            }
        }

        if (_random.NextDouble() < _options.GateUnknownPlateShare)
        {
            var stranger = string.Create(CultureInfo.InvariantCulture, $"苏E{_random.Next(10000, 99999)}");
            LogPassed(stranger, "in", await Post(http, "in", stranger, 0.85 + (_random.NextDouble() * 0.14), cancellationToken));
        }

        for (var attempts = 0; _cars.Count < _options.GateCars && attempts < _options.GateCars; attempts++)
        {
            if (await Book(now) is { } car)
            {
                _cars.Add(car);
            }
        }
    }

    /// <summary>A resident books a free standard space a few minutes ahead for 15 to 45 minutes, giving a plate of the simulation's own.</summary>
    private async Task<SimulatedCar?> Book(DateTimeOffset now)
    {
        var start = now.AddMinutes(_random.Next(3, 11));
        var window = new TimeWindow(start, start.AddMinutes(_random.Next(15, 46)));
        var resident = _residents[_random.Next(_residents.Count)];
        var found = await grains.Availability(demo.CompoundId).Search(new AvailabilityQuery(window, SpaceKind.Standard, resident.BuildingId, 5));
        if (found.Value is not { Count: > 0 } spaces)
        {
            return null;
        }

        // 沪S and a serial of the simulation's own, so a simulated car is never a resident's registered one.
        var plate = string.Create(CultureInfo.InvariantCulture, $"沪S{(_plates++ % 90000) + 10000}");
        var space = spaces[_random.Next(spaces.Count)];
        var booked = await grains.Resident(demo.CompoundId, resident.UserId).Reserve(space.SpaceId, window, plate, $"sim-gate-{_run}-{plate}-{start.ToUnixTimeSeconds()}");
        if (booked.Value is not { } result)
        {
            return null;
        }

        // The car comes up to three minutes early (the gate checks it in from 15 minutes before the start) and
        // leaves a minute or two before its end.
        return new SimulatedCar(
            plate,
            result.Reservation.Window.Start.AddSeconds(-_random.Next(0, 180)),
            result.Reservation.Window.End.AddSeconds(-_random.Next(60, 120)));
    }

    /// <summary>Posts one event as a camera does: JSON body, signed with the gate's secret and the current unix time.</summary>
    private async Task<string> Post(HttpClient http, string direction, string plate, double confidence, CancellationToken cancellationToken)
    {
        var path = $"/api/compounds/{demo.CompoundId}/gates/{_options.GateId}/events";
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new GateEventRequest(
                string.Create(CultureInfo.InvariantCulture, $"sim-{_run}-{++_events:000000}"),
                direction,
                plate,
                "blue",
                Math.Round(confidence, 2),
                time.GetUtcNow(),
                null),
            Json);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(GateSigning.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(GateSigning.SignatureHeader, GateSigning.Sign(_secret, timestamp, "POST", path, body));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"{(int)response.StatusCode} {text}";
        }

        var decision = JsonSerializer.Deserialize<GateDecisionDto>(text, Json);
        return decision is null ? text : $"{decision.Decision.WireName()} ({decision.Reason.WireName()})";
    }

    private async Task WhenStarted(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    /// <summary>This host's own HTTP address, on loopback.</summary>
    private Uri OwnAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        foreach (var any in new[] { "://+", "://*", "://[::]", "://0.0.0.0" })
        {
            address = address.Replace(any, "://localhost", StringComparison.Ordinal);
        }

        return new Uri(address);
    }

    private sealed class SimulatedCar(string plate, DateTimeOffset arrivesAt, DateTimeOffset leavesAt)
    {
        public string Plate { get; } = plate;

        public DateTimeOffset ArrivesAt { get; } = arrivesAt;

        public DateTimeOffset LeavesAt { get; } = leavesAt;

        public bool In { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating gate camera {GateId} of {CompoundId}: signed events to {Address}")]
    private partial void LogStarted(string compoundId, string gateId, Uri address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated gate: {Plate} {Direction}: {Decision}")]
    private partial void LogPassed(string plate, string direction, string decision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated gate step failed")]
    private partial void LogTickFailed(Exception exception);
}
