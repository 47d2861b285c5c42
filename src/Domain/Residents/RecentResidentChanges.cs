using Parking.Domain.Reservations;

namespace Parking.Domain.Residents;

/// <summary>
/// The reservations a resident's list gained or saw change, and the Idempotency-Keys it learnt, since the list was last
/// stored whole: stored apart from it, so that a booking writes what it changed rather than the resident's whole list.
/// They apply only to the whole list whose <see cref="ResidentState.Version"/> is <see cref="BaseVersion"/>; once the
/// list is stored whole again, changes stored before are stale and ignored.
/// </summary>
[GenerateSerializer]
public sealed class RecentResidentChanges
{
    /// <summary>
    /// Changes (reservations and keys) beyond which the list is stored whole again; also at most a quarter of the list's
    /// reservations and keys, so a short list is always stored whole.
    /// </summary>
    public const int MaxChanges = 16;

    /// <summary>The <see cref="ResidentState.Version"/> of the whole list these changes apply to.</summary>
    [Id(0)]
    public long BaseVersion { get; set; }

    /// <summary>Every reservation new or changed since the whole list was stored, as it is now, in list order.</summary>
    [Id(1)]
    public List<Reservation> Changed { get; set; } = [];

    /// <summary>The Idempotency-Keys remembered since the whole list was stored.</summary>
    [Id(2)]
    public Dictionary<string, IdempotencyRecord> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// What a resident's whole list held when it was last stored (or read): tells whether the list as it is now can be stored
/// as <see cref="RecentResidentChanges"/> (reservations added or replaced, keys added, nothing removed) or must be stored
/// whole. Reservations and key records are immutable, so one not replaced since is the same instance.
/// </summary>
public sealed class StoredResidentList
{
    private readonly StoredEntries<Reservation> _reservations;
    private readonly StoredEntries<KeyValuePair<string, IdempotencyRecord>> _keys;
    private readonly int _earlierArchiveChunks;

    private StoredResidentList(ResidentState list)
    {
        _reservations = StoredEntries.Of(list.Reservations, r => r.Id);
        _keys = StoredEntries.Of(list.IdempotencyKeys);
        _earlierArchiveChunks = list.EarlierArchive.Chunks.Count;
        Version = list.Version;
    }

    /// <summary>The version of the whole list stored (see <see cref="ResidentState.StoringWhole"/>).</summary>
    public long Version { get; }

    /// <summary>The whole list as it is stored now (take it after a whole write, or on reading, before changes apply).</summary>
    public static StoredResidentList Of(ResidentState list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return new StoredResidentList(list);
    }

    /// <summary>
    /// The changes that bring the stored list to <paramref name="list"/>, or null when it must be stored whole: a
    /// reservation or a key left it (archived, pruned, forgotten), a key was replaced, the index of an earlier build
    /// changed, or the changes are too many (<see cref="RecentResidentChanges.MaxChanges"/>, or more than a quarter of
    /// the list's reservations and keys).
    /// </summary>
    public RecentResidentChanges? ChangesTo(ResidentState list)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list.EarlierArchive.Chunks.Count != _earlierArchiveChunks)
        {
            return null;
        }

        // Counted over reservations and keys alike: a list holding a day's keys is stored whole less often.
        var limit = Math.Min(RecentResidentChanges.MaxChanges, (list.Reservations.Count + list.IdempotencyKeys.Count) / 4);
        if (_reservations.ChangesTo(list.Reservations, limit, EntryChangesAllowed.AddedOrReplaced) is not { } reservations
            || _keys.ChangesTo(list.IdempotencyKeys, limit - reservations.Count, EntryChangesAllowed.Added) is not { } keys)
        {
            return null;
        }

        return new RecentResidentChanges
        {
            BaseVersion = Version,
            Changed = reservations.Changed,
            Keys = new Dictionary<string, IdempotencyRecord>(keys.Changed, StringComparer.Ordinal),
        };
    }
}
