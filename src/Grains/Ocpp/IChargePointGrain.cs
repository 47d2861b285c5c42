using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

/// <summary>Where a command to a charge point stands.</summary>
public enum OcppCommandStatus
{
    /// <summary>The charge point is offline; it is delivered when it reconnects (or fails when it expires).</summary>
    Queued,

    /// <summary>Sent as a CALL; waiting for the charge point's answer.</summary>
    Sent,

    /// <summary>The charge point answered and did what was asked.</summary>
    Accepted,

    /// <summary>The charge point answered and refused (its status says why).</summary>
    Rejected,

    /// <summary>No answer in time, a CALLERROR, an answer that broke the schema, or kept offline too long.</summary>
    Failed,
}

/// <summary>What staff hear about a charger (<see cref="Notifications.ChargerAlertPush"/>).</summary>
public enum ChargerAlertKind
{
    /// <summary>The charger draws above its profile for two intervals in a row.</summary>
    Overdraw,

    /// <summary>After an overdraw, the charger keeps to its profile again.</summary>
    OverdrawCleared,

    /// <summary>The charge point answered a command and refused it.</summary>
    CommandRejected,

    /// <summary>A command got no answer in time, a CALLERROR, or expired while the charge point was offline.</summary>
    CommandFailed,
}

/// <summary>A command to a charge point: the CALL's action and payload, who asked, and how it ended.</summary>
[GenerateSerializer, Immutable]
public sealed record OcppCommandRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Action,
    [property: Id(2)] string PayloadJson,
    [property: Id(3)] string Origin,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] OcppCommandStatus Status,
    [property: Id(6)] string? ResultJson,
    [property: Id(7)] string? Error,
    [property: Id(8)] DateTimeOffset? CompletedAt)
{
    public bool IsDone => Status is OcppCommandStatus.Accepted or OcppCommandStatus.Rejected or OcppCommandStatus.Failed;
}

/// <summary>How a host's CALL ended: the CALLRESULT payload, or an error; <see cref="NotConnected"/> when the socket was gone.</summary>
[GenerateSerializer, Immutable]
public sealed record OcppCallResult(
    [property: Id(0)] string? PayloadJson,
    [property: Id(1)] string? ErrorCode,
    [property: Id(2)] string? Error,
    [property: Id(3)] bool NotConnected = false);

/// <summary>A charge point as staff see it.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargePointView(
    [property: Id(0)] string ChargePointId,
    [property: Id(1)] string CompoundId,
    [property: Id(2)] string ChargerId,
    [property: Id(3)] bool Provisioned,
    [property: Id(4)] bool Connected,
    [property: Id(5)] string? Vendor,
    [property: Id(6)] string? Model,
    [property: Id(7)] string? FirmwareVersion,
    [property: Id(8)] DateTimeOffset? LastSeen,
    [property: Id(9)] string? ConnectorStatus,
    [property: Id(10)] IReadOnlyList<ChargeSession> Sessions,
    [property: Id(11)] IReadOnlyList<OcppCommandRecord> Commands,
    [property: Id(12)] ChargerSchedule? Schedule,
    [property: Id(13)] bool Overdrawing,
    [property: Id(14)] string? DiagnosticsStatus,
    [property: Id(15)] string? FirmwareStatus);

/// <summary>
/// Implemented by every host that holds charge point sockets. A charge point's grain keeps the observer of the
/// host its socket is on and sends commands through it, whichever silo the command came from.
/// </summary>
public interface IOcppHostObserver : IGrainObserver
{
    /// <summary>Send a CALL on the charge point's socket; the host reports the answer with <see cref="IChargePointGrain.CallEnded"/>.</summary>
    [OneWay]
    Task Call(string chargePointId, string commandId, string action, string payloadJson);

    /// <summary>The charge point connected to another host: close this host's (stale) socket.</summary>
    [OneWay]
    Task Drop(string chargePointId, string connectionId);
}

/// <summary>
/// One OCPP charge point (key: its charge point id, <c>{compoundId}.{chargerId}</c>): its credentials, its
/// connection, what it reported, its transactions, and the commands for it. The single writer of all of them.
/// </summary>
public interface IChargePointGrain : IPersonalHistory
{
    /// <summary>
    /// A resident left the compound: the sessions kept here and the idTags issued for them name
    /// <paramref name="pseudonym"/> instead (their ended sessions without the idTag); returns how many entries changed.
    /// </summary>
    Task<int> Anonymise(string residentId, string pseudonym);

    /// <summary>Sets (or rotates) the charge point's password; the charger must exist in the compound's layout or be known soon.</summary>
    Task<Outcome<ChargePointView>> SetPassword(string password);

    /// <summary>True when the charge point is provisioned and the password is its own.</summary>
    [ReadOnly]
    Task<bool> Authenticate(string password);

    Task Connected(string connectionId, IOcppHostObserver host);

    Task Disconnected(string connectionId);

    /// <summary>A CALL from the charge point, past the schema: the answer, or a fault that changed nothing.</summary>
    Task<OcppResponse> Handle(string messageId, string action, string fingerprint, OcppRequest request);

    /// <summary>A command for the charge point: sent now if it is connected, else kept for its reconnect.</summary>
    Task<OcppCommandRecord> Send(string action, string payloadJson, string origin);

    /// <summary>
    /// The driver starts charging from the app: a RemoteStartTransaction for their request, when their car is plugged
    /// in (the connector is Preparing) and no transaction runs.
    /// </summary>
    Task<Outcome<OcppCommandRecord>> StartFor(string requestId, string residentId);

    /// <summary>The host's report of how a CALL ended.</summary>
    Task CallEnded(string commandId, OcppCallResult result);

    /// <summary>Waits (up to <paramref name="timeout"/>) for a command to be answered; returns where it stands.</summary>
    [AlwaysInterleave]
    Task<OcppCommandRecord?> WaitFor(string commandId, TimeSpan timeout);

    /// <summary>The charger's share of a new plan (from the area's profile distributor).</summary>
    Task ApplySchedule(ChargerSchedule schedule, long areaVersion);

    [ReadOnly]
    Task<ChargePointView> Get();

    /// <summary>From the charge point's own timer: fails the commands an offline charger did not take in time, and tells staff.</summary>
    Task ExpireOffline();

    /// <summary>
    /// The compound's layout changed (a re-import): a charge point whose charger left the file is retired (its open
    /// transaction stopped, the charger set Inoperative, its boots rejected from then on); one whose charger is back
    /// is reinstated (set Operative). Does nothing when its standing did not change.
    /// </summary>
    Task LayoutChanged();
}

/// <summary>
/// Turns an area's plan into each charger's schedule and hands the changed ones to their charge points (key:
/// compound/area). Apart from the area, so a re-plan never waits on hundreds of chargers.
/// </summary>
public interface IAreaProfilesGrain : IGrainWithStringKey
{
    [OneWay]
    Task PlanChanged(Parking.Domain.Charging.ChargingAreaView area, IReadOnlyList<Parking.Domain.Charging.TurnPowerSchedule> power);
}
