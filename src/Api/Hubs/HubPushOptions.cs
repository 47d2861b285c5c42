namespace Parking.Api.Hubs;

/// <summary>The <c>Parking:Hub</c> settings: how this host sends pushes to its hub clients.</summary>
public sealed class HubPushOptions
{
    public const string SectionName = "Parking:Hub";

    /// <summary>
    /// Whether each lot change a watcher gets carries the server's stage times (<c>times</c>: published, flushed, at
    /// this host, sent), so a benchmark can split a push's latency by stage. Off by default: the message is then as
    /// before.
    /// </summary>
    public bool StageTimes { get; set; }
}
