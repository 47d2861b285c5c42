using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Ocpp;
using Parking.Devices;
using Parking.Grains;

namespace Parking.Silo;

public static class SimulatedChargersHosting
{
    /// <summary>
    /// Registers the simulation. Unless <c>Parking:Simulation:Chargers</c> is set, it is on only for the embedded
    /// default's first silo: not with PostgreSQL (real deployments, and every silo would simulate), not on a
    /// second local silo.
    /// </summary>
    public static WebApplicationBuilder AddSimulatedChargers(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<SimulatedChargers>();
        return builder;
    }
}

/// <summary>
/// Plays the demo compound's drivers and chargers. The chargers are OCPP 1.6J charge points on loopback
/// WebSockets to this very host, so the demo runs the path real chargers take: they boot, report their
/// connector, start a transaction when the central system starts one remotely, draw what their charging
/// profile allows, send meter values, and stop when told or when the car is full. The drivers keep a few
/// requests open in every area, plug in when their turn starts (a few never come: no-shows) and unplug when
/// told to move the car. Simulated drivers are <c>sim-0001</c> (plate <c>SIM-0001</c>) and never the demo's
/// residents. Domain time comes from <see cref="ParkingClock"/>.
/// </summary>
public sealed partial class SimulatedChargers(
    IGrainFactory grains,
    DemoCompoundInfo demo,
    IOptions<SimulationOptions> options,
    IOptions<OcppPolicy> ocpp,
    IServer server,
    IHostApplicationLifetime lifetime,
    ParkingClock time,
    ILogger<SimulatedChargers> logger) : BackgroundService
{
    /// <summary>Simulated drivers, each with one car; enough that a driver's earlier request has ended before they ask again.</summary>
    private const int SimulatedDrivers = 500;

    private readonly SimulationOptions _options = options.Value;
    private readonly Random _random = new(2004);
    private readonly Dictionary<string, SimulatedChargePoint> _chargePoints = new(StringComparer.Ordinal);
    private int _nextDriver;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!demo.Seeded || !_options.Chargers)
        {
            return;
        }

        // The simulation ends as the host's stop begins, before the web server and the silo stop, so that none of its
        // calls reaches a silo that is already leaving (where placement retried them with a warning each time).
        using var stopping = SimulationStop.Link(lifetime, stoppingToken);
        stoppingToken = stopping.Token;
        try
        {
            await WhenStarted(stoppingToken);
            while (!await grains.Compound(demo.CompoundId).IsInitialized())
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }

            stoppingToken.ThrowIfCancellationRequested();
            var centralSystem = CentralSystemAddress();
            LogStarted(demo.CompoundId, centralSystem);
            using var timer = new PeriodicTimer(_options.ChargerTick);
            do
            {
                foreach (var area in await grains.Compound(demo.CompoundId).GetChargingAreas())
                {
                    try
                    {
                        await Step(area, centralSystem, stoppingToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException && !stoppingToken.IsCancellationRequested)
                    {
                        LogStepFailed(exception, area.AreaId);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever failed was cut off by the stop, not a fault of the simulation.
        }
        finally
        {
            foreach (var chargePoint in _chargePoints.Values)
            {
                await chargePoint.DisposeAsync();
            }
        }
    }

    private async Task WhenStarted(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    /// <summary>This host's own OCPP endpoint, on loopback.</summary>
    private Uri CentralSystemAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal))
        {
            Path = "/ocpp/",
        };
        uri.Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return uri.Uri;
    }

    private async Task Step(ChargingAreaDefinition definition, Uri centralSystem, CancellationToken stoppingToken)
    {
        var area = grains.ChargingArea(demo.CompoundId, definition.AreaId);
        stoppingToken.ThrowIfCancellationRequested();
        if (await area.GetView() is not { } view)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var charger in view.Chargers)
        {
            if (!_chargePoints.TryGetValue(charger.ChargerId, out var chargePoint))
            {
                chargePoint = new SimulatedChargePoint(ChargePointIds.Of(demo.CompoundId, charger.ChargerId), charger.MaxKw, time);
                _chargePoints[charger.ChargerId] = chargePoint;
            }

            try
            {
                if (!await chargePoint.EnsureConnected(centralSystem, ocpp.Value.DemoPassword, stoppingToken))
                {
                    continue;
                }

                var on = view.Requests.FirstOrDefault(r => r.Turn?.ChargerId == charger.ChargerId && r.PluggedAt is not null && r.UnpluggedAt is null);
                var due = view.Requests.FirstOrDefault(r => r.Turn?.ChargerId == charger.ChargerId && r.Status == ChargingRequestStatus.Called);
                await chargePoint.Drive(charger, on, due is not null && !NeverComes(due), now, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogChargePointFailed(chargePoint.ChargePointId, exception.Message);
            }
        }

        await TopUp(area, view, now, stoppingToken);
    }

    private bool NeverComes(ChargingRequest request) =>
        (uint)StringComparer.Ordinal.GetHashCode(request.Id) % 1000 < _options.NoShowShare * 1000;

    /// <summary>Keeps the area's open requests at the configured share of its chargers.</summary>
    private async Task TopUp(Grains.Charging.IChargingAreaGrain area, ChargingAreaView view, DateTimeOffset now, CancellationToken stoppingToken)
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
            stoppingToken.ThrowIfCancellationRequested();
            var draft = new ChargingRequestDraft(plate, _random.Next(8, 31), new TimeWindow(start, start.AddHours(_random.Next(3, 11))), _random.NextDouble() < 0.8);
            var outcome = await area.Submit(string.Create(CultureInfo.InvariantCulture, $"sim-{driver:0000}"), draft);
            if (outcome.IsSuccess)
            {
                open++;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating the chargers (OCPP 1.6J to {CentralSystem}) and drivers of {CompoundId}")]
    private partial void LogStarted(string compoundId, Uri centralSystem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated step of charging area {AreaId} failed")]
    private partial void LogStepFailed(Exception exception, string areaId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated charge point {ChargePointId}: {Reason}")]
    private partial void LogChargePointFailed(string chargePointId, string reason);
}

/// <summary>
/// One simulated wallbox: an OCPP 1.6J client with a meter, a connector and the charging profile it was sent,
/// whose draw never exceeds that profile.
/// </summary>
internal sealed class SimulatedChargePoint(string chargePointId, double maxKw, ParkingClock time) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private OcppChargePointClient? _client;
    private string _status = "Available";
    private long _meterWh;
    private int? _transactionId;
    private DateTimeOffset? _lastMetered;
    private DateTimeOffset _profileStart;
    private List<(int StartSeconds, double LimitW)> _profile = [];

    public string ChargePointId => chargePointId;

    public async Task<bool> EnsureConnected(Uri centralSystem, string password, CancellationToken cancellationToken)
    {
        if (_client is { State: System.Net.WebSockets.WebSocketState.Open })
        {
            return true;
        }

        if (_client is not null)
        {
            await _client.DisposeAsync();
            _client = null;
        }

        var client = await OcppChargePointClient.ConnectAsync(centralSystem, chargePointId, password, onCall: OnCall, cancellationToken: cancellationToken);
        _client = client;
        var boot = await client.CallAsync("BootNotification", new JsonObject { ["chargePointVendor"] = "Parking", ["chargePointModel"] = "Simulated wallbox" }, cancellationToken: cancellationToken);
        if (boot.GetProperty("status").GetString() != "Accepted")
        {
            return false;
        }

        await Status(_status, cancellationToken);
        return true;
    }

    /// <summary>What the driver does now: plug in for a due turn, unplug after the turn, or charge (metering) while plugged in.</summary>
    public async Task Drive(ChargerSnapshot charger, ChargingRequest? on, bool driverComes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!charger.IsUsable)
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            var plugged = _status is "Preparing" or "Charging" or "SuspendedEVSE" or "Finishing";
            if (!plugged)
            {
                if (on is null && driverComes)
                {
                    await Status("Preparing", cancellationToken);
                }

                return;
            }

            if (on is null || on.Status != ChargingRequestStatus.Charging || _status == "Finishing")
            {
                await StopTransaction("EVDisconnected", cancellationToken);
                await Status("Available", cancellationToken);
                return;
            }

            if (_transactionId is not null)
            {
                var (powerKw, full) = Meter(now, on, charger);
                await MeterValues(powerKw, now, cancellationToken);
                if (full)
                {
                    await StopTransaction("Local", cancellationToken);
                    await Status("Finishing", cancellationToken);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _lock.Dispose();
    }

    /// <summary>Advances the meter at the power the profile allows; reports whether the car has what it asked for.</summary>
    private (double PowerKw, bool Full) Meter(DateTimeOffset now, ChargingRequest on, ChargerSnapshot charger)
    {
        var powerKw = Math.Min(maxKw, LimitW(now) / 1000);
        var hours = _lastMetered is { } last ? Math.Max(0, (now - last).TotalHours) : 0;
        _lastMetered = now;
        _meterWh += (long)Math.Round(powerKw * hours * 1000);
        var delivered = (_meterWh / 1000.0) - (on.MeterBase ?? charger.EnergyMeterKwh);
        return (_status == "Charging" ? powerKw : 0, delivered >= on.EnergyKwh);
    }

    private double LimitW(DateTimeOffset at)
    {
        var offset = (at - _profileStart).TotalSeconds;
        var limit = 0.0;
        foreach (var (start, limitW) in _profile)
        {
            if (start > offset)
            {
                break;
            }

            limit = limitW;
        }

        return limit;
    }

    private async Task<JsonObject?> OnCall(string action, System.Text.Json.JsonElement payload)
    {
        switch (action)
        {
            case "SetChargingProfile":
                var profile = payload.GetProperty("csChargingProfiles");
                if (profile.GetProperty("chargingProfilePurpose").GetString() == "ChargePointMaxProfile")
                {
                    var schedule = profile.GetProperty("chargingSchedule");
                    _profileStart = schedule.GetProperty("startSchedule").GetDateTimeOffset();
                    _profile = [.. schedule.GetProperty("chargingSchedulePeriod").EnumerateArray().Select(p => (p.GetProperty("startPeriod").GetInt32(), p.GetProperty("limit").GetDouble()))];
                }

                return new JsonObject { ["status"] = "Accepted" };
            case "RemoteStartTransaction":
                var idTag = payload.GetProperty("idTag").GetString()!;
                if (_status != "Preparing" || _transactionId is not null)
                {
                    return new JsonObject { ["status"] = "Rejected" };
                }

                _ = Task.Run(() => StartTransaction(idTag));
                return new JsonObject { ["status"] = "Accepted" };
            case "RemoteStopTransaction":
                if (_transactionId != payload.GetProperty("transactionId").GetInt32())
                {
                    return new JsonObject { ["status"] = "Rejected" };
                }

                _ = Task.Run(async () =>
                {
                    await _lock.WaitAsync();
                    try
                    {
                        await StopTransaction("Remote", CancellationToken.None);
                        await Status("Finishing", CancellationToken.None);
                    }
                    finally
                    {
                        _lock.Release();
                    }
                });
                return new JsonObject { ["status"] = "Accepted" };
            case "TriggerMessage":
                _ = Task.Run(() => Status(_status, CancellationToken.None));
                return new JsonObject { ["status"] = "Accepted" };
            case "GetConfiguration":
                return new JsonObject
                {
                    ["configurationKey"] = new JsonArray(
                        new JsonObject { ["key"] = "MeterValueSampleInterval", ["readonly"] = false, ["value"] = "60" },
                        new JsonObject { ["key"] = "ChargeProfileMaxStackLevel", ["readonly"] = true, ["value"] = "1" }),
                };
            case "UnlockConnector":
                return new JsonObject { ["status"] = "Unlocked" };
            case "ClearChargingProfile":
                _profile = [];
                return new JsonObject { ["status"] = "Accepted" };
            case "ChangeConfiguration" or "ChangeAvailability" or "Reset":
                return new JsonObject { ["status"] = "Accepted" };
            default:
                return null;
        }
    }

    private async Task StartTransaction(string idTag)
    {
        await _lock.WaitAsync();
        try
        {
            var now = time.GetUtcNow();
            var started = await _client!.CallAsync("StartTransaction", new JsonObject
            {
                ["connectorId"] = 1,
                ["idTag"] = idTag,
                ["meterStart"] = _meterWh,
                ["timestamp"] = now.ToString("O", CultureInfo.InvariantCulture),
            });
            if (started.GetProperty("idTagInfo").GetProperty("status").GetString() == "Accepted")
            {
                _transactionId = started.GetProperty("transactionId").GetInt32();
                _lastMetered = now;
                await Status("Charging", CancellationToken.None);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task StopTransaction(string reason, CancellationToken cancellationToken)
    {
        if (_transactionId is not { } transactionId)
        {
            return;
        }

        await _client!.CallAsync("StopTransaction", new JsonObject
        {
            ["transactionId"] = transactionId,
            ["meterStop"] = _meterWh,
            ["timestamp"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["reason"] = reason,
        }, cancellationToken: cancellationToken);
        _transactionId = null;
    }

    private async Task MeterValues(double powerKw, DateTimeOffset now, CancellationToken cancellationToken) =>
        await _client!.CallAsync("MeterValues", new JsonObject
        {
            ["connectorId"] = 1,
            ["transactionId"] = _transactionId,
            ["meterValue"] = new JsonArray(new JsonObject
            {
                ["timestamp"] = now.ToString("O", CultureInfo.InvariantCulture),
                ["sampledValue"] = new JsonArray(
                    new JsonObject { ["value"] = _meterWh.ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" },
                    new JsonObject { ["value"] = Math.Round(powerKw * 1000).ToString(CultureInfo.InvariantCulture), ["measurand"] = "Power.Active.Import", ["unit"] = "W" }),
            }),
        }, cancellationToken: cancellationToken);

    private async Task Status(string status, CancellationToken cancellationToken)
    {
        _status = status;
        await _client!.CallAsync("StatusNotification", new JsonObject
        {
            ["connectorId"] = 1,
            ["errorCode"] = "NoError",
            ["status"] = status,
            ["timestamp"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        }, cancellationToken: cancellationToken);
    }
}
