using Orleans.Runtime;

namespace Parking.Grains.Notifications;

[GenerateSerializer]
public sealed class HubDirectoryState
{
    [Id(0)]
    internal Dictionary<string, HubRegistration> _hosts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, HubRegistration> Hosts => _hosts;

    /// <summary>The host registered (again) at <paramref name="seen"/>; registrations not renewed since <paramref name="expiredBefore"/> go.</summary>
    public void Register(string hostId, IHubObserver observer, DateTimeOffset seen, DateTimeOffset expiredBefore)
    {
        _hosts[hostId] = new HubRegistration(observer, seen);
        foreach (var stale in _hosts.Where(h => h.Value.Seen < expiredBefore).Select(h => h.Key).ToList())
        {
            _hosts.Remove(stale);
        }
    }

    /// <summary>The host left; returns whether it was registered.</summary>
    public bool Unregister(string hostId) => _hosts.Remove(hostId);
}

[GenerateSerializer, Immutable]
public sealed record HubRegistration([property: Id(0)] IHubObserver Observer, [property: Id(1)] DateTimeOffset Seen);

/// <remarks>
/// The registrations are stored, so a directory re-activated elsewhere (a silo joined or left) still
/// knows every host at once instead of waiting for their next refresh. It uses the real clock: host
/// liveness is not domain time, and tests move the domain clock.
/// </remarks>
public sealed class HubDirectoryGrain(
    [PersistentState("hub-directory", GrainKeys.StorageName)] IPersistentState<HubDirectoryState> state) : Grain, IHubDirectoryGrain
{
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    private IReadOnlyDictionary<string, HubRegistration> Hosts => state.State.Hosts;

    public async Task Register(string hostId, IHubObserver observer)
    {
        var now = TimeProvider.System.GetUtcNow();
        state.State.Register(hostId, observer, now, now - Expiry);
        await state.WriteStateAsync();
    }

    public async Task Unregister(string hostId)
    {
        if (state.State.Unregister(hostId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<IHubObserver>> GetObservers()
    {
        var cutoff = TimeProvider.System.GetUtcNow() - Expiry;
        return Task.FromResult<IReadOnlyList<IHubObserver>>([.. Hosts.Values.Where(h => h.Seen >= cutoff).Select(h => h.Observer)]);
    }
}
