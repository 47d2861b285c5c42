using Parking.Domain.Layout;
using Parking.Domain.Sharing;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

/// <summary>Which spaces a visitor pass is tried on: the named one only if it is a visitor space, else the free visitor spaces found.</summary>
public class VisitorPassCandidatesTests
{
    [Fact]
    public void A_named_space_must_be_a_visitor_space()
    {
        Assert.Equal(["v1"], VisitorPassState.Candidates("v1", SpaceKind.Visitor, []).Value!);
        foreach (var kind in new SpaceKind?[] { SpaceKind.Standard, SpaceKind.EV, SpaceKind.Accessible, null })
        {
            var refused = VisitorPassState.Candidates("s1", kind, ["v1"]).Error!;
            Assert.Equal(
                (ErrorKind.Validation, "not-a-visitor-space", "A visitor pass is for a visitor space.", "spaceId"),
                (refused.Kind, refused.Code, refused.Message, refused.Field));
        }
    }

    [Fact]
    public void Without_a_named_space_the_free_visitor_spaces_are_tried_in_order_and_none_is_refused()
    {
        Assert.Equal(["v2", "v1"], VisitorPassState.Candidates(null, null, ["v2", "v1"]).Value!);
        var none = VisitorPassState.Candidates(null, null, []).Error!;
        Assert.Equal((ErrorKind.Conflict, "no-visitor-space", "No visitor space is free for that window."), (none.Kind, none.Code, none.Message));
    }
}
