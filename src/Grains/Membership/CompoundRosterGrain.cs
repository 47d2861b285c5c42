using Orleans.Runtime;
using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

/// <summary>One account of a compound that is more than a resident: staff, committee or the sub-district operator.</summary>
[GenerateSerializer, Immutable]
public sealed record RosterEntry(
    [property: Id(0)] string PersonId,
    [property: Id(1)] UserRole Role,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string? HouseholdId);

/// <summary>
/// The staff, committee and operator accounts of one compound (key: compound), for the people page. Each person's
/// <see cref="IMemberGrain"/> is the single writer of their memberships and tells this grain whenever a role other than
/// resident is given or taken, so residents (thousands in a large compound, enrolled by import) never write it.
/// </summary>
public interface ICompoundRosterGrain : IGrainWithStringKey
{
    /// <summary>The person's membership here now (null: none). A resident or no membership leaves the roster.</summary>
    Task Set(string personId, CompoundMembership? membership);

    /// <summary>The accounts, staff first, then committee, then operators, each by name.</summary>
    Task<IReadOnlyList<RosterEntry>> List();
}

[GenerateSerializer]
public sealed class CompoundRosterState
{
    [Id(0)]
    internal Dictionary<string, RosterEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Staff and committee members by person id.</summary>
    public IReadOnlyDictionary<string, RosterEntry> Entries => _entries;

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

    /// <summary>Built once from the members themselves (see <c>Build</c>); from then on kept by their changes alone.</summary>
    [Id(1)]
    public bool Built { get; set; }
}

public sealed class CompoundRosterGrain(
    [PersistentState("compound-roster", GrainKeys.StorageName)] IPersistentState<CompoundRosterState> state) : Grain, ICompoundRosterGrain
{
    private string CompoundId => this.GetPrimaryKeyString();

    public async Task Set(string personId, CompoundMembership? membership)
    {
        if (Put(personId, membership))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<IReadOnlyList<RosterEntry>> List()
    {
        if (!state.State.Built)
        {
            await Build();
        }

        return [.. state.State.Entries.Values
            .OrderBy(e => e.Role switch { UserRole.Staff => 0, UserRole.Committee => 1, _ => 2 })
            .ThenBy(e => e.DisplayName, StringComparer.Ordinal)
            .ThenBy(e => e.PersonId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A compound whose accounts were enrolled before the roster existed: it is built once, when first listed (never
    /// inside a member's change, which waits for this grain), from the people the compound file names and those given
    /// a role through the API (the people book's audit), each as their member record shows them now.
    /// </summary>
    private async Task Build()
    {
        var named = (await GrainFactory.Compound(CompoundId).GetUsers(null, int.MaxValue))
            .Where(u => u.Role != UserRole.Resident)
            .Select(u => u.UserId);
        var granted = (await GrainFactory.People(CompoundId).GetAudit(1000))
            .Where(e => e.Action == AuditAction.RoleGranted && e.SubjectId is not null)
            .Select(e => e.SubjectId!);
        foreach (var person in named.Concat(granted).Concat(state.State.Entries.Keys.ToList()).Distinct(StringComparer.Ordinal))
        {
            var membership = (await GrainFactory.Member(person).Get()).Memberships.FirstOrDefault(m => m.CompoundId == CompoundId);
            Put(person, membership);
        }

        state.State.Built = true;
        await state.WriteStateAsync();
    }

    private bool Put(string personId, CompoundMembership? membership) => state.State.Put(personId, membership);
}
