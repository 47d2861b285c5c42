using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Voting;
using Parking.Grains.Voting;
using Xunit;

namespace Parking.Grains.Tests.Voting;

/// <summary>
/// Proposals on the two-silo cluster, each test in a compound of its own (six households of 100 m²) so the
/// shared demo compound and the other tests are left alone. The clock is shared: every test reads it afresh.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ProposalGrainTests(ClusterFixture fixture)
{
    private static DateTimeOffset Now => ClusterFixture.Clock.GetUtcNow();

    private async Task<string> NewCompound(string name, int households = 6)
    {
        var compoundId = $"vote-{name}";
        var layout = new CompoundLayout(
            compoundId,
            name,
            [new Building("B01", "Building 1")],
            [],
            [.. Enumerable.Range(1, households).Select(i => new Household($"H{i}", "B01", $"B01-{100 + i}", 100m))],
            []);
        await fixture.Grains.Compound(compoundId).InitializeLayout(layout);
        return compoundId;
    }

    private static ProposalDraft Draft(VoteMatter matter, TimeSpan opensIn, TimeSpan closesIn) =>
        new("Convert common spaces C1-C12 to EV", "Row C of lot G1", "sc-ev", 3, matter, Now + opensIn, Now + closesIn);

    private static Voter Of(int household) => new($"r{household}", $"H{household}");

    private async Task<ProposalView> Create(string compoundId, ProposalDraft draft)
    {
        var created = await fixture.Grains.Proposals(compoundId).Create(draft, "committee01");
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value!;
    }

    [Fact]
    public async Task The_index_makes_and_lists_proposals_and_refuses_a_bad_one_without_spending_an_id()
    {
        var compoundId = await NewCompound("index");
        var first = await Create(compoundId, Draft(VoteMatter.Other, TimeSpan.Zero, TimeSpan.FromDays(7)));

        var refused = await fixture.Grains.Proposals(compoundId).Create(Draft(VoteMatter.Other, TimeSpan.FromDays(2), TimeSpan.FromDays(1)), "committee01");
        var second = await Create(compoundId, Draft(VoteMatter.CommonPartsUse, TimeSpan.FromDays(1), TimeSpan.FromDays(8)));

        Assert.Equal(("closes", "period-reversed"), (refused.Error?.Field, refused.Error?.Code));
        Assert.Equal(("p1", "p2"), (first.Proposal.ProposalId, second.Proposal.ProposalId));
        Assert.Equal(["p2", "p1"], await fixture.Grains.Proposals(compoundId).GetProposalIds());
        Assert.Equal((VoteStatus.Open, 6, 600m), (first.Result.Status, first.Result.Tally.TotalOwners, first.Result.Tally.TotalArea));
        Assert.Equal(VoteStatus.Scheduled, second.Result.Status);
        Assert.Null(await fixture.Grains.Proposal(compoundId, "p9").Get());
        Assert.Equal("proposal-not-found", (await fixture.Grains.Proposal(compoundId, "p9").Cast(Of(1), BallotChoice.Yes)).Error?.Code);
    }

    [Fact]
    public async Task A_household_votes_once_changes_its_ballot_and_sees_its_own_history_while_the_committee_sees_all()
    {
        var compoundId = await NewCompound("ballots");
        var proposal = fixture.Grains.Proposal(compoundId, (await Create(compoundId, Draft(VoteMatter.Other, TimeSpan.Zero, TimeSpan.FromDays(7)))).Proposal.ProposalId);

        Assert.True((await proposal.Cast(Of(1), BallotChoice.Yes)).IsSuccess);
        Assert.True((await proposal.Cast(Of(2), BallotChoice.No)).IsSuccess);
        var twice = await proposal.Cast(new Voter("r1b", "H1"), BallotChoice.No);
        var changed = await proposal.Change(new Voter("r1b", "H1"), BallotChoice.Abstain);
        var notYet = await proposal.Change(Of(3), BallotChoice.Yes);

        Assert.Equal((ErrorKind.Conflict, "already-voted"), (twice.Error?.Kind, twice.Error?.Code));
        Assert.Equal(BallotChoice.Abstain, changed.Value?.Choice);
        Assert.Equal("not-voted", notYet.Error?.Code);

        var mine = (await proposal.GetBallot("H1")).Value!;
        Assert.Equal(BallotChoice.Abstain, mine.Ballot?.Choice);
        Assert.Equal([BallotAction.Cast, BallotAction.Change], mine.History.Select(h => h.Action));
        Assert.All(mine.History, h => Assert.Equal("H1", h.HouseholdId));
        Assert.Null((await proposal.GetBallot("H4")).Value!.Ballot);

        var audit = (await proposal.GetAudit()).Value!;
        Assert.Equal(3, audit.Count);
        Assert.Equal(("H1", "r1b", BallotChoice.Abstain, (BallotChoice?)BallotChoice.Yes), (audit[2].HouseholdId, audit[2].UserId, audit[2].Choice, audit[2].PreviousChoice));

        var tally = (await proposal.Get())!.Result.Tally;
        Assert.Equal((2, 0, 1, 1), (tally.ParticipatingOwners, tally.YesOwners, tally.NoOwners, tally.AbstainOwners));
    }

    [Fact]
    public async Task The_vote_closes_on_the_domain_clock_freezing_the_result_and_refusing_late_ballots()
    {
        var compoundId = await NewCompound("close");
        var view = await Create(compoundId, Draft(VoteMatter.CommonPartsUse, TimeSpan.FromHours(1), TimeSpan.FromHours(3)));
        var proposal = fixture.Grains.Proposal(compoundId, view.Proposal.ProposalId);

        Assert.Equal("voting-not-open", (await proposal.Cast(Of(1), BallotChoice.Yes)).Error?.Code);
        ClusterFixture.Clock.Advance(TimeSpan.FromHours(1));
        foreach (var household in Enumerable.Range(1, 4))
        {
            Assert.True((await proposal.Cast(Of(household), household == 4 ? BallotChoice.No : BallotChoice.Yes)).IsSuccess);
        }

        Assert.Equal(VoteStatus.Open, (await proposal.Get())!.Result.Status);

        // Quorum exactly two thirds (4 of 6); yes 3 of 4 participating: exactly three quarters, so it passes.
        ClusterFixture.Clock.Advance(TimeSpan.FromHours(2));
        var late = await proposal.Cast(Of(5), BallotChoice.No);
        var lateChange = await proposal.Change(Of(4), BallotChoice.Yes);
        var closed = (await proposal.Get())!.Result;

        Assert.Equal("voting-closed", late.Error?.Code);
        Assert.Equal("voting-closed", lateChange.Error?.Code);
        Assert.Equal((VoteStatus.Passed, (DateTimeOffset?)view.Proposal.Closes), (closed.Status, closed.ClosedAt));
        Assert.Equal((4, 3, 1), (closed.Tally.ParticipatingOwners, closed.Tally.YesOwners, closed.Tally.NoOwners));
        Assert.Equal(4, (await proposal.GetAudit()).Value!.Count);
    }
}
