using System.Text.Json.Serialization;

namespace Parking.Contracts;

/// <summary>A shelter near a building, for a driver looking for a free port.</summary>
public sealed record ShelterSummaryDto(
    string ShelterId,
    string Name,
    string NearBuildingId,
    int WalkMeters,
    int Ports,
    int FreePorts,
    double PowerLimitKw,
    bool Alarm);

/// <summary>
/// One e-bike charging session. Status: charging or ended; EndReason (once ended): full, maxLength,
/// alarm, staff, driver. TimeLeftSeconds: until the maximum session length cuts the port.
/// </summary>
public sealed record ShelterSessionDto(
    string SessionId,
    string CompoundId,
    string ShelterId,
    string PortId,
    string ResidentId,
    string? Bike,
    ShelterSessionStatusDto Status,
    DateTimeOffset StartedAt,
    DateTimeOffset EndsBy,
    long TimeLeftSeconds,
    double EnergyWh,
    double PowerW,
    DateTimeOffset? LastReportAt,
    DateTimeOffset? EndedAt,
    SessionEndReasonDto? EndReason,
    long Revision);

/// <summary>A port in a shelter's live picture. Status: free, charging, cut (by an alarm, until staff clear it).</summary>
public sealed record ShelterPortDto(string PortId, PortStatusDto Status, double PowerW, ShelterSessionDto? Session);

/// <summary>What raised a shelter's alarm: <c>smoke</c> or <c>temperature</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ShelterAlarmKindDto>))]
public enum ShelterAlarmKindDto
{
    Smoke,
    Temperature,
}

/// <summary>A smoke or temperature alarm of a shelter; active while ClearedAt is null.</summary>
public sealed record ShelterAlarmDto(
    string CompoundId,
    string ShelterId,
    string Name,
    ShelterAlarmKindDto Kind,
    double Value,
    DateTimeOffset RaisedAt,
    DateTimeOffset? ClearedAt,
    string? ClearedBy);

/// <summary>
/// A shelter's live picture (staff): every port, the power drawn against the limit, each running
/// session's share of the limit, the alarm in force (null when none), and whether its controller fell
/// silent (then no new session starts).
/// </summary>
public sealed record ShelterDto(
    string CompoundId,
    string ShelterId,
    string Name,
    string NearBuildingId,
    double PowerLimitKw,
    double PowerW,
    double AllowanceWPerPort,
    int FreePorts,
    ShelterAlarmDto? Alarm,
    ShelterAlarmDto? LastAlarm,
    long Version,
    DateTimeOffset AsOf,
    IReadOnlyList<ShelterPortDto> Ports,
    bool ControllerOffline = false);

/// <summary>Body of <c>POST .../shelters/{shelterId}/sessions</c>: a free port and, optionally, which e-bike.</summary>
public sealed record StartShelterSessionRequest(string? PortId, string? Bike);

/// <summary>Body of <c>POST .../shelters/{shelterId}/ports/{portId}/report</c>: watts now, watt-hours this session.</summary>
public sealed record PortReportRequest(double? PowerW, double? EnergyWh);

/// <summary>Body of <c>POST .../shelters/{shelterId}/alarm</c>: kind smoke (value: obscuration, % per metre) or temperature (°C).</summary>
public sealed record ShelterAlarmRequest(string? Kind, double? Value);

/// <summary>The port after a report, and the session if the report ended it (a full battery).</summary>
public sealed record PortReportResultDto(ShelterPortDto Port, ShelterSessionDto? Ended);

/// <summary>Whether a detector reading raised the alarm, the alarm in force, and the sessions it cut.</summary>
public sealed record ShelterAlarmResultDto(bool Raised, ShelterAlarmDto? Alarm, IReadOnlyList<ShelterSessionDto> Cut);

/// <summary>A port as a driver choosing one sees it: its id and status (free, charging, cut), never whose e-bike charges there.</summary>
public sealed record ShelterPortStateDto(string PortId, PortStatusDto Status);

/// <summary>
/// A shelter's ports for a driver choosing one (<c>GET .../shelters/{shelterId}/ports</c>): the power limit, each
/// running session's share of it now (W) and whether an alarm holds every port cut.
/// </summary>
public sealed record ShelterPortsDto(string ShelterId, string Name, double PowerLimitKw, double AllowanceWPerPort, bool Alarm, IReadOnlyList<ShelterPortStateDto> Ports);
