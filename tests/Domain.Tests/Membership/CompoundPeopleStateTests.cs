using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Xunit;

namespace Parking.Domain.Tests.Membership;

/// <summary>
/// What the people grain and the member grain keep: an invite code belongs to the first compound that claims it, the
/// people book is stored pruned and the daily prune says whether anything went, and an enrolment with a bad plate
/// keeps nothing.
/// </summary>
public class CompoundPeopleStateTests
{
    [Fact]
    public void An_invite_code_belongs_to_the_first_compound_that_claims_it()
    {
        var code = new InviteCodeState();
        Assert.True(code.Claim("c1"));
        Assert.False(code.Claim("c2"));
        Assert.Equal("c1", code.CompoundId);
    }

    [Fact]
    public void An_unchanged_book_is_not_pruned_again()
    {
        var state = new CompoundPeopleState();
        var now = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

        state.Keep(PeopleBook.Empty, now);

        Assert.False(state.Prune(now));
        Assert.Equal(PeopleBook.Empty.RetentionDays, state.Book.RetentionDays);
    }

    [Fact]
    public void An_enrolment_joins_and_registers_every_car_or_with_one_bad_plate_keeps_nothing()
    {
        var membership = new CompoundMembership("c1", UserRole.Resident, "Ann", "h1", "b1");

        var enrolled = MemberRecord.Empty.Enrol(membership, [new Vehicle("沪A·12345", true), new Vehicle("沪A12345", true)]);
        Assert.Equal(["c1"], enrolled.Value!.Memberships.Select(m => m.CompoundId));
        Assert.Single(enrolled.Value.Vehicles);

        var refused = MemberRecord.Empty.Enrol(membership, [new Vehicle("沪A·12345", true), new Vehicle("not a plate", false)]);
        Assert.Null(refused.Value);
        Assert.Equal("plate", refused.Error!.Field);
    }
}
