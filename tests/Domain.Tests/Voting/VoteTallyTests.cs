using Parking.Domain.Voting;
using Xunit;

namespace Parking.Domain.Tests.Voting;

/// <summary>Article 278's thresholds, at and around every one of them, on exact figures.</summary>
public class VoteTallyTests
{
    /// <summary>Households H1..Hn with the given areas; each ballot names a household by its 1-based number.</summary>
    private static VoteTally Tally(decimal[] areas, params (int Household, BallotChoice Choice)[] ballots)
    {
        var electorate = areas.Select((a, i) => (Id: $"H{i + 1}", Area: a)).ToDictionary(x => x.Id, x => x.Area, StringComparer.Ordinal);
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        return VoteTally.Of(electorate, ballots.Select(b => new Ballot($"H{b.Household}", b.Choice, "u", at, "u", at, 0)));
    }

    private static decimal[] Equal(int households, decimal area = 100m) => [.. Enumerable.Repeat(area, households)];

    private static (int, BallotChoice)[] Votes(int fromHousehold, int count, BallotChoice choice) =>
        [.. Enumerable.Range(fromHousehold, count).Select(h => (h, choice))];

    [Fact]
    public void Exactly_two_thirds_of_owners_and_area_meets_the_quorum_and_one_household_short_does_not()
    {
        var exactly = Tally(Equal(6), [.. Votes(1, 3, BallotChoice.Yes), (4, BallotChoice.No)]);
        var short1 = Tally(Equal(6), [.. Votes(1, 3, BallotChoice.Yes)]);

        Assert.Equal((6, 600m, 4, 400m), (exactly.TotalOwners, exactly.TotalArea, exactly.ParticipatingOwners, exactly.ParticipatingArea));
        Assert.True(exactly.ParticipationOwnersMet);
        Assert.True(exactly.ParticipationAreaMet);
        Assert.True(exactly.QuorumMet);
        Assert.False(short1.ParticipationOwnersMet);
        Assert.False(short1.ParticipationAreaMet);
        Assert.False(short1.QuorumMet);
    }

    [Fact]
    public void Two_thirds_of_owners_with_area_just_under_two_thirds_misses_the_quorum()
    {
        // 4 of 6 owners take part, holding 400 of 600.01 m²: 3 × 400 = 1200 < 2 × 600.01.
        var tally = Tally([100m, 100m, 100m, 100m, 100m, 100.01m], [.. Votes(1, 4, BallotChoice.Yes)]);

        Assert.True(tally.ParticipationOwnersMet);
        Assert.False(tally.ParticipationAreaMet);
        Assert.False(tally.QuorumMet);
    }

    [Fact]
    public void Two_thirds_of_area_that_a_double_would_round_is_decided_exactly()
    {
        // 67 of 100.5 m² is exactly two thirds; 67 / 100.5 in doubles is not 2.0 / 3.
        var tally = Tally([33.5m, 33.5m, 33.5m], (1, BallotChoice.Yes), (2, BallotChoice.No));
        var under = Tally([33.5m, 33.5m, 33.51m], (1, BallotChoice.Yes), (2, BallotChoice.No));

        Assert.True(tally.ParticipationAreaMet);
        Assert.True(tally.QuorumMet);
        Assert.False(under.ParticipationAreaMet);
    }

    [Fact]
    public void The_whole_area_with_too_few_owners_misses_the_quorum()
    {
        // Three big households hold 90 % of the area but are 3 of 6 owners.
        var tally = Tally([300m, 300m, 300m, 33m, 33m, 34m], [.. Votes(1, 3, BallotChoice.Yes)]);

        Assert.True(tally.ParticipationAreaMet);
        Assert.False(tally.ParticipationOwnersMet);
        Assert.False(tally.QuorumMet);
    }

