namespace Parking.Grains.Notifications;

/// <remarks>Uses the real clock: host liveness is not domain time, and tests move the domain clock.</remarks>
public sealed class HubDirectoryGrain : Grain, IHubDirectoryGrain
{
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (IHubObserver Observer, DateTimeOffset Seen)> _hosts = new(StringComparer.Ordinal);

    public Task Register(string hostId, IHubObserver observer)
    {
        _hosts[hostId] = (observer, TimeProvider.System.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Unregister(string hostId)
    {
        _hosts.Remove(hostId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IHubObserver>> GetObservers()
    {
        var cutoff = TimeProvider.System.GetUtcNow() - Expiry;
        foreach (var stale in _hosts.Where(h => h.Value.Seen < cutoff).Select(h => h.Key).ToList())
        {
            _hosts.Remove(stale);
        }

        return Task.FromResult<IReadOnlyList<IHubObserver>>([.. _hosts.Values.Select(h => h.Observer)]);
    }
}
