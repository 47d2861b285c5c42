namespace Parking.Silo;

/// <summary>
/// When a simulated device stops. A hosted service's own stopping token is cancelled only when the host comes to stop
/// that service, after the services registered after it (the web server among them) and while the silo may already be
/// leaving its cluster; a device that went on until then called a silo on its way out, whose placement retried each
/// call with a warning and a stack ("No active nodes are compatible with grain ..."), or posted to a web server already
/// closed. The host's <see cref="IHostApplicationLifetime.ApplicationStopping"/> is cancelled as its stop begins, before
/// any service stops: the devices stop there.
/// </summary>
internal static class SimulationStop
{
    /// <summary>A token cancelled by <paramref name="stoppingToken"/> or by the start of the host's stop, whichever comes first.</summary>
    public static CancellationTokenSource Link(IHostApplicationLifetime lifetime, CancellationToken stoppingToken) =>
        CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
}
