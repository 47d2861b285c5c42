using System.Globalization;
using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Grains;
using Parking.Storage;

namespace Parking.Silo;

/// <summary>
/// The simulated charger driver (<c>Parking:Simulation</c>): on by default in the embedded default when the
/// demo compound is seeded, so the live charging view moves without hardware.
/// </summary>
public sealed class ChargerSimulationOptions
{
    public const string SectionName = "Parking:Simulation";

    /// <summary>Simulate the demo compound's chargers and drivers; false turns it off.</summary>
    public bool Chargers { get; set; } = true;

    /// <summary>How often (real time) the simulated chargers report and drivers act.</summary>
    public TimeSpan ChargerTick { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Open requests the simulation keeps in each area, as a share of its chargers.</summary>
    public double RequestsPerCharger { get; set; } = 1.0;

    /// <summary>Share of simulated drivers who never plug in (their turn becomes a no-show).</summary>
    public double NoShowShare { get; set; } = 0.1;
}

public static class SimulatedChargersHosting
{
    /// <summary>
    /// Registers the simulation. Unless <c>Parking:Simulation:Chargers</c> is set, it is on only for the embedded
    /// default's first silo: not with PostgreSQL (real deployments, and every silo would simulate), not on a
    /// second local silo.
    /// </summary>
    public static WebApplicationBuilder AddSimulatedChargers(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{ChargerSimulationOptions.SectionName}:{nameof(ChargerSimulationOptions.Chargers)}"];
        var embeddedFirstSilo = string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(PostgresConnection.ConnectionStringName))
            && string.IsNullOrWhiteSpace(builder.Configuration[$"{ClusterOptions.SectionName}:{nameof(ClusterOptions.PrimarySiloPort)}"]);
        builder.Services.AddOptions<ChargerSimulationOptions>()
            .BindConfiguration(ChargerSimulationOptions.SectionName)
            .PostConfigure(o => o.Chargers = configured is null ? embeddedFirstSilo : o.Chargers);
        builder.Services.AddHostedService<SimulatedChargers>();
        return builder;
    }
}

