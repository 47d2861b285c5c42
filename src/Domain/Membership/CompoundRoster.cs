using Parking.Domain.Layout;

namespace Parking.Domain.Membership;

/// <summary>One account of a compound that is more than a resident: staff, committee or the sub-district operator.</summary>
/// <remarks>
/// Moved from Parking.Grains: each [Id] is on an internal field behind a public init property, since its codec is
/// generated in Parking.Grains (ORLEANS0101) and the field keeps the stored bytes.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record RosterEntry(string PersonId, UserRole Role, string DisplayName, string? HouseholdId)
{
    [Id(0)] internal string _personId = PersonId;

    public string PersonId { get => _personId; init => _personId = value; }

    [Id(1)] internal UserRole _role = Role;

    public UserRole Role { get => _role; init => _role = value; }

    [Id(2)] internal string _displayName = DisplayName;

    public string DisplayName { get => _displayName; init => _displayName = value; }

    [Id(3)] internal string? _householdId = HouseholdId;

    public string? HouseholdId { get => _householdId; init => _householdId = value; }
}

/// <summary>
/// The staff, committee and operator accounts of one compound, for the people page; residents never appear. Changes
/// only through its methods.
/// </summary>
[GenerateSerializer]
public sealed class CompoundRosterState
{
    [Id(0)]
    internal Dictionary<string, RosterEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Built once from the members themselves; from then on kept by their changes alone.</summary>
    [Id(1)]
    internal bool _built;

    /// <summary>Staff and committee members by person id.</summary>
    public IReadOnlyDictionary<string, RosterEntry> Entries => _entries;

    /// <summary>Whether the roster was built from the members (a compound enrolled before the roster existed is built when first listed).</summary>
    public bool Built => _built;

    /// <summary>The accounts, staff first, then committee, then operators, each by name (then id).</summary>
    public IReadOnlyList<RosterEntry> Listed() =>
        [.. _entries.Values
            .OrderBy(e => e.Role switch { UserRole.Staff => 0, UserRole.Committee => 1, _ => 2 })
            .ThenBy(e => e.DisplayName, StringComparer.Ordinal)
            .ThenBy(e => e.PersonId, StringComparer.Ordinal)];

    /// <summary>The person's entry from their membership: none when they have no role beyond resident. Returns whether it changed.</summary>
    public bool Put(string personId, CompoundMembership? membership)
    {
        if (membership is null or { Role: UserRole.Resident })
        {
            return _entries.Remove(personId);
        }

        var entry = new RosterEntry(personId, membership.Role, membership.DisplayName, membership.HouseholdId);
        if (_entries.TryGetValue(personId, out var held) && held == entry)
        {
            return false;
        }

        _entries[personId] = entry;
        return true;
    }

    /// <summary>The roster was built from the members.</summary>
    public void MarkBuilt() => _built = true;
}
