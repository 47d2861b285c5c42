namespace Parking.Contracts;

/// <summary>
/// The MQTT topics of e-bike shelter controllers (see docs/shelters.md, "Shelter controllers over MQTT").
/// A controller publishes under its own shelter's prefix and subscribes to its commands.
/// </summary>
public static class ShelterTopics
{
    public const string Root = "parking";

    /// <summary>Every topic of one shelter starts with this: <c>parking/{compound}/shelters/{shelter}</c>.</summary>
    public static string Prefix(string compoundId, string shelterId) => $"{Root}/{compoundId}/shelters/{shelterId}";

    /// <summary>Controller → Parking: the shelter's power, temperature and smoke (<see cref="ShelterTelemetryMessage"/>).</summary>
    public static string Telemetry(string compoundId, string shelterId) => $"{Prefix(compoundId, shelterId)}/telemetry";

    /// <summary>Controller → Parking: one port's relay and meter (<see cref="PortStateMessage"/>).</summary>
    public static string PortState(string compoundId, string shelterId, string portId) => $"{Prefix(compoundId, shelterId)}/ports/{portId}/state";

    /// <summary>Parking → controller: switch ports (<see cref="ShelterCommandMessage"/>).</summary>
    public static string Commands(string compoundId, string shelterId) => $"{Prefix(compoundId, shelterId)}/commands";

    /// <summary>Controller → Parking: a command was carried out or failed (<see cref="ShelterAckMessage"/>).</summary>
    public static string Acks(string compoundId, string shelterId) => $"{Prefix(compoundId, shelterId)}/acks";

    /// <summary>The MQTT user name of a shelter's controller: its topic prefix without the root, so a broker's ACL pattern can match it.</summary>
    public static string ControllerUser(string compoundId, string shelterId) => $"{compoundId}/shelters/{shelterId}";

    public static class Actions
    {
        public const string PortOn = "port-on";
        public const string PortOff = "port-off";
        public const string AllOff = "all-off";
    }
}

/// <summary>Telemetry of a shelter: power drawn by all ports (W), temperature (°C), smoke obscuration (% per metre).</summary>
public sealed record ShelterTelemetryMessage(double? PowerW, double? TemperatureC, double? Smoke, DateTimeOffset? At = null);

/// <summary>One port: whether its relay is on, the power it draws now (W) and the energy of its current session (Wh).</summary>
public sealed record PortStateMessage(bool? On, double? PowerW, double? EnergyWh = null, DateTimeOffset? At = null);

/// <summary>
/// A command to a controller. Action: port-on (Port, with MaxPowerW the port may draw), port-off (Port) or
/// all-off. The controller acknowledges it with the same CommandId.
/// </summary>
public sealed record ShelterCommandMessage(string CommandId, string Action, string? Port, double? MaxPowerW, DateTimeOffset IssuedAt);

/// <summary>A controller's answer to a command: Ok true when every port it switches is switched; else Reason.</summary>
public sealed record ShelterAckMessage(string? CommandId, bool? Ok, string? Reason = null);

/// <summary>The credentials of a shelter's controller, shown once when staff provision or rotate them.</summary>
public sealed record ControllerCredentialsDto(string ShelterId, string Username, string Password, string TopicPrefix, int Version, DateTimeOffset IssuedAt);

/// <summary>A command a controller has not confirmed in full, or one that failed.</summary>
public sealed record ShelterCommandDto(
    string CommandId,
    ShelterCommandActionDto Action,
    string? Port,
    DateTimeOffset IssuedAt,
    DateTimeOffset DueBy,
    IReadOnlyList<string> Ports,
    string? Failure,
    string? Detail,
    DateTimeOffset? FailedAt);

/// <summary>A controller message refused by its schema: its topic, the field and the reason, and when.</summary>
public sealed record RejectedMessageDto(string Topic, string Field, string Reason, DateTimeOffset At);

/// <summary>
/// A shelter's controller as staff see it. Status: none (never reported), online, offline. RecentRejected: the
/// last messages refused (bad payloads), newest last.
/// </summary>
public sealed record ShelterControllerDto(
    string ShelterId,
    ShelterControllerStatusDto Status,
    DateTimeOffset? LastSeenAt,
    bool CredentialsIssued,
    long CommandsIssued,
    IReadOnlyList<ShelterCommandDto> Pending,
    IReadOnlyList<ShelterCommandDto> RecentFailures,
    IReadOnlyList<RejectedMessageDto> RecentRejected);

/// <summary>
/// The second, louder shelter alarm, to staff: a command did not switch its ports. Kind "port-did-not-cut" for a
/// cut after an alarm or a session's end (the ports may still carry power), "port-did-not-start" for a switch-on.
/// </summary>
public sealed record ShelterCommandFailedDto(
    string CompoundId,
    string ShelterId,
    string Name,
    ShelterCommandFailureKindDto Kind,
    string CommandId,
    ShelterCommandActionDto Action,
    IReadOnlyList<string> Ports,
    string Reason,
    string? Detail,
    DateTimeOffset At);
