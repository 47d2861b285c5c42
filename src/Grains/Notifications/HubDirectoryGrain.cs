using Orleans.Runtime;

namespace Parking.Grains.Notifications;

/// <summary>
/// The web hosts that hold hub connections, each with its observer and when it last renewed. It stays in Grains: it
/// keeps grain observer references, an Orleans runtime type Domain does not know; the lease rule is Domain's
/// (<see cref="HostLease"/>).
/// </summary>
[GenerateSerializer]
public sealed class HubDirectoryState
{
    [Id(0)]
    internal Dictionary<string, HubRegistration> _hosts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, HubRegistration> Hosts => _hosts;

    /// <summary>The host registered (again) at <paramref name="now"/>; registrations no longer live (<see cref="HostLease"/>) go.</summary>
    public void Register(string hostId, IHubObserver observer, DateTimeOffset now)
    {
        _hosts[hostId] = new HubRegistration(observer, now);
        foreach (var stale in _hosts.Where(h => !HostLease.Live(h.Value.Seen, now)).Select(h => h.Key).ToList())
        {
            _hosts.Remove(stale);
        }
    }

    /// <summary>The observers of the hosts live at <paramref name="now"/>.</summary>
    public IReadOnlyList<IHubObserver> Live(DateTimeOffset now) => [.. _hosts.Values.Where(h => HostLease.Live(h.Seen, now)).Select(h => h.Observer)];

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
    public static readonly TimeSpan Expiry = HostLease.Expiry;

    public async Task Register(string hostId, IHubObserver observer)
    {
        state.State.Register(hostId, observer, TimeProvider.System.GetUtcNow());
        await state.WriteStateAsync();
    }

    public async Task Unregister(string hostId)
    {
        if (state.State.Unregister(hostId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<IHubObserver>> GetObservers() =>
        Task.FromResult(state.State.Live(TimeProvider.System.GetUtcNow()));
}
