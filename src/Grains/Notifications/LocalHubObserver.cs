using Orleans.Runtime;

namespace Parking.Grains.Notifications;

/// <summary>
/// The hub host in this silo's own process, when there is one (the web host and the silo share a process): its
/// observer object beside the reference it registered in the hub directory. This silo's notifier hands that host its
/// batches by a direct call on the object, and every other host's through the cluster as before.
/// </summary>
/// <remarks>
/// A call to an observer through the cluster, even one in the same process, is a message queued to the observer's
/// own turn and then a work item of its own: under load, a batch waited there behind the silo's other work (the
/// "flushed -> at the host" stage of a push, tens of milliseconds at p99 on a busy machine). The host's
/// <see cref="IHubObserver.Deliver"/> only takes the batch and returns, so calling it on the notifier's turn costs the
/// notifier nothing that waits. The host is called only while the directory lists it, as any other host.
/// </remarks>
public sealed class LocalHubObserver
{
    private volatile Entry? _entry;

    /// <summary>This process's host observes by <paramref name="instance"/>, registered in the directory as <paramref name="reference"/>.</summary>
    public void Set(IHubObserver reference, IHubObserver instance)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(instance);
        _entry = new Entry(reference.GetGrainId(), instance);
    }

    /// <summary>The host stopped observing by <paramref name="reference"/>: batches for it go through the cluster again.</summary>
    public void Clear(IHubObserver reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var entry = _entry;
        if (entry is not null && entry.Id == reference.GetGrainId())
        {
            Interlocked.CompareExchange(ref _entry, null, entry);
        }
    }

    /// <summary>Whether <paramref name="registered"/> is this process's own host.</summary>
    public bool IsLocal(IHubObserver registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return _entry is { } entry && entry.Id == registered.GetGrainId();
    }

    /// <summary>What <see cref="Set"/> last made known, as an opaque token: another one means the host changed.</summary>
    public object? Token => _entry;

    /// <summary>This process's own host, when it observes.</summary>
    public IHubObserver? Instance => _entry?.Instance;

    /// <summary>Whom to call for a host the directory lists: this process's own observer object when it is this host, otherwise the reference.</summary>
    public IHubObserver For(IHubObserver registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return _entry is { } entry && entry.Id == registered.GetGrainId() ? entry.Instance : registered;
    }

    private sealed record Entry(GrainId Id, IHubObserver Instance);
}
