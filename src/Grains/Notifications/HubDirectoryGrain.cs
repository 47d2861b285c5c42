using Orleans.Runtime;

namespace Parking.Grains.Notifications;

[GenerateSerializer]
public sealed class HubDirectoryState
{
    [Id(0)]
    public Dictionary<string, HubRegistration> Hosts { get; set; } = new(StringComparer.Ordinal);
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

    private Dictionary<string, HubRegistration> Hosts => state.State.Hosts;

    public async Task Register(string hostId, IHubObserver observer)
    {
        Hosts[hostId] = new HubRegistration(observer, TimeProvider.System.GetUtcNow());
        DropExpired();
        await state.WriteStateAsync();
    }

    public async Task Unregister(string hostId)
    {
        if (Hosts.Remove(hostId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<IHubObserver>> GetObservers()
    {
        var cutoff = TimeProvider.System.GetUtcNow() - Expiry;
        return Task.FromResult<IReadOnlyList<IHubObserver>>([.. Hosts.Values.Where(h => h.Seen >= cutoff).Select(h => h.Observer)]);
    }

    private void DropExpired()
    {
        var cutoff = TimeProvider.System.GetUtcNow() - Expiry;
        foreach (var stale in Hosts.Where(h => h.Value.Seen < cutoff).Select(h => h.Key).ToList())
        {
            Hosts.Remove(stale);
        }
    }
}
