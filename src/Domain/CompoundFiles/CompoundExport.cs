using Parking.Domain.Layout;
using Parking.Domain.Membership;

namespace Parking.Domain.CompoundFiles;

/// <summary>
/// A live compound as a compound file of the published version: the layout as staff left it (retyped and re-owned
/// spaces are in the layout already, blocked spaces marked out of service), the feeds staff set by hand in place of the file's, and the people who belong
/// to the compound now as their own records say (role, household, name, cars), not as the last file named them.
/// Invite codes, join requests, e-bikes and the audit trail are not part of a compound file and are left out.
/// </summary>
public static class CompoundExport
{
    /// <param name="layout">The compound's live layout.</param>
    /// <param name="feedKw">The feed each charging area plans with now, by area id (an area not named keeps the layout's).</param>
    /// <param name="people">The member records of everyone who may belong to the compound; those without a membership here are left out.</param>
    /// <param name="outOfService">
    /// The spaces out of service now, as the spaces themselves say (staff blocks): written <c>"outOfService": true</c>, so
    /// a re-import keeps them blocked. Every other space is written without it (as live: in service). Null: none.
    /// </param>
    public static CompoundFile ToFile(
        CompoundLayout layout,
        IReadOnlyDictionary<string, double> feedKw,
        IEnumerable<(string PersonId, MemberRecord Record)> people,
        IReadOnlyCollection<string>? outOfService = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(feedKw);
        ArgumentNullException.ThrowIfNull(people);
        var households = layout.Households.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var users = new List<CompoundUser>();
        foreach (var (personId, record) in people.DistinctBy(p => p.PersonId, StringComparer.Ordinal).OrderBy(p => p.PersonId, StringComparer.Ordinal))
        {
            if (record.Memberships.FirstOrDefault(m => m.CompoundId == layout.CompoundId) is not { } membership)
            {
                continue;
            }

            // A resident whose household left the layout belongs nowhere in it: the file could not name them.
            if (membership.Role == UserRole.Resident && (membership.HouseholdId is not { } household || !households.Contains(household)))
            {
                continue;
            }

            users.Add(new CompoundUser(
                layout.CompoundId,
                personId,
                membership.DisplayName,
                membership.Role,
                membership.HouseholdId,
                membership.BuildingId,
                [.. record.Vehicles.Where(v => v is { Type: VehicleType.Car, Plate: not null }).Select(v => new Vehicle(v.Plate!.Value.Value, v.IsElectric))]));
        }

        var spaces = layout.Lots.SelectMany(l => l.Spaces).Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        var live = layout with
        {
            Users = users,

            // The file the layout came from said what it said of blocks; what is live now is the spaces' own state.
            SpaceService = (outOfService ?? []).Where(spaces.Contains).Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => true, StringComparer.Ordinal),
            ChargingAreas = [.. layout.ChargingAreas.Select(a => feedKw.TryGetValue(a.AreaId, out var kw) ? a with { SiteCapacityKw = kw } : a)],
        };
        return CompoundFileMapping.FromLayout(live);
    }
}
