using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

/// <summary>
/// One bucket of a compound's resident index: the entries it holds and, until the first build seeds it, the people a
/// change reached first (their entry is newer than a seed's). It changes only through <see cref="Set"/>,
/// <see cref="Seed"/> and <see cref="Relabelled"/>; the fields keep the ids and types the bucket was first stored with.
/// </summary>
[GenerateSerializer]
public sealed class ResidentBucketState
{
    [Id(0)] internal Dictionary<string, ResidentEntry> _entries = new(StringComparer.Ordinal);

    [Id(1)] internal HashSet<string> _toldBeforeSeed = new(StringComparer.Ordinal);

    [Id(2)] internal bool _seeded;

    /// <summary>
    /// The entries in the order staff read them, made on the first search after a change (not stored). Never changed in
    /// place: a search may hand it out whole (<see cref="ResidentQuery.PartOf(string, int, ResidentEntry[], string[])"/>),
    /// so a change makes a new one.
    /// </summary>
    [NonSerialized]
    private ResidentEntry[]? _ordered;

    /// <summary>What a search looks in for each of <see cref="_ordered"/>, in the same order (<see cref="ResidentQuery.SearchKey"/>).</summary>
    [NonSerialized]
    private string[]? _keys;

    public IReadOnlyDictionary<string, ResidentEntry> Entries => _entries;

    /// <summary>Until the first build seeds the bucket: people whose change arrived first (their entry is newer than a seed's).</summary>
    public IReadOnlySet<string> ToldBeforeSeed => _toldBeforeSeed;

    public bool Seeded => _seeded;

    /// <summary>
    /// The person's entry now (null: not a resident here any more). Returns whether anything changed: the same entry again
    /// changes nothing once the bucket is seeded or the person was already told of; before the seed it is remembered, so
    /// the seed does not overwrite it with an older one.
    /// </summary>
    public bool Set(string personId, ResidentEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(personId);
        var held = _entries.GetValueOrDefault(personId);
        if (Equals(held, entry) && (_seeded || _toldBeforeSeed.Contains(personId)))
        {
            return false;
        }

        if (entry is null)
        {
            _entries.Remove(personId);
        }
        else
        {
            _entries[personId] = entry;
        }

        if (!_seeded)
        {
            _toldBeforeSeed.Add(personId);
        }

        _ordered = null;
        return true;
    }

    /// <summary>
    /// The first build's entries: each of <paramref name="personIds"/> gets its entry in <paramref name="entries"/> (none:
    /// not a resident), except people a change told of first. Once only: returns false when already seeded.
    /// </summary>
    public bool Seed(IReadOnlyList<string> personIds, IReadOnlyList<ResidentEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        ArgumentNullException.ThrowIfNull(entries);
        if (_seeded)
        {
            return false;
        }

        foreach (var person in personIds.Where(p => !_toldBeforeSeed.Contains(p)))
        {
            _entries.Remove(person);
        }

        foreach (var entry in entries.Where(e => !_toldBeforeSeed.Contains(e.PersonId)))
        {
            _entries[entry.PersonId] = entry;
        }

        _seeded = true;
        _toldBeforeSeed = new(StringComparer.Ordinal);
        _ordered = null;
        return true;
    }

    /// <summary>
    /// Held entries whose unit was filled (an earlier build stored none) or changed (a re-import renumbered the household)
    /// take their new form; entries of people no longer held are ignored. Returns how many were replaced.
    /// </summary>
    public int Relabelled(IEnumerable<ResidentEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var replaced = 0;
        foreach (var entry in entries.Where(e => _entries.ContainsKey(e.PersonId)))
        {
            _entries[entry.PersonId] = entry;
            _ordered = null;
            replaced++;
        }

        return replaced;
    }

    /// <summary>The entries a search text (already <see cref="ResidentIndex.Searchable"/>) finds (<see cref="ResidentQuery.Matches(string, ResidentEntry)"/>), in the order staff read them.</summary>
    public IReadOnlyList<ResidentEntry> Find(string text) => Find(text, int.MaxValue).First;

    /// <summary>How many entries a search text finds, and the first <paramref name="wanted"/> of them in the order staff read them (<see cref="ResidentQuery.PartOf"/>).</summary>
    public ResidentPart Find(string text, int wanted)
    {
        if (_ordered is null || _keys is null)
        {
            _ordered = [.. _entries.Values.Order(ResidentQuery.Order)];
            _keys = Array.ConvertAll(_ordered, ResidentQuery.SearchKey);
        }

        return ResidentQuery.PartOf(text, wanted, _ordered, _keys);
    }
}
