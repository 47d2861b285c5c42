using System.Text.Json.Serialization;

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
    OcppCommandStatusDto Status,
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
public sealed record ChargerAlertDto(string ChargerId, ChargerAlertKindDto Kind, string Message, DateTimeOffset At);

/// <summary>
/// One metered charging session as the history keeps it: where and when, the energy (kWh) and what it cost under the
/// compound's time-of-use tariff (kWh per level: peak, flat, valley).
/// </summary>
public sealed record ChargingSessionDto(
    string AreaId,
    string ChargerId,
    int TransactionId,
    string? RequestId,
    string? ResidentId,
    DateTimeOffset StartedAt,
    DateTimeOffset StoppedAt,
    double EnergyKwh,
    double PeakKwh,
    double FlatKwh,
    double ValleyKwh,
    decimal Cost,
    string Currency,
    string? StopReason);

/// <summary>Energy and cost over a period for one charger (<c>AreaId</c> set) or one area.</summary>
public sealed record ChargingEnergyTotalDto(string Id, string? AreaId, int Sessions, double EnergyKwh, decimal Cost);

/// <summary>Staff's energy report: sessions that started in <c>[From, To)</c>, per charger and per area.</summary>
public sealed record ChargingEnergyDto(
    DateTimeOffset From,
    DateTimeOffset To,
    string Currency,
    ChargingEnergyTotalDto[] Chargers,
    ChargingEnergyTotalDto[] Areas);

/// <summary>A price level of the time-of-use tariff: <c>peak</c>, <c>flat</c>, <c>valley</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<TariffLevelDto>))]
public enum TariffLevelDto
{
    Peak,
    Flat,
    Valley,
}

/// <summary>A band of the day (compound local time, <c>HH:mm</c>) from which energy costs the level's price.</summary>
public sealed record TariffBandDto(string From, TariffLevelDto Level);

/// <summary>
/// The compound's time-of-use tariff for charging: a price per kWh for each level and the bands of the day, each lasting
/// until the next one starts (the last one until the first one of the next day).
/// </summary>
public sealed record ChargingTariffDto(string Currency, decimal PeakPrice, decimal FlatPrice, decimal ValleyPrice, TariffBandDto[] Bands, string UtcOffset);

/// <summary>
/// Body of <c>PUT .../charging/tariff</c>: the same JSON as <see cref="ChargingTariffDto"/> (its <c>utcOffset</c> is
/// ignored), so a tariff read can be sent back changed. Every part is optional here so the endpoint itself names
/// what is missing or wrong (<c>peakPrice</c>, <c>bands[i].level</c>) with <c>tariff-invalid</c>.
/// </summary>
public sealed record ChargingTariffBody(string? Currency, decimal? PeakPrice, decimal? FlatPrice, decimal? ValleyPrice, TariffBandBody[]? Bands);

/// <summary>
/// A band in <see cref="ChargingTariffBody"/>: <c>level</c> is one of <see cref="TariffLevelDto"/>'s words. It is read
/// as text so that an unknown word is refused by the endpoint (400 <c>tariff-invalid</c> naming <c>bands[i].level</c>).
/// </summary>
public sealed record TariffBandBody(string? From, string? Level);

/// <summary>Body of <c>PUT .../charging/cards/{idTag}</c>: the resident the card belongs to, and whether it is blocked.</summary>
public sealed record ChargingCardBody(string? ResidentId, bool? Blocked = null);

/// <summary>A registered RFID card: chargers accept its idTag for the resident (Blocked when blocked).</summary>
public sealed record ChargingCardDto(string IdTag, string ResidentId, bool Blocked, DateTimeOffset RegisteredAt);
