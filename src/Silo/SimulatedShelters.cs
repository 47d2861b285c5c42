using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Shelters;
using Parking.Api.Devices;
using Parking.Grains;
using Parking.Grains.Devices;

namespace Parking.Silo;

public static class SimulatedSheltersHosting
{
    /// <summary>The simulated shelter driver (the shelter rules themselves are bound with the others, <c>AddParkingRules</c>).</summary>
    public static WebApplicationBuilder AddShelters(this WebApplicationBuilder builder)
    {
        builder.AddEmbeddedMqttBroker(builder.AddShelterControllers());
        builder.Services.AddHostedService<SimulatedShelters>();
        return builder;
    }
}

/// <summary>
/// Plays the demo compound's shelters over the real path: every shelter gets controller credentials (as staff
/// would issue them) and a <see cref="SimulatedShelterController"/> that connects to the MQTT broker, reports
/// telemetry and port states and carries out the commands the shelter sends. Residents (through the shelter
/// grains, the path the app takes) plug e-bikes into free ports until about
/// <see cref="SimulationOptions.ShelterOccupancy"/> of the ports charge. A shelter with an alarm is left
/// alone until staff clear it.
/// </summary>
public sealed partial class SimulatedShelters(
    IGrainFactory grains,
    DemoCompoundInfo demo,
    IOptions<SimulationOptions> options,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ParkingClock time,
    ILogger<SimulatedShelters> logger) : BackgroundService
{
    private readonly SimulationOptions _options = options.Value;
    private readonly Random _random = new(2004);
    private readonly List<SimulatedShelterController> _controllers = [];
    private IReadOnlyList<CompoundUser> _residents = [];
    private DateTimeOffset _lastTick;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!demo.Seeded || !_options.Shelters || services.GetService<MqttBrokerEndpoint>() is not { } broker)
        {
            return;
        }

        // Ends as the host's stop begins, before the broker and the silo stop (SimulationStop).
        using var stopping = SimulationStop.Link(lifetime, stoppingToken);
        stoppingToken = stopping.Token;
        try
        {
            while (!await grains.Compound(demo.CompoundId).IsInitialized())
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }

            var shelters = await grains.Compound(demo.CompoundId).GetShelters();
            _residents = await grains.Compound(demo.CompoundId).GetUsers(UserRole.Resident, int.MaxValue);
            if (shelters.Count == 0 || _residents.Count == 0)
            {
                return;
            }

            var address = await broker.Address.WaitAsync(stoppingToken);
            foreach (var shelter in shelters)
            {
                stoppingToken.ThrowIfCancellationRequested();
                var secret = await grains.DeviceCredential(demo.CompoundId, DeviceKind.ShelterController, shelter.ShelterId).Issue();
                var controller = new SimulatedShelterController(demo.CompoundId, shelter.ShelterId, [.. shelter.PortIds], _options.ShelterSpeedUp, new Random(_random.Next()));
                try
                {
                    await controller.ConnectAsync(address, secret.Secret, stoppingToken);
                    _controllers.Add(controller);
                }
                catch (Exception exception) when (exception is not OperationCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    // One controller that cannot connect must not take the silo down; the shelter shows it offline.
                    LogConnectFailed(exception, shelter.ShelterId);
                    await controller.DisposeAsync();
                }
            }

            if (_controllers.Count == 0)
            {
                return;
            }

            shelters = [.. shelters.Where(s => _controllers.Any(c => c.ShelterId == s.ShelterId))];

            LogStarted(demo.CompoundId, shelters.Count, shelters.Sum(s => s.Ports), address.Port);
            _lastTick = time.GetUtcNow();
            using var timer = new PeriodicTimer(_options.ShelterTick);
            var first = true;
            do
            {
                var now = time.GetUtcNow();
                var elapsed = first ? TimeSpan.Zero : now - _lastTick;
                _lastTick = now;
                for (var i = 0; i < shelters.Count; i++)
                {
                    try
                    {
                        await Tick(shelters[i], _controllers[i], elapsed, plugIn: !first, stoppingToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException && !stoppingToken.IsCancellationRequested)
                    {
                        LogTickFailed(exception, shelters[i].ShelterId);
                    }
                }

                first = false;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a call cut off by the stop is not a fault of the simulation.
        }
        finally
        {
            foreach (var controller in _controllers)
            {
                await controller.DisposeAsync();
            }
        }
    }

    private async Task Tick(ShelterDefinition definition, SimulatedShelterController controller, TimeSpan elapsed, bool plugIn, CancellationToken cancellationToken)
    {
        await controller.TickAsync(elapsed, cancellationToken);
        var shelter = grains.Shelter(demo.CompoundId, definition.ShelterId);
        if (!plugIn || await shelter.GetSnapshot() is not { } snapshot || snapshot.Alarm is not null)
        {
            return;
        }

        var charging = snapshot.Ports.Count(p => p.Status == PortStatus.Charging);
        var target = (int)Math.Round(definition.Ports * _options.ShelterOccupancy);
        foreach (var port in snapshot.Ports.Where(p => p.Status == PortStatus.Free))
        {
            if (charging >= target || _random.NextDouble() > 0.3)
            {
                continue;
            }

            var resident = _residents[_random.Next(_residents.Count)];
            if ((await shelter.StartSession(new StartSessionCommand(resident.UserId, port.PortId, "simulated e-bike"))).IsSuccess)
            {
                charging++;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating e-bikes in {Shelters} shelter(s) ({Ports} ports) of {CompoundId}: one MQTT controller per shelter on port {MqttPort}")]
    private partial void LogStarted(string compoundId, int shelters, int ports, int mqttPort);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated shelter controller {ShelterId} could not connect to the MQTT broker")]
    private partial void LogConnectFailed(Exception exception, string shelterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated shelter {ShelterId} could not report")]
    private partial void LogTickFailed(Exception exception, string shelterId);
}
