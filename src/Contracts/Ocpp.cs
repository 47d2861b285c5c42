namespace Parking.Contracts;

/// <summary>Staff set or rotate a charge point's OCPP password (16 to 40 printable ASCII characters).</summary>
public sealed record ChargePointPasswordBody(string? Password);

/// <summary>
/// A command staff send to a charger over OCPP. <c>action</c>: ChangeAvailability (connectorId, type Operative or
/// Inoperative), UnlockConnector (connectorId), Reset (type Soft or Hard), ChangeConfiguration (key, value),
/// GetConfiguration (keys), TriggerMessage (requestedMessage, connectorId), ClearChargingProfile,
/// RemoteStopTransaction (transactionId).
/// </summary>
public sealed record ChargerCommandBody(
    string? Action,
    int? ConnectorId = null,
    string? Type = null,
    string? Key = null,
    string? Value = null,
    string[]? Keys = null,
    string? RequestedMessage = null,
    int? TransactionId = null);

/// <summary>A command to a charger and how it ended: queued, sent, accepted, rejected or failed; the charger's answer as JSON.</summary>
public sealed record ChargerCommandDto(
    string Id,
    string Action,
    string Origin,
    string Status,
    string? Result,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);

/// <summary>One OCPP transaction on a charger: the energy it metered.</summary>
public sealed record ChargeSessionDto(
    int TransactionId,
    string? RequestId,
    DateTimeOffset StartedAt,
    DateTimeOffset? StoppedAt,
    double EnergyKwh,
    string? StopReason);

/// <summary>A period of a charger's profile: from <c>Start</c> on, at most <c>LimitKw</c>.</summary>
public sealed record ChargerProfilePeriodDto(DateTimeOffset Start, double LimitKw);

/// <summary>A charger as OCPP sees it (staff): its identity, connection, sessions, current profile and recent commands.</summary>
public sealed record ChargePointDto(
    string ChargePointId,
    string ChargerId,
    bool Provisioned,
    bool Connected,
    string? Vendor,
    string? Model,
    string? FirmwareVersion,
    DateTimeOffset? LastSeen,
    string? ConnectorStatus,
    bool Overdrawing,
    ChargerProfilePeriodDto[] Profile,
    ChargeSessionDto[] Sessions,
    ChargerCommandDto[] Commands);

/// <summary>Pushed to the compound's staff: a charger draws above its profile, or a command to it was refused or failed.</summary>
public sealed record ChargerAlertDto(string ChargerId, string Kind, string Message, DateTimeOffset At);
