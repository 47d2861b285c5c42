namespace Parking.Grains;

/// <summary>
/// The stored state of one archive chunk: the items it holds, replaced whole when the chunk is stored (the archiving that
/// made it, a retry, a rewrite after anonymising or forgetting). Each kind of chunk
/// keeps its own state type, name and layout, so chunks stored by earlier builds load as they were.
/// </summary>
public interface IArchiveChunkState<TItem>
{
    /// <summary>The chunk's items, in the order they were archived.</summary>
    IReadOnlyList<TItem> Items { get; }

    /// <summary>The chunk now holds <paramref name="chunk"/>, and nothing else.</summary>
    void Store(IEnumerable<TItem> chunk);
}

/// <summary>
/// One chunk of an archive (finished reservations, ledger transactions): items moved out of an owner's hot state so
/// what the owner writes on each change stays bounded. Stored when the chunk is archived (or rewritten), read when an
/// old item is asked for, cleared when the owner's history period has passed. The concrete grain gives the state its
/// name and its stored type.
/// </summary>
public abstract class ArchiveChunkGrain<TItem, TState>(IPersistentState<TState> state) : Grain
    where TState : class, IArchiveChunkState<TItem>
{
    public async Task Store(IReadOnlyList<TItem> chunk)
    {
        state.State.Store(chunk);
        await state.WriteStateAsync();

        // A chunk is stored on an owner's write path and read again rarely (an old item asked for, the history period
        // passed): kept active it held its items in memory for the whole collection age, thousands of chunks under a
        // steady flow of bookings (session 28's heap dumps on PostgreSQL). Stored, it has nothing left to do here.
        DeactivateOnIdle();
    }

    public Task<IReadOnlyList<TItem>> Get() => Task.FromResult(state.State.Items);

    public async Task Clear()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
