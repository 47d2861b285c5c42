namespace Parking.Domain.Membership;

/// <summary>
/// The people a compound's retention sweep reaches besides those its compound file names. Changes only through its
/// methods.
/// </summary>
[GenerateSerializer]
public sealed class HistoryRetentionState
{
    /// <summary>
    /// People whose resident or inbox grain stored something and whom the compound file does not name (or no longer
    /// names: a re-import dropped them). A set stored by an earlier build also holds people the file names, which does no
    /// harm: the sweep takes each person once.
    /// </summary>
    [Id(0)]
    internal HashSet<string> _people = new(StringComparer.Ordinal);

    public IReadOnlySet<string> People => _people;

    /// <summary>The person stored something; returns whether they were new here.</summary>
    public bool Track(string personId) => _people.Add(personId);

    /// <summary>People a re-import drops from the file: the sweep keeps reaching them. Returns how many were new here.</summary>
    public int Retain(IEnumerable<string> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        return people.Count(_people.Add);
    }

    /// <summary>The person's records are gone; returns whether they were here.</summary>
    public bool Forget(string personId) => _people.Remove(personId);

    /// <summary>Everyone one sweep reaches: the people the compound file names, then those held here, each once.</summary>
    public IReadOnlyList<string> Reached(IEnumerable<string> named)
    {
        ArgumentNullException.ThrowIfNull(named);
        return [.. named.Concat(_people).Distinct(StringComparer.Ordinal)];
    }
}
