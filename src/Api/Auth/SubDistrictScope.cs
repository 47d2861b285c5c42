using Parking.Domain.Membership;
using Parking.Grains.Compounds;

namespace Parking.Api.Auth;

/// <summary>
/// A sub-district operator is scoped to their sub-district: their membership is in one compound (their home), and
/// they may act in every compound of that compound's sub-district, in no other. The compound directory says which
/// sub-district each compound belongs to (from its compound file).
/// </summary>
public static class SubDistrictScope
{
    /// <summary>
    /// Of the compounds <paramref name="all"/>, those a person whose home is <paramref name="homeCompoundId"/> sees as an
    /// operator: their own and every other of its sub-district.
    /// </summary>
    public static IEnumerable<CompoundSummary> OfOperatorHome(this IReadOnlyList<CompoundSummary> all, string homeCompoundId)
    {
        ArgumentNullException.ThrowIfNull(all);
        var home = all.FirstOrDefault(c => c.CompoundId == homeCompoundId);
        return all.Where(c => c.CompoundId == homeCompoundId || (home?.SubDistrictId is { } sub && c.SubDistrictId == sub));
    }

    /// <summary>Whether an operator whose home is <paramref name="homeCompoundId"/> may act in <paramref name="compoundId"/>.</summary>
    public static Task<bool> OperatorMayEnter(this IGrainFactory grains, string homeCompoundId, string compoundId) =>
        string.Equals(homeCompoundId, compoundId, StringComparison.Ordinal)
            ? Task.FromResult(true)
            : grains.CompoundDirectory().SameSubDistrict(homeCompoundId, compoundId);

    /// <summary>
    /// The membership a person acts in for <paramref name="compoundId"/>, with the operator's scope applied: an operator
    /// who is not a member of the compound named gets it only when it lies in their own sub-district.
    /// </summary>
    public static async Task<Outcome<CompoundMembership>> MembershipIn(this IGrainFactory grains, MemberRecord record, string? compoundId)
    {
        ArgumentNullException.ThrowIfNull(record);
        var membership = record.In(compoundId);
        if (compoundId is null
            || membership.Value is not { Role: UserRole.Operator }
            || record.Memberships.Any(m => m.CompoundId == compoundId)
            || record.Memberships.FirstOrDefault(m => m.Role == UserRole.Operator) is not { } home)
        {
            return membership;
        }

        return await grains.OperatorMayEnter(home.CompoundId, compoundId)
            ? membership
            : DomainError.Forbidden($"Compound '{compoundId}' is not in your sub-district.");
    }
}
