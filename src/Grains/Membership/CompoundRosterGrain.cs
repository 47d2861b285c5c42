using Orleans.Runtime;
using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

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

        return state.State.Listed();
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

        state.State.MarkBuilt();
        await state.WriteStateAsync();
    }

    private bool Put(string personId, CompoundMembership? membership) => state.State.Put(personId, membership);
}
