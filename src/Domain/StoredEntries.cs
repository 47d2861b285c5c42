namespace Parking.Domain;

/// <summary>What a keyed collection may have undergone since it was stored whole for its changes to be stored apart.</summary>
[Flags]
public enum EntryChangesAllowed
{
    /// <summary>Entries may only join.</summary>
    Added = 1,

    /// <summary>An entry may be replaced by another of the same key.</summary>
    Replaced = 2,

    /// <summary>An entry may leave.</summary>
    Removed = 4,

    AddedOrReplaced = Added | Replaced,

    Any = Added | Replaced | Removed,
}

/// <summary>The entries of a keyed collection that joined or were replaced since it was stored whole, and the keys that left.</summary>
/// <param name="Changed">Entries new or replaced, as they are now, in the collection's order.</param>
/// <param name="Removed">Keys of the entries that left.</param>
public sealed record EntryChanges<TItem>(List<TItem> Changed, List<string> Removed)
{
    public int Count => Changed.Count + Removed.Count;
}

/// <summary>
/// The one delta store behind every state that writes what changed instead of itself whole (a resident's list, a space's
/// calendar, a household's ledger): what a keyed collection of immutable entries held when it was last stored whole
/// (or read), and which entries joined, were replaced or left since. An owner takes one per collection after each whole
/// write and asks it, at the next write, for the changes; when they are too many, or of a kind its changes cannot hold,
/// it stores itself whole again. <see cref="StoredEntries.Replay{TItem}"/> applies the changes on reading.
/// </summary>
/// <typeparam name="TItem">An entry; entries are immutable, so one not replaced since is the same (see the comparer given).</typeparam>
public sealed class StoredEntries<TItem>
{
    private readonly Dictionary<string, TItem> _entries;
    private readonly Func<TItem, string> _keyOf;
    private readonly IEqualityComparer<TItem> _same;

    internal StoredEntries(IEnumerable<TItem> entries, Func<TItem, string> keyOf, IEqualityComparer<TItem> same)
    {
        _keyOf = keyOf;
        _same = same;
        _entries = new Dictionary<string, TItem>(entries is ICollection<TItem> collection ? collection.Count : 0, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            _entries[keyOf(entry)] = entry;
        }
    }

    /// <summary>Entries stored.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// The changes that bring the stored entries to <paramref name="current"/>, or null when they are more than
    /// <paramref name="budget"/>, or of a kind not <paramref name="allowed"/>.
    /// </summary>
    public EntryChanges<TItem>? ChangesTo(IEnumerable<TItem> current, int budget, EntryChangesAllowed allowed)
    {
        ArgumentNullException.ThrowIfNull(current);
        List<TItem>? changed = null;
        var kept = 0;
        foreach (var entry in current)
        {
            if (_entries.TryGetValue(_keyOf(entry), out var stored))
            {
                kept++;
                if (_same.Equals(stored, entry))
                {
                    continue;
                }

                if (!allowed.HasFlag(EntryChangesAllowed.Replaced))
                {
                    return null;
                }
            }
            else if (!allowed.HasFlag(EntryChangesAllowed.Added))
            {
                return null;
            }

            changed ??= [];
            changed.Add(entry);
            if (changed.Count > budget)
            {
                return null;
            }
        }

        changed ??= [];
        if (kept == _entries.Count)
        {
            return new EntryChanges<TItem>(changed, []);
        }

        if (!allowed.HasFlag(EntryChangesAllowed.Removed) || changed.Count + (_entries.Count - kept) > budget)
        {
            return null;
        }

        // The keys still present, in a set this thread keeps for the next call (nothing here yields), so a write after
        // legs were confirmed does not build a set of every entry.
        var present = _present ??= new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in current)
            {
                present.Add(_keyOf(entry));
            }

            var removed = new List<string>(_entries.Count - kept);
            foreach (var key in _entries.Keys)
            {
                if (!present.Contains(key))
                {
                    removed.Add(key);
                }
            }

            return new EntryChanges<TItem>(changed, removed);
        }
        finally
        {
            present.Clear();
        }
    }

    [ThreadStatic]
    private static HashSet<string>? _present;
}

/// <summary>Makes <see cref="StoredEntries{TItem}"/> and applies the changes they gave.</summary>
public static class StoredEntries
{
    /// <summary>Entries of a list, each known by <paramref name="keyOf"/>; one not replaced is the same instance.</summary>
    public static StoredEntries<TItem> Of<TItem>(IEnumerable<TItem> entries, Func<TItem, string> keyOf)
        where TItem : class
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(keyOf);
        // Entries are immutable: one not replaced since is the same instance.
        return new StoredEntries<TItem>(entries, keyOf, ReferenceEqualityComparer.Instance);
    }

    /// <summary>Entries of a dictionary; a value not replaced is equal (the same instance, for a record).</summary>
    public static StoredEntries<KeyValuePair<string, TValue>> Of<TValue>(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new StoredEntries<KeyValuePair<string, TValue>>(entries, e => e.Key, SameValue<TValue>.Instance);
    }

    /// <summary>
    /// Applies changed entries to <paramref name="list"/>: each replaces the entry of its key in place, or joins the end,
    /// in the order given.
    /// </summary>
    public static void Replay<TItem>(List<TItem> list, IEnumerable<TItem> changed, Func<TItem, string> keyOf)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(keyOf);
        var positions = new Dictionary<string, int>(list.Count, StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            positions[keyOf(list[i])] = i;
        }

        foreach (var entry in changed)
        {
            var key = keyOf(entry);
            if (positions.TryGetValue(key, out var at))
            {
                list[at] = entry;
            }
            else
            {
                positions[key] = list.Count;
                list.Add(entry);
            }
        }
    }

    /// <summary>Applies changes to <paramref name="dictionary"/>: changed entries set, removed keys gone.</summary>
    public static void Replay<TValue>(Dictionary<string, TValue> dictionary, IEnumerable<KeyValuePair<string, TValue>> changed, IEnumerable<string> removed)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(removed);
        foreach (var key in removed)
        {
            dictionary.Remove(key);
        }

        foreach (var (key, value) in changed)
        {
            dictionary[key] = value;
        }
    }

    private sealed class SameValue<TValue> : IEqualityComparer<KeyValuePair<string, TValue>>
    {
        public static readonly SameValue<TValue> Instance = new();

        public bool Equals(KeyValuePair<string, TValue> x, KeyValuePair<string, TValue> y) =>
            EqualityComparer<TValue>.Default.Equals(x.Value, y.Value);

        public int GetHashCode(KeyValuePair<string, TValue> obj) => obj.Value is null ? 0 : EqualityComparer<TValue>.Default.GetHashCode(obj.Value);
    }
}
