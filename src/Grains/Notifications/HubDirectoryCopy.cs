namespace Parking.Grains.Notifications;

/// <summary>
/// The push notifier's copy of the hub directory: the hosts a batch goes to. Renewed in the background from
/// <see cref="RenewAfter"/> of age, so under a steady flow no batch waits for the directory; a batch waits only when the
/// copy is older than <see cref="MaxAge"/> (a batch that waited for it was the slowest 1 % of pushes: one per renewal).
/// </summary>
/// <remarks>
/// Used on one grain's turns only (not thread-safe). Ages are read on <paramref name="clock"/>, the real clock in a silo:
/// a cache's age is neither domain time nor the window's time, which tests move.
/// </remarks>
public sealed class HubDirectoryCopy(Func<Task<IReadOnlyList<IHubObserver>>> read, TimeProvider clock)
{
    /// <summary>The oldest copy a batch is sent with: older, the batch waits for a fresh one.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    /// <summary>From this age the copy is renewed while batches still go out with it.</summary>
    public static readonly TimeSpan RenewAfter = TimeSpan.FromSeconds(1.5);

    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    /// <summary>
    /// The renewal under way, or the last one once done. Never cleared from inside the renewal: a directory that
    /// answers before the renewal's first await (the call's answer can come back before the caller reaches its await)
    /// would clear it before the caller stored it, and a finished renewal kept as "under way" stopped every later one,
    /// so hosts registered after it never got a batch.
    /// </summary>
    private Task? _renewal;

    /// <summary>The hosts by the last copy read (a new list object per read, so a caller can tell copies apart).</summary>
    public IReadOnlyList<IHubObserver> Observers { get; private set; } = [];

    /// <summary>Starts a renewal once the copy is old, and returns what a batch must wait for: the renewal only when the copy is too old to send by.</summary>
    public Task Fresh()
    {
        var age = clock.GetUtcNow() - _readAt;
        if (_renewal is not { IsCompleted: false } && age > RenewAfter)
        {
            _renewal = Renew();
        }

        return age > MaxAge && _renewal is { IsCompleted: false } renewal ? renewal : Task.CompletedTask;
    }

    /// <summary>Reads the directory; on failure the hosts known so far keep getting the batches and the next batch asks again.</summary>
    private async Task Renew()
    {
        // The copy is as old as the question: a host that registers while it is asked may be missing from the answer.
        var askedAt = clock.GetUtcNow();
        try
        {
            Observers = await read();
            _readAt = askedAt;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Failed?.Invoke(exception);
        }
    }

    /// <summary>Called with the error when a read of the directory fails.</summary>
    public Action<Exception>? Failed { get; init; }
}
