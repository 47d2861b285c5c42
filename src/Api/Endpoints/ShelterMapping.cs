using Parking.Domain.Shelters;

namespace Parking.Api;

/// <summary>Turns shelter types of the domain into the wire types of Contracts.</summary>
public static class ShelterMapping
{
    public static ShelterSessionDto ToDto(this ShelterSession s, DateTimeOffset now) => new(
        s.SessionId, s.CompoundId, s.ShelterId, s.PortId, s.ResidentId, s.Bike,
        s.IsActive ? ShelterSessionStatusDto.Charging : ShelterSessionStatusDto.Ended,
        s.StartedAt, s.EndsBy, (long)s.TimeLeft(now).TotalSeconds, s.EnergyWh, s.PowerW, s.LastReportAt,
        s.EndedAt, s.EndReason?.ToDto(), s.Revision);

    public static ShelterPortDto ToDto(this PortSnapshot p, DateTimeOffset now) =>
        new(p.PortId, p.Status.ToDto(), p.PowerW, p.Session?.ToDto(now));

    public static ShelterPortDto ToDto(this ShelterPort p) => new(p.PortId, p.Status.ToDto(), p.PowerW, null);

    public static ShelterAlarmDto ToDto(this ShelterAlarm a, string compoundId, ShelterDefinition shelter) =>
        a.ToDto(compoundId, shelter.ShelterId, shelter.Name);

    public static ShelterAlarmDto ToDto(this ShelterAlarm a, string compoundId, string shelterId, string name) =>
        new(compoundId, shelterId, name, a.Kind.ToDto(), a.Value, a.RaisedAt, a.ClearedAt, a.ClearedBy);

    public static ShelterDto ToDto(this ShelterSnapshot s) => new(
        s.CompoundId, s.Definition.ShelterId, s.Definition.Name, s.Definition.NearBuildingId, s.Definition.PowerLimitKw,
        s.PowerW, s.AllowanceWPerPort, s.FreePorts,
        s.Alarm?.ToDto(s.CompoundId, s.Definition), s.LastAlarm?.ToDto(s.CompoundId, s.Definition),
        s.Version, s.AsOf, [.. s.Ports.Select(p => p.ToDto(s.AsOf))], s.ControllerOffline);

    /// <summary>The ports without their sessions: a driver sees which are free, not who charges.</summary>
    public static ShelterPortsDto ToPorts(this ShelterSnapshot s) => new(
        s.Definition.ShelterId, s.Definition.Name, s.Definition.PowerLimitKw, s.AllowanceWPerPort, s.Alarm is not null,
        [.. s.Ports.Select(p => new ShelterPortStateDto(p.PortId, p.Status.ToDto()))]);

    public static ShelterSummaryDto ToSummary(this ShelterSnapshot s, string? buildingId) => new(
        s.Definition.ShelterId, s.Definition.Name, s.Definition.NearBuildingId, s.Definition.WalkMetersTo(buildingId),
        s.Definition.Ports, s.FreePorts, s.Definition.PowerLimitKw, s.Alarm is not null);

    public static ShelterCommandFailedDto ToDto(this Parking.Grains.Shelters.ShelterCommandFailedPush p)
    {
        var f = p.Failure;
        return new ShelterCommandFailedDto(
            p.CompoundId, p.ShelterId, p.Name, f.PortDidNotCut ? ShelterCommandFailureKindDto.PortDidNotCut : ShelterCommandFailureKindDto.PortDidNotStart,
            f.Command.CommandId, f.Command.Action.ToDto(), f.Ports, f.Reason, f.Detail, f.At);
    }
}
