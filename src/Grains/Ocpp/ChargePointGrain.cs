using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Domain.Ocpp;
using Parking.Domain.Sharing;
using Parking.Grains.Charging;
using Parking.Grains.History;
using Parking.Grains.Notifications;

namespace Parking.Grains.Ocpp;

[GenerateSerializer]
public sealed class ChargePointState
{
    [Id(0)] public ChargePointSecret? Secret { get; set; }

    [Id(1)] public string? ConnectionId { get; set; }

    [Id(2)] public IOcppHostObserver? Host { get; set; }

    [Id(3)] public string? Vendor { get; set; }

    [Id(4)] public string? Model { get; set; }

    [Id(5)] public string? FirmwareVersion { get; set; }

    [Id(6)] public DateTimeOffset? LastSeen { get; set; }

    [Id(7)] public string? ConnectorStatus { get; set; }

    [Id(8)] public string? MainStatus { get; set; }

    [Id(9)] public int LastTransactionId { get; set; }

    [Id(10)] public List<ChargeSession> Sessions { get; set; } = [];

    [Id(11)] public List<HandledMessage> Handled { get; set; } = [];

    [Id(12)] public List<OcppCommandRecord> Commands { get; set; } = [];

    [Id(13)] public ChargerSchedule? Schedule { get; set; }

    [Id(14)] public long ScheduleVersion { get; set; } = -1;

    [Id(15)] public int OverdrawStreak { get; set; }

    [Id(16)] public bool Overdrawing { get; set; }

    /// <summary>The idTags this central system gave out for remote starts, and the request each stands for.</summary>
    [Id(17)] public Dictionary<string, string> IssuedIdTags { get; set; } = new(StringComparer.Ordinal);

    [Id(18)] public string? DiagnosticsStatus { get; set; }

    [Id(19)] public string? FirmwareStatus { get; set; }

    /// <summary>The meter readings of each open transaction, for its cost under the time-of-use tariff when it stops.</summary>
    [Id(20)] public Dictionary<int, List<MeterReading>> Readings { get; set; } = [];

    /// <summary>The resident each issued idTag stands for (the driver of the turn it was issued for).</summary>
    [Id(21)] public Dictionary<string, string> IdTagResidents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The unit the charger takes limits in (its ChargingScheduleAllowedChargingRateUnit): W, or A when it takes only current.</summary>
    [Id(22)] public string RateUnit { get; set; } = "W";

    /// <summary>The charger left the compound's file: boots are rejected and idTags refused until it is back.</summary>
    [Id(23)] public bool Retired { get; set; }
}

/// <summary>A CALL already answered: a charger that repeats its message id gets the same answer, and nothing happens twice.</summary>
[GenerateSerializer, Immutable]
public sealed record HandledMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string Action,
    [property: Id(2)] string Fingerprint,
    [property: Id(3)] OcppResponse Response);

