using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Shelters;
using Parking.Grains;

namespace Parking.Silo;

/// <summary>
/// The simulated e-bike shelters (<c>Parking:Simulation</c>): on by default in the embedded default when
/// the demo compound is seeded, so the live shelter view moves without hardware.
/// </summary>
public sealed class ShelterSimulationOptions
{
    public const string SectionName = "Parking:Simulation";

    /// <summary>Simulate e-bikes charging in the demo compound's shelters; false turns it off.</summary>
    public bool Shelters { get; set; } = true;

    /// <summary>How often (real time) the simulated ports report and residents plug in.</summary>
    public TimeSpan ShelterTick { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times faster than real time a simulated battery fills, so a charge lasts minutes, not hours.</summary>
    public double ShelterSpeedUp { get; set; } = 30;

    /// <summary>The share of each shelter's ports the simulation keeps busy.</summary>
    public double ShelterOccupancy { get; set; } = 0.5;
}

public static class SimulatedSheltersHosting
{
    /// <summary>The simulated shelter driver (the shelter rules themselves are bound with the others, <c>AddParkingRules</c>).</summary>
    public static WebApplicationBuilder AddShelters(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShelterSimulationOptions>().BindConfiguration(ShelterSimulationOptions.SectionName);
        builder.Services.AddHostedService<SimulatedShelters>();
        return builder;
    }
}

/// <summary>
/// Plays the demo compound's e-bikes through the shelter grains, the path the HTTP endpoints take: residents
/// plug e-bikes into free ports until about <see cref="ShelterSimulationOptions.ShelterOccupancy"/> of the
/// ports charge; each port meters its battery, drawing the shelter's share of power (at most the charger's
/// rating) and tapering as the battery fills, then almost nothing once it is full, so the shelter's
/// full-battery cut-off ends the session. A shelter with an alarm is left alone until staff clear it.
/// </summary>
public sealed partial class SimulatedShelters(
    IGrainFactory grains,
    DemoCompoundInfo demo,
    IOptions<ShelterSimulationOptions> options,
    ParkingClock time,
    ILogger<SimulatedShelters> logger) : BackgroundService
{
    private const double FullBatteryWatts = 2;

    private readonly ShelterSimulationOptions _options = options.Value;
    private readonly Random _random = new(2004);
    private readonly Dictionary<string, Battery> _batteries = new(StringComparer.Ordinal);
    private IReadOnlyList<CompoundUser> _residents = [];
    private DateTimeOffset _lastTick;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!demo.Seeded || !_options.Shelters)
        {
            return;
        }

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

            LogStarted(demo.CompoundId, shelters.Count, shelters.Sum(s => s.Ports));
            _lastTick = time.GetUtcNow();
            using var timer = new PeriodicTimer(_options.ShelterTick);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                var elapsed = now - _lastTick;
                _lastTick = now;
                foreach (var shelter in shelters)
                {
                    try
                    {
                        await Tick(shelter, elapsed);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        LogTickFailed(exception, shelter.ShelterId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task Tick(ShelterDefinition definition, TimeSpan elapsed)
    {
        var shelter = grains.Shelter(demo.CompoundId, definition.ShelterId);
        if (await shelter.GetSnapshot() is not { } snapshot || snapshot.Alarm is not null)
        {
            return;
        }

        var charging = 0;
        foreach (var port in snapshot.Ports)
        {
            if (port.Session is not { } session || !_batteries.TryGetValue(session.SessionId, out var battery))
            {
                continue;
            }

            charging++;
            var power = battery.PowerW(snapshot.AllowanceWPerPort);
            battery.DeliveredWh += power * elapsed.TotalHours * _options.ShelterSpeedUp;
            await shelter.ReportPort(port.PortId, new PortReport(Math.Round(power, 1), Math.Round(battery.DeliveredWh, 1)));
        }

        // Batteries of sessions that ended (full, maximum length, alarm, stopped) are forgotten.
        var running = snapshot.Ports.Where(p => p.Session is not null).Select(p => p.Session!.SessionId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _batteries.Keys.Where(id => id.StartsWith(definition.ShelterId + "-", StringComparison.Ordinal) && !running.Contains(id)).ToList())
        {
            _batteries.Remove(gone);
        }

        var target = (int)Math.Round(definition.Ports * _options.ShelterOccupancy);
        foreach (var port in snapshot.Ports.Where(p => p.Status == PortStatus.Free))
        {
            if (charging >= target || _random.NextDouble() > 0.3)
            {
                continue;
            }

            var resident = _residents[_random.Next(_residents.Count)];
            var started = await shelter.StartSession(new StartSessionCommand(resident.UserId, port.PortId, "simulated e-bike"));
            if (started.Value is { } session)
            {
                _batteries[session.SessionId] = Battery.Random(_random);
                charging++;
            }
        }
    }

    /// <summary>A 48 V e-bike battery behind its charger: constant power, then a taper over the last part of the charge.</summary>
    private sealed class Battery(double needWh, double chargerW)
    {
        private const double TaperShare = 0.15;

        public double DeliveredWh { get; set; }

        public static Battery Random(Random random) => new(150 + (random.NextDouble() * 550), 150 + (random.NextDouble() * 100));

        public double PowerW(double allowanceW)
        {
            var remaining = needWh - DeliveredWh;
            if (remaining <= 0)
            {
                return FullBatteryWatts;
            }

            var bulk = Math.Min(chargerW, allowanceW);
            var taper = needWh * TaperShare;
            return remaining >= taper ? bulk : Math.Max(FullBatteryWatts * 3, bulk * remaining / taper);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating e-bikes in {Shelters} shelter(s) ({Ports} ports) of {CompoundId}")]
    private partial void LogStarted(string compoundId, int shelters, int ports);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated shelter {ShelterId} could not report")]
    private partial void LogTickFailed(Exception exception, string shelterId);
}
