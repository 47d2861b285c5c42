namespace Parking.Domain.Ocpp;

/// <summary>How the central system treats charge points. Bound from <c>Parking:Ocpp</c>.</summary>
public sealed class OcppPolicy
{
    public const string SectionName = "Parking:Ocpp";

    /// <summary>The heartbeat interval given to an accepted charge point at boot.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How soon a charge point not yet bound to a space may boot again.</summary>
    public TimeSpan PendingRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a charge point has to answer a command before it counts as failed.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a command for an offline charge point is kept; after that it is reported failed.</summary>
    public TimeSpan OfflineCommandExpiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The password of every charger of the seeded demo compound (embedded default only). 16 to 40 printable
    /// characters, as OCPP's security profile 1 asks.
    /// </summary>
    public string DemoPassword { get; set; } = "parking-demo-charger";
}