/// <summary>
/// The central system's side of one charge point. Every CALL is checked past its schema (timestamps, meters,
/// transaction ids, repeated message ids) before anything changes; accepted reports go on to the charger's
/// grain, whose status follows the connector's. Commands are kept until the charge point answers them, and
/// delivered on reconnect when it was offline.
/// </summary>
public sealed partial class ChargePointGrain(
    [PersistentState("charge-point", GrainKeys.StorageName)] IPersistentState<ChargePointState> state,
    IOptions<OcppPolicy> policyOptions,
    IOptions<SharingPolicy> sharingOptions,
    IChargingHistory history,
    ParkingClock time,
    ILogger<ChargePointGrain> logger) : Grain, IChargePointGrain, IRemindable
{
    private const string ExpiryReminder = "ocpp-offline-expiry";

    /// <summary>Readings kept per open transaction; beyond it every other one is dropped (the energy stays exact, its split over the day coarser).</summary>
    private const int ReadingsKept = 2_000;

    private const int HandledKept = 64;
    private const int SessionsKept = 50;
    private const int CommandsKept = 50;

    /// <summary>The origin of the GetConfiguration that asks a charger which unit it takes limits in.</summary>
    private const string RateUnitOrigin = "rate-unit";

    /// <summary>The origin of the commands a re-import that removes (or restores) the charger sends.</summary>
    private const string RemovedOrigin = "layout";

    /// <summary>Slack for meters and rounding before a draw counts as above the profile.</summary>
    private const double OverdrawToleranceKw = 0.2;

    private readonly OcppPolicy _policy = policyOptions.Value;
    private readonly Dictionary<string, TaskCompletionSource<OcppCommandRecord>> _waiters = new(StringComparer.Ordinal);

    /// <summary>Set while handling a message that changed nothing but recency: it is answered without a write.</summary>
    private bool _nothingStored;

    /// <summary>Until when a charger that booted Pending (not in the layout) is taken as still unbound, in memory only.</summary>
    private DateTimeOffset _unboundUntil;

    private DeadlineWake? _wake;

    private ChargePointState S => state.State;

    private string ChargePointId => this.GetPrimaryKeyString();

    private DateTimeOffset Now => time.GetUtcNow();

    private (string CompoundId, string ChargerId) Ids =>
        ChargePointIds.TryParse(ChargePointId, out var compoundId, out var chargerId) ? (compoundId, chargerId) : (string.Empty, string.Empty);

    public async Task<Outcome<ChargePointView>> SetPassword(string password)
    {
        if (ChargePointSecret.Check(password) is { } invalid)
        {
            return invalid;
        }

        if (Ids.CompoundId.Length == 0)
        {
            return DomainError.Invalid("chargePointId", "charge-point-id", "A charge point id is {compoundId}.{chargerId}.");
        }

        S.Secret = ChargePointSecret.Create(password);
        await state.WriteStateAsync();
        return View();
    }

    public Task<bool> Authenticate(string password) => Task.FromResult(S.Secret is { } secret && secret.Matches(password));

    public async Task Connected(string connectionId, IOcppHostObserver host)
    {
        if (S.Host is { } previous && S.ConnectionId != connectionId)
        {
            // Taken over: the old socket (another host, or a half-open one) must not keep receiving commands.
            previous.Drop(ChargePointId, S.ConnectionId!).Ignore();
        }

        S.ConnectionId = connectionId;
        S.Host = host;
        S.LastSeen = Now;
        foreach (var sent in S.Commands.Where(c => c.Status == OcppCommandStatus.Sent).ToList())
        {
            Replace(sent with { Status = OcppCommandStatus.Queued });
        }

        ExpireQueued();

        // What the charger did while offline is unknown: ask for its status and the unit it takes limits in, and
        // make sure it has its profile.
        Enqueue("TriggerMessage", OcppCommands.TriggerStatus(), "reconnect");
        Enqueue("GetConfiguration", OcppCommands.GetRateUnit(), RateUnitOrigin);
        if (S.Schedule is { } schedule && !S.Commands.Any(c => c.Action == "SetChargingProfile" && !c.IsDone))
        {
            Enqueue("SetChargingProfile", OcppCommands.SetChargePointMaxProfile(schedule, S.RateUnit), "plan");
        }

        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
    }

    public async Task Disconnected(string connectionId)
    {
        if (S.ConnectionId != connectionId)
        {
            return;
        }

        S.ConnectionId = null;
        S.Host = null;
        foreach (var sent in S.Commands.Where(c => c.Status == OcppCommandStatus.Sent).ToList())
        {
            Replace(sent with { Status = OcppCommandStatus.Queued });
        }

        await state.WriteStateAsync();
        await ScheduleExpiry();
    }

    public async Task<OcppResponse> Handle(string messageId, string action, string fingerprint, OcppRequest request)
    {
        if (S.Handled.Find(h => h.MessageId == messageId) is { } handled)
        {
            return handled.Action == action && handled.Fingerprint == fingerprint
                ? handled.Response
                : new OcppFault(OcppErrorCodes.ProtocolError, $"Message id '{messageId}' was already used for another {handled.Action} message; use a new id for every CALL.", "messageId");
        }

        S.LastSeen = Now;
        _nothingStored = false;
        var response = request switch
        {
            BootNotificationRequest boot => await Boot(boot),
            HeartbeatRequest => Unstored(new HeartbeatResponse(Now)),
            AuthorizeRequest authorize => new AuthorizeResponse(new IdTagInfo((await Authorize(authorize.IdTag)).Status)),
            StatusNotificationRequest status => await Status(status),
            StartTransactionRequest start => await Start(start),
            MeterValuesRequest meter => await Meter(meter),
            StopTransactionRequest stop => await Stop(stop),
            DataTransferRequest => new DataTransferResponse("UnknownVendorId", null),
            DiagnosticsStatusNotificationRequest diagnostics => Note(() => S.DiagnosticsStatus = diagnostics.Status),
            FirmwareStatusNotificationRequest firmware => Note(() => S.FirmwareStatus = firmware.Status),
            _ => new OcppFault(OcppErrorCodes.NotSupported, $"{action} is not supported by this central system."),
        };

        if (response is OcppFault fault)
        {
            LogRefused(ChargePointId, action, fault.Code, fault.Description);
            return response;
        }

        S.Handled.Add(new HandledMessage(messageId, action, fingerprint, response));
        if (S.Handled.Count > HandledKept)
        {
            S.Handled.RemoveRange(0, S.Handled.Count - HandledKept);
        }

        // A heartbeat, or meter values that touched no transaction and no over-draw count, changed nothing worth a
        // write: their answer and the time last seen go to storage with the next write (the charger's own grain
        // keeps the meter). Most of a connected charger's traffic is of this kind.
        if (!_nothingStored)
        {
            await state.WriteStateAsync();
        }

        return response;
    }

    public async Task<OcppCommandRecord> Send(string action, string payloadJson, string origin)
    {
        ExpireQueued();
        var command = Enqueue(action, payloadJson, origin);
        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
        return S.Commands.Find(c => c.Id == command.Id) ?? command;
    }

    public async Task<Outcome<OcppCommandRecord>> StartFor(string requestId, string residentId)
    {
        if (S.Sessions.Any(s => s.IsOpen))
        {
            return DomainError.Conflict("transaction-running", "The charger already runs a transaction: the car is charging.");
        }

        if (S.ConnectorStatus != "Preparing")
        {
            return DomainError.Conflict("not-plugged-in", "The charger does not report a plugged-in car waiting to charge; plug the car in first.");
        }

        ExpireQueued();
        var command = Enqueue("RemoteStartTransaction", OcppCommands.RemoteStart(IssueIdTag(requestId, residentId)), "driver:" + residentId);
        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
        return S.Commands.Find(c => c.Id == command.Id) ?? command;
    }

    public async Task CallEnded(string commandId, OcppCallResult result)
    {
        if (S.Commands.Find(c => c.Id == commandId) is not { IsDone: false } command)
        {
            return;
        }

        if (result.NotConnected)
        {
            // The socket went away before the CALL could be written: deliver it on the next connection.
            Replace(command with { Status = OcppCommandStatus.Queued });
            await state.WriteStateAsync();
            await ScheduleExpiry();
            return;
        }

        var status = result.ErrorCode is not null ? OcppCommandStatus.Failed : AnswerStatus(result.PayloadJson);
        var done = command with
        {
            Status = status,
            ResultJson = result.PayloadJson,
            Error = result.ErrorCode is null ? null : $"{result.ErrorCode}: {result.Error}",
            CompletedAt = Now,
        };
        Replace(done);
        if (command.Origin == RateUnitOrigin && status == OcppCommandStatus.Accepted && OcppCommands.RateUnitOf(result.PayloadJson) is { } unit && unit != S.RateUnit)
        {
            S.RateUnit = unit;
            if (S.Schedule is { } schedule)
            {
                EnqueueProfiles(schedule);
                DeliverQueued();
            }
        }

        await state.WriteStateAsync();

        // The unit probe is a question, not an order: a charger that does not answer it simply gets watts.
        if (status != OcppCommandStatus.Accepted && command.Origin != RateUnitOrigin)
        {
            Alert(status == OcppCommandStatus.Rejected ? ChargerAlertKind.CommandRejected : ChargerAlertKind.CommandFailed, $"{command.Action} to {ChargePointId} {status.ToString().ToLowerInvariant()}: {done.Error ?? done.ResultJson}");
        }

        Complete(done);
    }

    public async Task<OcppCommandRecord?> WaitFor(string commandId, TimeSpan timeout)
    {
        if (S.Commands.Find(c => c.Id == commandId) is not { } command)
        {
            return null;
        }

        if (command.IsDone)
        {
            return command;
        }

        if (!_waiters.TryGetValue(commandId, out var waiter))
        {
            waiter = new TaskCompletionSource<OcppCommandRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters[commandId] = waiter;
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return S.Commands.Find(c => c.Id == commandId);
        }
    }

    public async Task ApplySchedule(ChargerSchedule schedule, long areaVersion)
    {
        if (areaVersion < S.ScheduleVersion)
        {
            return;
        }

        S.ScheduleVersion = areaVersion;
        var changed = !schedule.SameAs(S.Schedule, Now);
        S.Schedule = schedule;
        var open = S.Sessions.FindLast(s => s.IsOpen);
        if (changed)
        {
            EnqueueProfiles(schedule);
        }

        if (schedule.SessionRequestId is { } requestId && open is null && S.ConnectorStatus == "Preparing"
            && !S.Commands.Any(c => c.Action == "RemoteStartTransaction" && !c.IsDone))
        {
            Enqueue("RemoteStartTransaction", OcppCommands.RemoteStart(IssueIdTag(requestId, schedule.SessionResidentId)), "plan");
        }
        else if (open is not null && open.RequestId is not null && schedule.SessionRequestId != open.RequestId
            && !S.Commands.Any(c => c.Action == "RemoteStopTransaction" && c.PayloadJson == OcppCommands.RemoteStop(open.TransactionId)))
        {
            // The turn is over (or the car went): end the transaction it was charging under.
            Enqueue("RemoteStopTransaction", OcppCommands.RemoteStop(open.TransactionId), "plan");
        }

        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
    }

    public Task<ChargePointView> Get() => Task.FromResult(View());

    public async Task LayoutChanged()
    {
        var (compoundId, chargerId) = Ids;
        var inLayout = (await GrainFactory.Compound(compoundId).GetChargingAreas()).Any(a => a.Chargers.Any(c => c.ChargerId == chargerId));
        if (inLayout != S.Retired || (S.Secret is null && S.LastSeen is null))
        {
            // Nothing to tell: its standing is unchanged, or no charge point was ever set up for this charger.
            return;
        }

        ExpireQueued();
        if (!inLayout)
        {
            // A car still charging is stopped first (its StopTransaction closes the session as usual), then the
            // charger is taken out of service. Both wait in the queue while the charge point is offline.
            S.Retired = true;
            S.Schedule = null;
            if (S.Sessions.FirstOrDefault(x => x.IsOpen) is { } open)
            {
                Enqueue("RemoteStopTransaction", OcppCommands.RemoteStop(open.TransactionId), RemovedOrigin);
            }

            Enqueue("ChangeAvailability", OcppCommands.ChangeAvailability(operative: false), RemovedOrigin);
            LogRetired(ChargePointId);
        }
        else
        {
            S.Retired = false;
            Enqueue("ChangeAvailability", OcppCommands.ChangeAvailability(operative: true), RemovedOrigin);
        }

        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
    }

    public async Task ExpireOffline()
    {
        if (ExpireQueued())
        {
            await state.WriteStateAsync();
        }

        await ScheduleExpiry();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await ExpireOffline();
        if (OfflineExpiryDue() is null)
        {
            await Wake.Forget();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    private DeadlineWake Wake => _wake ??= new DeadlineWake(this, time, ExpiryReminder);

    /// <summary>
    /// When the oldest command kept for an offline charger expires, so staff hear that it failed even if the charger never
    /// comes back; nothing while it is connected (its commands go out at once) or nothing waits.
    /// </summary>
    private DateTimeOffset? OfflineExpiryDue() =>
        S.Host is null && S.Commands.Where(c => c.Status == OcppCommandStatus.Queued).Select(c => (DateTimeOffset?)c.CreatedAt).Min() is { } oldest
            ? oldest + _policy.OfflineCommandExpiry
            : null;

    private Task ScheduleExpiry()
    {
        var self = this.AsReference<IChargePointGrain>();
        return Wake.Schedule(OfflineExpiryDue(), () => self.ExpireOffline());
    }

    /// <summary>The charger's limits (and its open transaction's); a newer profile replaces one not yet delivered.</summary>
    private void EnqueueProfiles(ChargerSchedule schedule)
    {
        S.Commands.RemoveAll(c => c.Action == "SetChargingProfile" && c.Status == OcppCommandStatus.Queued);
        Enqueue("SetChargingProfile", OcppCommands.SetChargePointMaxProfile(schedule, S.RateUnit), "plan");
        if (S.Sessions.FindLast(s => s.IsOpen) is { } open)
        {
            Enqueue("SetChargingProfile", OcppCommands.SetTxProfile(schedule, open.TransactionId, S.RateUnit), "plan");
        }
    }

    private ChargePointView View() => new(
        ChargePointId,
        Ids.CompoundId,
        Ids.ChargerId,
        S.Secret is not null,
        S.Host is not null,
        S.Vendor,
        S.Model,
        S.FirmwareVersion,
        S.LastSeen,
        S.ConnectorStatus,
        [.. S.Sessions],
        [.. S.Commands],
        S.Schedule,
        S.Overdrawing,
        S.DiagnosticsStatus,
        S.FirmwareStatus);

    private async Task<OcppResponse> Boot(BootNotificationRequest boot)
    {
        S.Vendor = boot.ChargePointVendor;
        S.Model = boot.ChargePointModel;
        S.FirmwareVersion = boot.FirmwareVersion;
        if (S.Retired)
        {
            // Decommissioned: OCPP's Rejected tells the charge point to send nothing but another boot after the interval.
            return new BootNotificationResponse("Rejected", Now, (int)_policy.PendingRetry.TotalSeconds);
        }

        var (compoundId, chargerId) = Ids;
        var bound = (await GrainFactory.Charger(compoundId, chargerId).Get()).IsSuccess;
        _unboundUntil = bound ? default : Now + _policy.PendingRetry;
        return bound
            ? new BootNotificationResponse("Accepted", Now, (int)_policy.HeartbeatInterval.TotalSeconds)
            : new BootNotificationResponse("Pending", Now, (int)_policy.PendingRetry.TotalSeconds);
    }

    private async Task<OcppResponse> Status(StatusNotificationRequest status)
    {
        if (ChargePointRules.CheckTimestamp(status.Timestamp, Now, "timestamp") is { } late)
        {
            return late;
        }

        if (status.ConnectorId > 1)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"connectorId {status.ConnectorId} does not exist: this charger has one connector (1), and 0 stands for the whole charger.", "connectorId");
        }

        var reported = ChargePointRules.ToChargerStatus(status.Status);
        if (status.ConnectorId == 0)
        {
            // The whole charger: only its going out of and back into service changes the connector's picture.
            var wasDown = S.MainStatus is "Faulted" or "Unavailable";
            S.MainStatus = status.Status;
            if (reported is not (ChargerStatus.Faulted or ChargerStatus.Unavailable) && !wasDown)
            {
                return new EmptyResponse();
            }

            if (reported is not (ChargerStatus.Faulted or ChargerStatus.Unavailable))
            {
                reported = S.ConnectorStatus is { } connector ? ChargePointRules.ToChargerStatus(connector) : ChargerStatus.Available;
            }
        }
        else
        {
            S.ConnectorStatus = status.Status;
        }

        var fault = await Report(new ChargerReport(reported, reported == ChargerStatus.Charging ? null : 0, null));
        return fault is null ? new EmptyResponse() : fault;
    }

    private async Task<OcppResponse> Start(StartTransactionRequest start)
    {
        if (ChargePointRules.CheckTimestamp(start.Timestamp, Now, "timestamp") is { } late)
        {
            return late;
        }

        if (start.ConnectorId != 1)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"connectorId {start.ConnectorId} does not exist: this charger has one connector (1).", "connectorId");
        }

        if (start.MeterStart < 0)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, "meterStart is a meter reading in Wh, 0 or more.", "meterStart");
        }

        var (status, cardHolder) = await Authorize(start.IdTag);

        // Only an accepted idTag binds the session to a resident (a blocked card's session is nobody's charge).
        var residentId = status == "Accepted" ? cardHolder : null;

        // A registered card of the driver whose turn this is starts that turn's session.
        var requestId = S.IssuedIdTags.GetValueOrDefault(start.IdTag)
            ?? (residentId is not null && S.Schedule is { SessionRequestId: { } turn } current && current.SessionResidentId == residentId ? turn : null);
        var session = new ChargeSession(++S.LastTransactionId, start.IdTag, requestId, start.Timestamp, start.MeterStart, start.MeterStart, null, null)
        {
            ResidentId = residentId,
        };
        S.Readings[session.TransactionId] = [new MeterReading(start.Timestamp, start.MeterStart)];

        // Transactions a charger kept while offline arrive late: keep the sessions in the order they happened.
        S.Sessions.Add(session);
        S.Sessions.Sort((a, b) => a.StartedAt.CompareTo(b.StartedAt));
        if (S.Sessions.Count > SessionsKept)
        {
            var oldest = S.Sessions.FindIndex(s => !s.IsOpen) is >= 0 and var closed ? closed : 0;
            S.Readings.Remove(S.Sessions[oldest].TransactionId);
            S.Sessions.RemoveAt(oldest);
        }

        if (status == "Accepted" && S.Schedule is { } schedule)
        {
            Enqueue("SetChargingProfile", OcppCommands.SetTxProfile(schedule, session.TransactionId, S.RateUnit), "plan");
            DeliverQueued();
        }

        await ReportMeter(start.MeterStart / 1000.0, null);
        return new StartTransactionResponse(new IdTagInfo(status), session.TransactionId);
    }

    private async Task<OcppResponse> Meter(MeterValuesRequest meter)
    {
        if (meter.ConnectorId > 1)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"connectorId {meter.ConnectorId} does not exist: this charger has one connector (1).", "connectorId");
        }

        ChargeSession? session = null;
        if (meter.TransactionId is { } transactionId && (session = S.Sessions.Find(s => s.TransactionId == transactionId)) is null)
        {
            return UnknownTransaction(transactionId);
        }

        double? energy = null;
        double? power = null;
        var powerSamples = new List<(DateTimeOffset At, double Kw)>();
        for (var i = 0; i < meter.MeterValue.Count; i++)
        {
            var value = meter.MeterValue[i];
            var field = $"meterValue[{i}]";
            if (ChargePointRules.CheckTimestamp(value.Timestamp, Now, field + ".timestamp") is { } late)
            {
                return late;
            }

            var (e, p, fault) = ChargePointRules.Read(value, field);
            if (fault is not null)
            {
                return fault;
            }

            if (e is { } kwh && session is not null && kwh * 1000 < session.MeterStartWh)
            {
                return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"{field}: the energy register ({kwh * 1000:0} Wh) is below the transaction's meterStart ({session.MeterStartWh} Wh).", field);
            }

            if (e is { } reading && session is { IsOpen: true })
            {
                Record(session.TransactionId, new MeterReading(value.Timestamp, (long)Math.Round(reading * 1000)));
            }

            energy = e ?? energy;
            power = p ?? power;
            if (p is { } kw)
            {
                powerSamples.Add((value.Timestamp, kw));
            }
        }

        if (session is not null && energy is { } register && session.IsOpen)
        {
            Replace(session, session with { LastMeterWh = Math.Max(session.LastMeterWh, (long)Math.Round(register * 1000)) });
        }

        var (streak, overdrawing) = (S.OverdrawStreak, S.Overdrawing);
        CheckDraw(powerSamples);
        _nothingStored = session is null && streak == S.OverdrawStreak && overdrawing == S.Overdrawing;
        var refused = await ReportMeter(energy, power);
        return refused is null ? new EmptyResponse() : refused;
    }

    private async Task<OcppResponse> Stop(StopTransactionRequest stop)
    {
        if (S.Sessions.Find(s => s.TransactionId == stop.TransactionId) is not { } session)
        {
            return UnknownTransaction(stop.TransactionId);
        }

        if (ChargePointRules.CheckTimestamp(stop.Timestamp, Now, "timestamp") is { } late)
        {
            return late;
        }

        if (!session.IsOpen)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"transactionId {stop.TransactionId} was already stopped at {session.StoppedAt:O}.", "transactionId");
        }

        if (stop.MeterStop < session.MeterStartWh)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"meterStop ({stop.MeterStop} Wh) is below the transaction's meterStart ({session.MeterStartWh} Wh).", "meterStop");
        }

        if (stop.Timestamp < session.StartedAt)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"timestamp {stop.Timestamp:O} is before the transaction started ({session.StartedAt:O}).", "timestamp");
        }

        for (var i = 0; i < (stop.TransactionData?.Count ?? 0); i++)
        {
            var value = stop.TransactionData![i];
            var field = $"transactionData[{i}]";
            if (ChargePointRules.CheckTimestamp(value.Timestamp, Now, field + ".timestamp") is { } lateSample)
            {
                return lateSample;
            }

            var (energy, _, fault) = ChargePointRules.Read(value, field);
            if (fault is not null)
            {
                return fault;
            }

            if (energy is { } kwh && (kwh * 1000 < session.MeterStartWh || kwh * 1000 > stop.MeterStop))
            {
                return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"{field}: the energy register ({kwh * 1000:0} Wh) lies outside the transaction's meterStart..meterStop.", field);
            }
        }

        foreach (var value in stop.TransactionData ?? [])
        {
            if (ChargePointRules.Read(value, "transactionData").EnergyKwh is { } kwh)
            {
                Record(session.TransactionId, new MeterReading(value.Timestamp, (long)Math.Round(kwh * 1000)));
            }
        }

        Record(session.TransactionId, new MeterReading(stop.Timestamp, stop.MeterStop));

        var stopped = session with { LastMeterWh = stop.MeterStop, StoppedAt = stop.Timestamp, StopReason = stop.Reason ?? "Local" };
        Replace(session, stopped);
        S.Commands.RemoveAll(c => c.Status == OcppCommandStatus.Queued && c.PayloadJson == OcppCommands.RemoteStop(session.TransactionId));
        LogSessionStopped(ChargePointId, stopped.TransactionId, stopped.EnergyKwh, stopped.RequestId);
        await WriteHistory(stopped);
        await ReportMeter(stop.MeterStop / 1000.0, null);
        return new StopTransactionResponse(stop.IdTag is null ? null : new IdTagInfo((await Authorize(stop.IdTag)).Status));
    }

    /// <summary>Keeps a reading of an open transaction, in time order; one older than the last known is dropped (a replay never winds the meter back).</summary>
    private void Record(int transactionId, MeterReading reading)
    {
        if (!S.Readings.TryGetValue(transactionId, out var readings))
        {
            return;
        }

        if (readings.Count > 0 && (reading.At < readings[^1].At || reading.RegisterWh < readings[^1].RegisterWh))
        {
            return;
        }

        readings.Add(reading);
        if (readings.Count > ReadingsKept)
        {
            var thinned = readings.Where((_, i) => i % 2 == 0 || i == readings.Count - 1).ToList();
            readings.Clear();
            readings.AddRange(thinned);
        }
    }

    /// <summary>A stopped session goes to the charging history with its cost under the compound's tariff of now.</summary>
    private async Task WriteHistory(ChargeSession session)
    {
        var (compoundId, chargerId) = Ids;
        var readings = S.Readings.Remove(session.TransactionId, out var kept) ? kept : [new MeterReading(session.StartedAt, session.MeterStartWh), new MeterReading(session.StoppedAt!.Value, session.LastMeterWh)];
        var areaId = (await GrainFactory.Charger(compoundId, chargerId).Get()).Value?.AreaId ?? string.Empty;
        var tariff = await GrainFactory.GetGrain<IChargingTariffGrain>(compoundId).Get();
        var cost = tariff.Cost(readings, sharingOptions.Value.UtcOffset);
        history.Append(new ChargingSessionRecord(
            compoundId,
            areaId,
            chargerId,
            session.TransactionId,
            session.ResidentId,
            session.RequestId,
            session.StartedAt,
            session.StoppedAt!.Value,
            session.MeterStartWh,
            session.LastMeterWh,
            session.StopReason,
            cost));
    }

    private static EmptyResponse Note(Action change)
    {
        change();
        return new EmptyResponse();
    }

    private static OcppFault UnknownTransaction(int transactionId) =>
        new(OcppErrorCodes.PropertyConstraintViolation, $"transactionId {transactionId} is not a transaction of this charge point.", "transactionId");

    /// <summary>
    /// An idTag is accepted when this central system issued it for a turn (remote start) or it is a card staff
    /// registered for a resident; a blocked card is Blocked; anything else Invalid. The resident it stands for, if known.
    /// </summary>
    private async Task<(string Status, string? ResidentId)> Authorize(string idTag)
    {
        if (S.Retired)
        {
            return ("Invalid", null);
        }

        if (S.IssuedIdTags.ContainsKey(idTag))
        {
            return ("Accepted", S.IdTagResidents.GetValueOrDefault(idTag));
        }

        var card = await GrainFactory.GetGrain<IChargingCardsGrain>(Ids.CompoundId).Find(idTag);
        return card is null ? ("Invalid", null) : (card.Blocked ? "Blocked" : "Accepted", card.ResidentId);
    }

    private string IssueIdTag(string requestId, string? residentId)
    {
        var tag = "P" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)))[..19];
        S.IssuedIdTags[tag] = requestId;
        if (residentId is not null)
        {
            S.IdTagResidents[tag] = residentId;
        }

        if (S.IssuedIdTags.Count > SessionsKept)
        {
            var oldest = S.IssuedIdTags.Keys.First();
            S.IssuedIdTags.Remove(oldest);
            S.IdTagResidents.Remove(oldest);
        }

        return tag;
    }

    /// <summary>A draw above the profile's limit for two samples in a row is flagged to staff (and cleared when it complies).</summary>
    private void CheckDraw(List<(DateTimeOffset At, double Kw)> samples)
    {
        if (S.Schedule is not { } schedule)
        {
            return;
        }

        foreach (var (at, kw) in samples)
        {
            var limitKw = schedule.LimitAt(at) / 1000.0;
            S.OverdrawStreak = kw > limitKw + OverdrawToleranceKw ? S.OverdrawStreak + 1 : 0;
            if (S.OverdrawStreak >= 2 && !S.Overdrawing)
            {
                S.Overdrawing = true;
                Alert(ChargerAlertKind.Overdraw, $"Charger {Ids.ChargerId} draws {kw:0.0} kW, above its profile's {limitKw:0.0} kW, for two intervals in a row.");
            }
            else if (S.OverdrawStreak == 0 && S.Overdrawing)
            {
                S.Overdrawing = false;
                Alert(ChargerAlertKind.OverdrawCleared, $"Charger {Ids.ChargerId} keeps to its profile again ({kw:0.0} kW, limit {limitKw:0.0} kW).");
            }
        }
    }

    private async Task<OcppFault?> ReportMeter(double? energyKwh, double? powerKw)
    {
        // A charger told Pending at boot has no charger in the layout to report to until it boots again (after the
        // retry interval): its meter values are checked and answered, not looked up again each time.
        if (Now < _unboundUntil)
        {
            return null;
        }

        var (compoundId, chargerId) = Ids;
        var charger = await GrainFactory.Charger(compoundId, chargerId).Get();
        if (charger.Value is not { } view)
        {
            return null;
        }

        // Readings replayed after an outage may be older than one already reported: the meter never runs backwards.
        var energy = energyKwh is { } kwh && kwh >= view.Charger.EnergyMeterKwh ? kwh : (double?)null;
        var power = view.Charger.Status == ChargerStatus.Charging ? powerKw : null;
        if (energy is null && power is null && view.Charger.Overdrawing == S.Overdrawing)
        {
            return null;
        }

        // The area hears whether the charger keeps to its profile: it plans the others around a charger that does not.
        return await Report(new ChargerReport(view.Charger.Status, power, energy) { Overdrawing = S.Overdrawing });
    }

    private async Task<OcppFault?> Report(ChargerReport report)
    {
        var (compoundId, chargerId) = Ids;
        var outcome = await GrainFactory.Charger(compoundId, chargerId).Report(report);
        return outcome.Error is { } error
            ? new OcppFault(OcppErrorCodes.PropertyConstraintViolation, error.Message, error.Field)
            : null;
    }

    private OcppResponse Unstored(OcppResponse response)
    {
        _nothingStored = true;
        return response;
    }

    private OcppCommandRecord Enqueue(string action, string payloadJson, string origin)
    {
        var command = new OcppCommandRecord(Guid.NewGuid().ToString("N"), action, payloadJson, origin, Now, OcppCommandStatus.Queued, null, null, null);
        S.Commands.Add(command);
        var done = S.Commands.Where(c => c.IsDone).ToList();
        if (done.Count > CommandsKept)
        {
            foreach (var old in done.Take(done.Count - CommandsKept))
            {
                S.Commands.Remove(old);
            }
        }

        return command;
    }

    /// <summary>Sends every queued command, in order, through the host that holds the socket.</summary>
    private void DeliverQueued()
    {
        if (S.Host is not { } host)
        {
            return;
        }

        foreach (var command in S.Commands.Where(c => c.Status == OcppCommandStatus.Queued).ToList())
        {
            Replace(command with { Status = OcppCommandStatus.Sent });
            host.Call(ChargePointId, command.Id, command.Action, command.PayloadJson).Ignore();
        }
    }

    /// <summary>Fails the commands kept longer than the offline expiry, and tells staff; true if there were any.</summary>
    private bool ExpireQueued()
    {
        var expired = S.Commands.Where(c => c.Status == OcppCommandStatus.Queued && Now - c.CreatedAt >= _policy.OfflineCommandExpiry).ToList();
        foreach (var command in expired)
        {
            var failed = command with { Status = OcppCommandStatus.Failed, Error = "The charge point stayed offline; the command expired.", CompletedAt = Now };
            Replace(failed);
            Alert(ChargerAlertKind.CommandFailed, $"{command.Action} to {ChargePointId} failed: the charge point stayed offline.");
            Complete(failed);
        }

        return expired.Count > 0;
    }

    private static OcppCommandStatus AnswerStatus(string? payloadJson)
    {
        if (payloadJson is null)
        {
            return OcppCommandStatus.Accepted;
        }

        using var document = JsonDocument.Parse(payloadJson);
        return document.RootElement.TryGetProperty("status", out var status)
            ? status.GetString() is "Accepted" or "Unlocked" ? OcppCommandStatus.Accepted : OcppCommandStatus.Rejected
            : OcppCommandStatus.Accepted;
    }

    private void Complete(OcppCommandRecord command)
    {
        if (_waiters.Remove(command.Id, out var waiter))
        {
            waiter.TrySetResult(command);
        }
    }

    private void Replace(OcppCommandRecord command)
    {
        var index = S.Commands.FindIndex(c => c.Id == command.Id);
        if (index >= 0)
        {
            S.Commands[index] = command;
        }
    }

    private void Replace(ChargeSession before, ChargeSession after) => S.Sessions[S.Sessions.IndexOf(before)] = after;

    private void Alert(ChargerAlertKind kind, string message)
    {
        var (compoundId, chargerId) = Ids;
        LogAlert(ChargePointId, kind, message);
        GrainFactory.Publish(new ChargerAlertPush(compoundId, chargerId, kind, message, Now));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: {Action} refused with {Code}: {Description}")]
    private partial void LogRefused(string chargePointId, string action, string code, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge point {ChargePointId}: {Kind}: {Message}")]
    private partial void LogAlert(string chargePointId, ChargerAlertKind kind, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: its charger left the compound's file; stopped, set Inoperative, boots rejected")]
    private partial void LogRetired(string chargePointId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: transaction {TransactionId} stopped, {EnergyKwh} kWh (request {RequestId})")]
    private partial void LogSessionStopped(string chargePointId, int transactionId, double energyKwh, string? requestId);
}
