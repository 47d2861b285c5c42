using Parking.Domain.Membership;

namespace Parking.Domain.Gates;

/// <summary>Which of a leaving person's plates stop naming anyone at the compound's gate.</summary>
public static class LeaverPlates
{
    /// <summary>
    /// The leaver's plates (canonical, as <see cref="PlateNumber.Normalize"/> spells them) that no other resident of the
    /// compound has registered. A car two residents share (a household's one car, on both their records) still names
    /// the one who stays, so the gate events of its plate keep it; it goes when the last of them leaves.
    /// </summary>
    /// <param name="leaver">The person who leaves.</param>
    /// <param name="plates">The plates that name the leaver at the gate.</param>
    /// <param name="residents">Residents of the compound as the index holds them (any may be the leaver or not hold these plates).</param>
    public static IReadOnlySet<string> ToAnonymise(string leaver, IEnumerable<string> plates, IEnumerable<ResidentEntry> residents)
    {
        ArgumentNullException.ThrowIfNull(plates);
        ArgumentNullException.ThrowIfNull(residents);
        var heldByOthers = residents
            .Where(r => !string.Equals(r.PersonId, leaver, StringComparison.Ordinal))
            .SelectMany(r => r.Plates)
            .ToHashSet(StringComparer.Ordinal);
        return plates.Where(p => !heldByOthers.Contains(p)).ToHashSet(StringComparer.Ordinal);
    }
}