    [Fact]
    public void Common_parts_pass_at_exactly_three_quarters_of_participating_area_and_owners()
    {
        var exactly = Tally(Equal(8), [.. Votes(1, 6, BallotChoice.Yes), .. Votes(7, 2, BallotChoice.No)]);
        var oneShort = Tally(Equal(8), [.. Votes(1, 5, BallotChoice.Yes), .. Votes(6, 3, BallotChoice.No)]);

        Assert.True(exactly.YesAreaMet(VoteMatter.CommonPartsUse));
        Assert.True(exactly.YesOwnersMet(VoteMatter.CommonPartsUse));
        Assert.True(exactly.Passes(VoteMatter.CommonPartsUse));
        Assert.False(oneShort.YesOwnersMet(VoteMatter.CommonPartsUse));
        Assert.False(oneShort.YesAreaMet(VoteMatter.CommonPartsUse));
        Assert.False(oneShort.Passes(VoteMatter.CommonPartsUse));
    }

    [Fact]
    public void Common_parts_fail_with_yes_area_just_under_three_quarters_though_owners_reach_it()
    {
        // Yes: 6 × 100 = 600 of 800.02 m² (4 × 600 = 2400 < 3 × 800.02); owners 6 of 8 exactly.
        var tally = Tally([.. Equal(6), 100.01m, 100.01m], [.. Votes(1, 6, BallotChoice.Yes), .. Votes(7, 2, BallotChoice.No)]);

        Assert.True(tally.QuorumMet);
        Assert.True(tally.YesOwnersMet(VoteMatter.CommonPartsUse));
        Assert.False(tally.YesAreaMet(VoteMatter.CommonPartsUse));
        Assert.False(tally.Passes(VoteMatter.CommonPartsUse));

        // The same figures are more than half for another matter.
        Assert.True(tally.Passes(VoteMatter.Other));
    }

    [Fact]
    public void Other_matters_fail_at_exactly_half_of_the_owners_and_pass_with_one_more()
    {
        var half = Tally(Equal(6), [.. Votes(1, 3, BallotChoice.Yes), .. Votes(4, 3, BallotChoice.No)]);
        var oneMore = Tally(Equal(6), [.. Votes(1, 4, BallotChoice.Yes), .. Votes(5, 2, BallotChoice.No)]);

        Assert.True(half.QuorumMet);
        Assert.False(half.YesOwnersMet(VoteMatter.Other));
        Assert.False(half.YesAreaMet(VoteMatter.Other));
        Assert.False(half.Passes(VoteMatter.Other));
        Assert.True(oneMore.YesOwnersMet(VoteMatter.Other));
        Assert.True(oneMore.Passes(VoteMatter.Other));
    }

    [Fact]
    public void Other_matters_fail_at_exactly_half_of_the_area_though_most_owners_say_yes()
    {
        // Yes: 4 owners with 75 m² each = 300; no: 2 owners with 150 m² each = 300.
        var tally = Tally([75m, 75m, 75m, 75m, 150m, 150m], [.. Votes(1, 4, BallotChoice.Yes), .. Votes(5, 2, BallotChoice.No)]);
        var oneMore = Tally([75m, 75m, 75m, 75.01m, 150m, 150m], [.. Votes(1, 4, BallotChoice.Yes), .. Votes(5, 2, BallotChoice.No)]);

        Assert.True(tally.YesOwnersMet(VoteMatter.Other));
        Assert.False(tally.YesAreaMet(VoteMatter.Other));
        Assert.False(tally.Passes(VoteMatter.Other));
        Assert.True(oneMore.Passes(VoteMatter.Other));
    }

    [Fact]
    public void An_abstention_takes_part_but_does_not_say_yes()
    {
        var tally = Tally(Equal(6), [.. Votes(1, 2, BallotChoice.Yes), .. Votes(3, 2, BallotChoice.Abstain)]);

        Assert.Equal((4, 2, 2, 0), (tally.ParticipatingOwners, tally.YesOwners, tally.AbstainOwners, tally.NoOwners));
        Assert.True(tally.QuorumMet);
        Assert.False(tally.Passes(VoteMatter.Other));
    }

    [Fact]
    public void Nobody_voting_decides_nothing()
    {
        var tally = Tally(Equal(3));

        Assert.False(tally.QuorumMet);
        Assert.False(tally.MajorityMet(VoteMatter.Other));
        Assert.False(tally.MajorityMet(VoteMatter.CommonPartsUse));
    }
}
