using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Xunit;

namespace Parking.Domain.Tests.Membership;

/// <summary>
/// The people book's rules over a person's membership, which the compound's grain reads from the person's member
/// grain and passes in: who may redeem a resident invite or ask to join, whose role is granted or removed here, and
/// that a request to join names a household.
/// </summary>
public class PeopleMembershipRulesTests
{
    private static CompoundMembership As(UserRole role, string? household = null) => new("c1", role, "Ann", household);

    [Fact]
    public void A_resident_invite_does_not_take_a_staff_committee_or_operator_role_away()
    {
        Assert.Null(PeopleRules.MayRedeem(null));
        Assert.Null(PeopleRules.MayRedeem(As(UserRole.Resident, "H1")));
        var staff = PeopleRules.MayRedeem(As(UserRole.Staff))!;
        Assert.Equal(
            (ErrorKind.Conflict, "already-member", "You are already staff of this compound; a resident invite would take that role away."),
            (staff.Kind, staff.Code, staff.Message));
        Assert.Equal("You are already committee of this compound; a resident invite would take that role away.", PeopleRules.MayRedeem(As(UserRole.Committee))!.Message);
        Assert.Equal("already-member", PeopleRules.MayRedeem(As(UserRole.Operator))!.Code);
    }

    [Fact]
    public void Only_someone_who_does_not_belong_yet_asks_to_join()
    {
        Assert.Null(PeopleRules.MayAskToJoin(null));
        foreach (var role in new[] { UserRole.Resident, UserRole.Staff, UserRole.Committee, UserRole.Operator })
        {
            var refused = PeopleRules.MayAskToJoin(As(role))!;
            Assert.Equal((ErrorKind.Conflict, "already-member", "You already belong to this compound."), (refused.Kind, refused.Code, refused.Message));
        }
    }

    [Fact]
    public void The_operators_role_is_not_changed_here()
    {
        var refused = PeopleRules.MayGrantTo(As(UserRole.Operator))!;
        Assert.Equal((ErrorKind.Forbidden, "The sub-district operator's role is not changed here."), (refused.Kind, refused.Message));
        Assert.Null(PeopleRules.MayGrantTo(null));
        Assert.Null(PeopleRules.MayGrantTo(As(UserRole.Resident, "H1")));
        Assert.Null(PeopleRules.MayGrantTo(As(UserRole.Staff)));
    }

    [Fact]
    public void Only_a_staff_committee_or_operator_role_is_removed()
    {
        foreach (var current in new[] { null, As(UserRole.Resident, "H1") })
        {
            var none = PeopleRules.RemovableRole(current, "ann").Error!;
            Assert.Equal(
                (ErrorKind.NotFound, "role-not-found", "'ann' holds no staff or committee role in this compound.", "personId"),
                (none.Kind, none.Code, none.Message, none.Field));
        }

        Assert.Equal(UserRole.Committee, PeopleRules.RemovableRole(As(UserRole.Committee, "H1"), "ann").Value!.Role);
    }

    [Fact]
    public void A_request_to_join_names_its_household()
    {
        foreach (var missing in new[] { null, "", "   " })
        {
            var refused = PeopleRules.HouseholdId(missing).Error!;
            Assert.Equal(
                (ErrorKind.Validation, "household-required", "householdId is required.", "householdId"),
                (refused.Kind, refused.Code, refused.Message, refused.Field));
        }

        Assert.Equal("H00001", PeopleRules.HouseholdId(" H00001 ").Value);
    }

    [Fact]
    public void An_invite_gives_up_after_five_codes_drawn_were_all_taken()
    {
        Assert.Equal(5, PeopleRules.CodeAttempts);
        Assert.Equal(
            (ErrorKind.Conflict, "invite-code-unavailable", "No free invite code was found; try again."),
            (PeopleRules.NoFreeCode.Kind, PeopleRules.NoFreeCode.Code, PeopleRules.NoFreeCode.Message));
    }
}