/// <summary>
/// Plays the demo compound's drivers and chargers through the grains, the path the HTTP endpoints take:
/// it keeps a few requests open in every charging area, plugs a car in when
/// its turn starts (a few never come: no-shows), meters power while charging, reports finishing when the
/// car has what it asked for, and unplugs it when the driver is told to move it. Its drivers are simulated
/// ones (<c>sim-0001</c>, plates <c>SIM-0001</c>), never the demo's residents, so their requests never mix with
/// those of a person trying the demo. Domain time comes from <see cref="ParkingClock"/>.
/// </summary>
public sealed partial class SimulatedChargers(
    IGrainFactory grains,
    DemoCompoundInfo demo,
    IOptions<ChargerSimulationOptions> options,
    ParkingClock time,
    ILogger<SimulatedChargers> logger) : BackgroundService
{
    /// <summary>Simulated drivers, each with one car; enough that a driver's earlier request has ended before they ask again.</summary>
    private const int SimulatedDrivers = 500;

    private readonly ChargerSimulationOptions _options = options.Value;
    private readonly Random _random = new(2004);
    private int _nextDriver;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!demo.Seeded || !_options.Chargers)
        {
            return;
        }

        try
        {
            while (!await grains.Compound(demo.CompoundId).IsInitialized())
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }

            LogStarted(demo.CompoundId);
            using var timer = new PeriodicTimer(_options.ChargerTick);
            do
            {
                foreach (var area in await grains.Compound(demo.CompoundId).GetChargingAreas())
                {
                    try
                    {
                        await Step(area);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        LogStepFailed(exception, area.AreaId);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task Step(ChargingAreaDefinition definition)
    {
        var area = grains.ChargingArea(demo.CompoundId, definition.AreaId);
        if (await area.GetView() is not { } view)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var charger in view.Chargers)
        {
            var on = view.Requests.FirstOrDefault(r => r.Turn?.ChargerId == charger.ChargerId && r.PluggedAt is not null && r.UnpluggedAt is null);
            var due = view.Requests.FirstOrDefault(r => r.Turn?.ChargerId == charger.ChargerId && r.Status == ChargingRequestStatus.Called);
            var report = Next(charger, on, due, now);
            if (report is not null)
            {
                var outcome = await grains.Charger(demo.CompoundId, charger.ChargerId).Report(report);
                if (!outcome.IsSuccess)
                {
                    LogReportRefused(charger.ChargerId, outcome.Error!.Code);
                }
            }
        }

        await TopUp(area, view, now);
    }

    /// <summary>What the charger reports now, given the car on it (if any) and the turn due on it (if any).</summary>
    private ChargerReport? Next(ChargerSnapshot charger, ChargingRequest? on, ChargingRequest? due, DateTimeOffset now)
    {
        if (!charger.IsUsable)
        {
            return null;
        }

        if (on is null)
        {
            if (charger.IsOccupied)
            {
                return new ChargerReport(ChargerStatus.Available, 0, charger.EnergyMeterKwh);
            }

            // The driver comes when called, unless they are one of the few who never do.
            return due is not null && !NeverComes(due) ? new ChargerReport(ChargerStatus.Charging, charger.MaxKw, charger.EnergyMeterKwh) : null;
        }

        // The driver moves the car once the turn is over or the car is full and they were told.
        if (on.Status != ChargingRequestStatus.Charging || charger.Status == ChargerStatus.Finishing)
        {
            return new ChargerReport(ChargerStatus.Available, 0, charger.EnergyMeterKwh);
        }

        var hours = charger.ReportedAt is { } last ? Math.Max(0, (now - last).TotalHours) : 0;
        var meter = Math.Round(charger.EnergyMeterKwh + (charger.PowerKw * hours), 3);
        var delivered = meter - (on.MeterBase ?? charger.EnergyMeterKwh);
        return delivered >= on.EnergyKwh
            ? new ChargerReport(ChargerStatus.Finishing, 0, meter)
            : new ChargerReport(ChargerStatus.Charging, charger.MaxKw, meter);
    }

    private bool NeverComes(ChargingRequest request) =>
        (uint)StringComparer.Ordinal.GetHashCode(request.Id) % 1000 < _options.NoShowShare * 1000;

    /// <summary>Keeps the area's open requests at the configured share of its chargers.</summary>
    private async Task TopUp(Grains.Charging.IChargingAreaGrain area, ChargingAreaView view, DateTimeOffset now)
    {
        var open = view.Requests.Count(r => r.Status is ChargingRequestStatus.Waiting or ChargingRequestStatus.Scheduled);
        var wanted = (int)Math.Ceiling(view.Chargers.Count * _options.RequestsPerCharger);
        var busy = view.Requests.Where(r => r.IsActive).Select(r => r.Plate).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var attempts = 0; open < wanted && attempts < wanted * 2; attempts++)
        {
            var driver = (_nextDriver++ % SimulatedDrivers) + 1;
            var plate = string.Create(CultureInfo.InvariantCulture, $"SIM-{driver:0000}");
            if (!busy.Add(plate))
            {
                continue;
            }

            var start = now.AddMinutes(_random.Next(0, 120));
            var draft = new ChargingRequestDraft(plate, _random.Next(8, 31), new TimeWindow(start, start.AddHours(_random.Next(3, 11))), _random.NextDouble() < 0.8);
            var outcome = await area.Submit(string.Create(CultureInfo.InvariantCulture, $"sim-{driver:0000}"), draft);
            if (outcome.IsSuccess)
            {
                open++;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating the chargers and drivers of {CompoundId}")]
    private partial void LogStarted(string compoundId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated step of charging area {AreaId} failed")]
    private partial void LogStepFailed(Exception exception, string areaId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated report of charger {ChargerId} refused: {Code}")]
    private partial void LogReportRefused(string chargerId, string code);
}
