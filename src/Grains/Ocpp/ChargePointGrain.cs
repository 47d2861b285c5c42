using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Charging;
using Parking.Domain.Ocpp;
using Parking.Domain.Sharing;
using Parking.Grains.Charging;
using Parking.Grains.History;
using Parking.Grains.Notifications;

namespace Parking.Grains.Ocpp;

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

    /// <summary>The origin of the GetConfiguration that asks a charger which unit it takes limits in.</summary>
    private const string RateUnitOrigin = "rate-unit";

    /// <summary>The origin of the commands a re-import that removes (or restores) the charger sends.</summary>
    private const string RemovedOrigin = "layout";

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

        if (ChargePointIds.Refused(ChargePointId) is { } badId)
        {
            return badId;
        }

        S.Provision(ChargePointSecret.Create(password));
        await state.WriteStateAsync();
        return View();
    }

    public Task<bool> Authenticate(string password) => Task.FromResult(S.Secret is { } secret && secret.Matches(password));

    public async Task<OcppResponse> Handle(string messageId, string action, string fingerprint, OcppRequest request)
    {
        if (S.Repeated(messageId, action, fingerprint) is { } repeated)
        {
            return repeated;
        }

        S.Seen(Now);
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
            DiagnosticsStatusNotificationRequest diagnostics => Note(() => S.DiagnosticsAre(diagnostics.Status)),
            FirmwareStatusNotificationRequest firmware => Note(() => S.FirmwareIs(firmware.Status)),
            _ => new OcppFault(OcppErrorCodes.NotSupported, $"{action} is not supported by this central system."),
        };

        if (response is OcppFault fault)
        {
            LogRefused(ChargePointId, action, fault.Code, fault.Description);
            return response;
        }

        S.Remember(new HandledMessage(messageId, action, fingerprint, response));

        // A heartbeat, or meter values that touched no transaction and no over-draw count, changed nothing worth a
        // write: their answer and the time last seen go to storage with the next write (the charger's own grain
        // keeps the meter). Most of a connected charger's traffic is of this kind.
        if (!_nothingStored)
        {
            await state.WriteStateAsync();
        }

        return response;
    }

    public Task<ChargePointView> Get() => Task.FromResult(View());

    public Task<int> Anonymise(string residentId, string pseudonym) =>
        state.WriteIfChangedAsync(this, S.Sessions.Anonymise(residentId, pseudonym));

    /// <summary>The ended sessions (who charged, when, how much) go once they stopped before the cutoff.</summary>
    public Task<int> ForgetBefore(DateTimeOffset cutoff) => state.WriteIfChangedAsync(this, S.Sessions.ForgetBefore(cutoff));

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
        [.. S.Sessions.Sessions],
        [.. S.Commands],
        S.Schedule,
        S.Sessions.Overdrawing,
        S.DiagnosticsStatus,
        S.FirmwareStatus);

    private static EmptyResponse Note(Action change)
    {
        change();
        return new EmptyResponse();
    }

    private OcppResponse Unstored(OcppResponse response)
    {
        _nothingStored = true;
        return response;
    }

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
}
