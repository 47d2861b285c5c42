namespace Parking.Grains;

/// <summary>
/// The stored state of one archive chunk: the items it holds, replaced whole when the chunk is stored (an archiving that
/// appends to it, a retry, a rewrite after anonymising or forgetting: each writes the whole chunk again). Each kind of chunk
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
/// <remarks>
/// A chunk fills over several archivings (<see cref="Append"/>) so that an owner archiving a few items at a time, to keep
/// its own writes small, does not activate and store a new grain each time. <paramref name="identity"/> names an item
/// (a reservation's id; a transaction's decider and number), so appending what the chunk already holds, as an owner does
/// when its own write failed after the chunk's, replaces it instead of keeping it twice.
/// </remarks>
public abstract class ArchiveChunkGrain<TItem, TState>(IPersistentState<TState> state, Func<TItem, (string?, long)> identity) : Grain
    where TState : class, IArchiveChunkState<TItem>
{
    public async Task Store(IReadOnlyList<TItem> chunk)
    {
        state.State.Store(chunk);
        await state.WriteStateAsync();
    }

    /// <summary>
    /// Adds <paramref name="items"/> after what the chunk holds and stores it, unless the chunk would then hold more than
    /// <paramref name="capacity"/> items: false, nothing changed (the owner starts a new chunk). An empty chunk takes them
    /// whatever their number. Items the chunk already holds are replaced (moved to the end), not held twice.
    /// </summary>
    public async Task<bool> Append(IReadOnlyList<TItem> items, int capacity)
    {
        ArgumentNullException.ThrowIfNull(items);
        var incoming = items.Select(identity).ToHashSet();
        var kept = state.State.Items.Where(i => !incoming.Contains(identity(i))).ToList();
        if (kept.Count > 0 && kept.Count + items.Count > capacity)
        {
            return false;
        }

        state.State.Store(kept.Concat(items));
        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<TItem>> Get() => Task.FromResult(state.State.Items);

    public async Task Clear()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
