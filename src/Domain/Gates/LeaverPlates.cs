using Parking.Domain.Membership;

namespace Parking.Domain.Gates;

/// <summary>Which of a leaving person's plates stop naming anyone at the compound's gate.</summary>
public static class LeaverPlates
{
    /// <summary>
    /// The leaver's plates (canonical, as <see cref="PlateNumber.Normalize"/> spells them) that nobody else of the
    /// compound has registered or still has a live booking with. A car two residents share (a household's one car, on
    /// both their records), or one a resident shares with a member of staff or the committee, still names the one who
    /// stays, so the gate events of its plate keep it; it goes when the last of them leaves. A visitor's car works the
    /// same way: while another person's booking (reserved or checked in) names its plate, that person expects it.
    /// </summary>
    /// <param name="leaver">The person who leaves.</param>
    /// <param name="plates">The plates that name the leaver at the gate.</param>
    /// <param name="residents">Residents of the compound as the index holds them (any may be the leaver or not hold these plates).</param>
    /// <param name="accounts">
    /// The compound's other accounts (staff, committee, operators) with the plates on their records, canonical; the
    /// leaver among them is ignored.
    /// </param>
    /// <param name="bookings">
    /// Live bookings of the compound that name a plate (canonical), with who made each; the leaver's own are ignored
    /// (they are cancelled as the leave ends what is live).
    /// </param>
    public static IReadOnlySet<string> ToAnonymise(
        string leaver,
        IEnumerable<string> plates,
        IEnumerable<ResidentEntry> residents,
        IEnumerable<(string PersonId, IEnumerable<string> Plates)>? accounts = null,
        IEnumerable<(string PersonId, string Plate)>? bookings = null)
    {
        ArgumentNullException.ThrowIfNull(plates);
        ArgumentNullException.ThrowIfNull(residents);
        var heldByOthers = residents
            .Select(r => (r.PersonId, Plates: (IEnumerable<string>)r.Plates))
            .Concat(accounts ?? [])
            .Concat((bookings ?? []).Select(b => (b.PersonId, Plates: (IEnumerable<string>)[b.Plate])))
            .Where(r => !string.Equals(r.PersonId, leaver, StringComparison.Ordinal))
            .SelectMany(r => r.Plates)
            .ToHashSet(StringComparer.Ordinal);
        return plates.Where(p => !heldByOthers.Contains(p)).ToHashSet(StringComparer.Ordinal);
    }
}
