using Parking.Domain.Layout;
using Parking.Domain.Voting;
using Xunit;

namespace Parking.Domain.Tests.Voting;

public class ProposalStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Opens = Now.AddHours(1);
    private static readonly DateTimeOffset Closes = Now.AddDays(7);

    private static Household[] Households(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new Household($"H{i}", "B01", $"B01-{100 + i}", 100m))];

    private static ProposalDraft Draft(VoteMatter matter = VoteMatter.Other) =>
        new("Convert 12 common spaces to EV", "Lot G1, row C", "sc-1", 2, matter, Opens, Closes);

    private static ProposalState Created(int households = 6, VoteMatter matter = VoteMatter.Other)
    {
        var state = new ProposalState();
        var created = state.Create("c1", "p1", Draft(matter), Households(households), "committee01", Now);
        Assert.True(created.IsSuccess, created.Error?.Message);
        return state;
    }

    private static Voter Of(int household, string? user = null) => new(user ?? $"r{household}", $"H{household}");

    [Fact]
    public void A_proposal_takes_every_household_with_its_area_as_its_electorate()
    {
        var state = Created(5);

        Assert.Equal(5, state.Electorate.Count);
        Assert.Equal(500m, state.Tally().TotalArea);
        Assert.Equal(("sc-1", 2, "committee01"), (state.Proposal!.ScenarioId, state.Proposal.ScenarioVersion, state.Proposal.CreatedBy));
        Assert.Equal(VoteStatus.Scheduled, state.Result(Now).Status);
        Assert.Equal(Opens, state.NextDeadline(Now));
        Assert.Equal(Closes, state.NextDeadline(Opens));
    }

    [Fact]
    public void Before_opening_and_at_or_after_closing_a_ballot_is_refused_and_nothing_changes()
    {
        var state = Created();

        Assert.Equal("voting-not-open", state.Cast(Of(1), BallotChoice.Yes, Opens.AddTicks(-1)).Error?.Code);
        Assert.True(state.Cast(Of(1), BallotChoice.Yes, Opens).IsSuccess);
        Assert.True(state.Change(Of(1), BallotChoice.No, Closes.AddTicks(-1)).IsSuccess);
        var version = state.Version;

        var late = state.Cast(Of(2), BallotChoice.Yes, Closes);
        var lateChange = state.Change(Of(1), BallotChoice.Yes, Closes.AddDays(1));

        Assert.Equal((ErrorKind.Conflict, "voting-closed"), (late.Error?.Kind, late.Error?.Code));
        Assert.Equal("voting-closed", lateChange.Error?.Code);
        Assert.Equal(version, state.Version);
        Assert.Equal(BallotChoice.No, state.Ballots["H1"].Choice);
        Assert.Equal(2, state.Audit.Count);
    }

    [Fact]
    public void A_second_cast_is_a_double_vote_and_a_change_keeps_the_old_choice_in_the_trail()
    {
        var state = Created();
        Assert.True(state.Cast(Of(1, "r1a"), BallotChoice.Yes, Opens).IsSuccess);

        var twice = state.Cast(Of(1, "r1b"), BallotChoice.No, Opens.AddMinutes(1));
        Assert.Equal((ErrorKind.Conflict, "already-voted"), (twice.Error?.Kind, twice.Error?.Code));
        Assert.Equal(BallotChoice.Yes, state.Ballots["H1"].Choice);

        var changed = state.Change(Of(1, "r1b"), BallotChoice.Abstain, Opens.AddMinutes(2)).Value!;

        Assert.Equal((BallotChoice.Abstain, "r1a", "r1b", 1), (changed.Choice, changed.CastBy, changed.UpdatedBy, changed.Changes));
        var trail = state.HistoryOf("H1");
        Assert.Equal(2, trail.Count);
        Assert.Equal((BallotAction.Cast, BallotChoice.Yes, (BallotChoice?)null, "r1a"), (trail[0].Action, trail[0].Choice, trail[0].PreviousChoice, trail[0].UserId));
        Assert.Equal((BallotAction.Change, BallotChoice.Abstain, (BallotChoice?)BallotChoice.Yes, "r1b"), (trail[1].Action, trail[1].Choice, trail[1].PreviousChoice, trail[1].UserId));
        Assert.Equal(Opens.AddMinutes(2), trail[1].At);
        Assert.Equal(1, state.Tally().ParticipatingOwners);
    }

    [Fact]
    public void A_change_without_a_ballot_and_a_household_outside_the_electorate_are_refused()
    {
        var state = Created();

        Assert.Equal("not-voted", state.Change(Of(1), BallotChoice.Yes, Opens).Error?.Code);
        var stranger = state.Cast(new Voter("x", "H99"), BallotChoice.Yes, Opens);
        Assert.Equal((ErrorKind.Forbidden, "not-in-electorate"), (stranger.Error?.Kind, stranger.Error?.Code));
        Assert.Empty(state.Audit);
    }

    [Fact]
    public void Closing_freezes_the_result_passed_or_failed_with_the_reason()
    {
        var passing = Created(6, VoteMatter.CommonPartsUse);
        foreach (var h in Enumerable.Range(1, 4))
        {
            passing.Cast(Of(h), BallotChoice.Yes, Opens);
        }

        Assert.Equal(VoteStatus.Open, passing.Result(Opens).Status);
        Assert.False(passing.Close(Closes.AddTicks(-1)));
        Assert.True(passing.Close(Closes));
        Assert.False(passing.Close(Closes.AddDays(1)));
        var result = passing.Result(Closes.AddDays(3));
        Assert.Equal((VoteStatus.Passed, (VoteFailure?)null, (DateTimeOffset?)Closes), (result.Status, result.Failure, result.ClosedAt));
        Assert.Equal(4, result.Tally.YesOwners);
        Assert.Null(passing.NextDeadline(Closes));

        var noQuorum = Created(6);
        noQuorum.Cast(Of(1), BallotChoice.Yes, Opens);
        noQuorum.Close(Closes);
        Assert.Equal((VoteStatus.Failed, (VoteFailure?)VoteFailure.QuorumNotMet), (noQuorum.Final!.Status, noQuorum.Final.Failure));

        var noMajority = Created(6);
        foreach (var h in Enumerable.Range(1, 6))
        {
            noMajority.Cast(Of(h), h <= 3 ? BallotChoice.Yes : BallotChoice.No, Opens);
        }

        // Before the clock's wake-up freezes it, a read after closing already shows the decision.
        Assert.Equal((VoteStatus.Failed, (VoteFailure?)VoteFailure.MajorityNotMet), (noMajority.Result(Closes).Status, noMajority.Result(Closes).Failure));
        noMajority.Close(Closes);
        Assert.Equal(VoteFailure.MajorityNotMet, noMajority.Final!.Failure);
    }

    [Theory]
    [InlineData("", "sc-1", 1, 1, 48, "title", "invalid-request")]
    [InlineData("   ", "sc-1", 1, 1, 48, "title", "invalid-request")]
    [InlineData("T", "", 1, 1, 48, "scenarioId", "invalid-request")]
    [InlineData("T", "sc-1", 0, 1, 48, "scenarioVersion", "invalid-request")]
    [InlineData("T", "sc-1", 1, -1, 48, "opens", "period-in-past")]
    [InlineData("T", "sc-1", 1, 48, 48, "closes", "period-reversed")]
    [InlineData("T", "sc-1", 1, 48, 24, "closes", "period-reversed")]
    [InlineData("T", "sc-1", 1, 1, (90 * 24) + 1, "closes", "period-too-long")]
    public void A_bad_draft_is_refused_naming_the_field(string title, string scenarioId, int version, int opensInHours, int closesInHours, string field, string code)
    {
        var draft = new ProposalDraft(title, null, scenarioId, version, VoteMatter.Other, Now.AddHours(opensInHours), Now.AddHours(closesInHours));
        var state = new ProposalState();

        var refused = state.Create("c1", "p1", draft, Households(3), "committee01", Now);

        Assert.Equal((ErrorKind.Validation, field, code), (refused.Error?.Kind, refused.Error?.Field, refused.Error?.Code));
        Assert.False(state.Exists);
    }

    [Fact]
    public void A_period_closing_exactly_ninety_days_from_now_and_opening_now_is_accepted()
    {
        var draft = new ProposalDraft("T", null, "sc-1", 1, VoteMatter.Other, Now, Now + VotingRules.MaxHorizon);

        Assert.True(new ProposalState().Create("c1", "p1", draft, Households(3), "committee01", Now).IsSuccess);
    }
}
