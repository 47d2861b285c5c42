using Parking.Domain.Layout;

namespace Parking.Domain.Shelters;

/// <summary>What a port is doing: free, charging an e-bike, or cut by an alarm until staff clear it.</summary>
public enum PortStatus
{
    Free,
    Charging,
    Cut,
}

/// <summary>Why a charging session ended.</summary>
public enum SessionEndReason
{
    /// <summary>The battery was full: the port drew almost nothing for a sustained period.</summary>
    Full,

    /// <summary>The session reached the shelter's maximum session length.</summary>
    MaxLength,

    /// <summary>A smoke or temperature alarm cut every port of the shelter.</summary>
    Alarm,

    /// <summary>Staff stopped it.</summary>
    Staff,

    /// <summary>The driver stopped it.</summary>
    Driver,
}

public enum AlarmKind
{
    Smoke,
    Temperature,
}

/// <summary>One e-bike charging on one port, from plug-in to cut-off.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterSession(
    [Id(0)] string SessionId,
    [Id(1)] string CompoundId,
    [Id(2)] string ShelterId,
    [Id(3)] string PortId,
    [Id(4)] string ResidentId,
    [Id(5)] string? Bike,
    [Id(6)] DateTimeOffset StartedAt,
    [Id(7)] DateTimeOffset EndsBy,
    [Id(8)] double EnergyWh,
    [Id(9)] double PowerW,
    [Id(10)] DateTimeOffset? LastReportAt,
    [Id(11)] DateTimeOffset? LowPowerSince,
    [Id(12)] DateTimeOffset? EndedAt,
    [Id(13)] SessionEndReason? EndReason,
    [Id(14)] long Revision)
{
    public bool IsActive => EndedAt is null;

    /// <summary>Time until the maximum session length cuts the port; zero once ended.</summary>
    public TimeSpan TimeLeft(DateTimeOffset now) =>
        IsActive && EndsBy > now ? EndsBy - now : TimeSpan.Zero;

    public ShelterSession End(SessionEndReason reason, DateTimeOffset now) =>
        this with { EndedAt = now, EndReason = reason, PowerW = 0, LowPowerSince = null, Revision = Revision + 1 };
}

/// <summary>One port of a shelter. <see cref="Cut"/>: an alarm cut it, and only staff clearing the alarm restores it.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterPort(
    [Id(0)] string PortId,
    [Id(1)] bool Cut,
    [Id(2)] string? SessionId,
    [Id(3)] double PowerW,
    [Id(4)] DateTimeOffset? LastReportAt)
{
    public PortStatus Status => Cut ? PortStatus.Cut : SessionId is null ? PortStatus.Free : PortStatus.Charging;
}

/// <summary>A smoke or temperature alarm: raised by a reading over its threshold, cleared by staff.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterAlarm(
    [Id(0)] AlarmKind Kind,
    [Id(1)] double Value,
    [Id(2)] DateTimeOffset RaisedAt,
    [Id(3)] DateTimeOffset? ClearedAt,
    [Id(4)] string? ClearedBy)
{
    public bool IsActive => ClearedAt is null;
}

/// <summary>What a driver asks for: a port for their e-bike.</summary>
[GenerateSerializer, Immutable]
public sealed record StartSessionCommand(
    [Id(0)] string ResidentId,
    [Id(1)] string PortId,
    [Id(2)] string? Bike);

/// <summary>A port's meter reading: the power it draws now and the energy delivered in the current session.</summary>
[GenerateSerializer, Immutable]
public sealed record PortReport([Id(0)] double PowerW, [Id(1)] double EnergyWh)
{
    /// <summary>Null when the reading makes sense; else why not, naming the field.</summary>
    public DomainError? Validate()
    {
        if (!double.IsFinite(PowerW) || PowerW < 0)
        {
            return DomainError.Invalid("powerW", "power-invalid", "powerW is a number of watts, 0 or more.");
        }

        if (!double.IsFinite(EnergyWh) || EnergyWh < 0)
        {
            return DomainError.Invalid("energyWh", "energy-invalid", "energyWh is a number of watt-hours, 0 or more.");
        }

        return null;
    }
}

/// <summary>A detector's reading: smoke (obscuration, % per metre) or temperature (°C).</summary>
[GenerateSerializer, Immutable]
public sealed record AlarmReading([Id(0)] AlarmKind Kind, [Id(1)] double Value)
{
    /// <summary>Null when the reading makes sense; else why not, naming the field.</summary>
    public DomainError? Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            return DomainError.Invalid("kind", "alarm-kind-invalid", "kind is smoke or temperature.");
        }

        if (!double.IsFinite(Value) || (Kind == AlarmKind.Smoke && Value < 0) || (Kind == AlarmKind.Temperature && Value < -273.15))
        {
            return DomainError.Invalid("value", "alarm-value-invalid", "value is a smoke obscuration (% per metre, 0 or more) or a temperature (°C).");
        }

        return null;
    }
}

/// <summary>The result of a port report: the port as it is now, and the session if the report ended it.</summary>
[GenerateSerializer, Immutable]
public sealed record PortReportResult([Id(0)] ShelterPort Port, [Id(1)] ShelterSession? Ended);

/// <summary>
/// The result of an alarm reading: whether it raised the alarm (a reading under the threshold, or one
/// while the alarm is already on, raises nothing), the alarm in force, and the sessions it cut.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AlarmResult(
    [Id(0)] bool Raised,
    [Id(1)] ShelterAlarm? Alarm,
    [Id(2)] IReadOnlyList<ShelterSession> Cut);

/// <summary>A port in a shelter's live picture, with its running session if any.</summary>
[GenerateSerializer, Immutable]
public sealed record PortSnapshot(
    [Id(0)] string PortId,
    [Id(1)] PortStatus Status,
    [Id(2)] double PowerW,
    [Id(3)] ShelterSession? Session);

/// <summary>A shelter's live picture: ports, power against the limit, and the alarm in force.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterSnapshot(
    [Id(0)] string CompoundId,
    [Id(1)] ShelterDefinition Definition,
    [Id(2)] IReadOnlyList<PortSnapshot> Ports,
    [Id(3)] double PowerW,
    [Id(4)] double AllowanceWPerPort,
    [Id(5)] ShelterAlarm? Alarm,
    [Id(6)] ShelterAlarm? LastAlarm,
    [Id(7)] long Version,
    [Id(8)] DateTimeOffset AsOf,
    [Id(9)] bool ControllerOffline = false)
{
    /// <summary>Ports a new session could start on: none while the controller is offline.</summary>
    public int FreePorts => ControllerOffline ? 0 : Ports.Count(p => p.Status == PortStatus.Free);
}
