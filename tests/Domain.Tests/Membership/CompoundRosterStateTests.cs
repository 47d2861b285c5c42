using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Xunit;

namespace Parking.Domain.Tests.Membership;

/// <summary>The roster holds only roles beyond resident, changes only when a membership does, and lists staff first.</summary>
public class CompoundRosterStateTests
{
    [Fact]
    public void A_resident_or_no_membership_leaves_and_an_unchanged_membership_changes_nothing()
    {
        var roster = new CompoundRosterState();

        Assert.True(roster.Put("p1", new CompoundMembership("c", UserRole.Staff, "Wu Min")));
        Assert.False(roster.Put("p1", new CompoundMembership("c", UserRole.Staff, "Wu Min")));
        Assert.True(roster.Put("p1", new CompoundMembership("c", UserRole.Committee, "Wu Min")));
        Assert.False(roster.Put("p2", new CompoundMembership("c", UserRole.Resident, "Li Na", "H1")));
        Assert.Equal(["p1"], roster.Entries.Keys);

        Assert.True(roster.Put("p1", new CompoundMembership("c", UserRole.Resident, "Wu Min", "H1")));
        Assert.Empty(roster.Entries);
        Assert.False(roster.Put("p1", null));
    }

    [Fact]
    public void The_list_is_staff_then_committee_then_operators_each_by_name()
    {
        var roster = new CompoundRosterState();
        roster.Put("op", new CompoundMembership("c", UserRole.Operator, "Aaron"));
        roster.Put("c2", new CompoundMembership("c", UserRole.Committee, "Zhou"));
        roster.Put("c1", new CompoundMembership("c", UserRole.Committee, "Chen"));
        roster.Put("s1", new CompoundMembership("c", UserRole.Staff, "Yang"));
        Assert.False(roster.Built);

        roster.MarkBuilt();

        Assert.Equal(["s1", "c1", "c2", "op"], roster.Listed().Select(e => e.PersonId));
        Assert.True(roster.Built);
    }
}
