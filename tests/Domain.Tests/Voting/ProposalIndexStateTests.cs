using Parking.Domain.Voting;
using Xunit;

namespace Parking.Domain.Tests.Voting;

/// <summary>Proposal ids are handed out once; a chosen id already made is refused; the list is newest first.</summary>
public class ProposalIndexStateTests
{
    [Fact]
    public void Ids_are_never_handed_out_twice_and_the_list_is_newest_first()
    {
        var index = new ProposalIndexState();
        var first = index.TakeId();
        var spent = index.TakeId();
        index.Made(first);
        var third = index.TakeId();
        index.Made(third);

        Assert.Equal(["p1", "p2", "p3"], new[] { first, spent, third });
        Assert.Equal(3, index.NextId);
        Assert.Equal(["p3", "p1"], index.Newest);
        Assert.Equal(["p1", "p3"], index.ProposalIds);
    }

    [Fact]
    public void A_proposal_made_under_an_id_already_made_is_a_conflict()
    {
        var index = new ProposalIndexState();
        index.Made("demo");

        var refused = index.MayMakeAs("demo");

        Assert.Equal(("proposal-exists", ErrorKind.Conflict), (refused?.Code, refused?.Kind));
        Assert.Null(index.MayMakeAs("other"));
    }
}
