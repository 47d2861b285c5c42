using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Web.Components;

namespace Parking.Web.Tests;

public sealed class TurnoutBarTests : BunitContext
{
    public TurnoutBarTests() => Services.AddLocalization();

    private static ProposalDto Proposal(
        string matter = "commonPartsUse",
        string status = "open",
        VoteTurnoutDto? turnout = null,
        VoteTallyDto? tally = null,
        string? failure = null)
    {
        var common = matter == "commonPartsUse";
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        return new ProposalDto(
            "p1", "Convert spaces", "", "sc-1", 1, matter.As<VoteMatterDto>(), at, at.AddDays(7), "committee01", at, status.As<VoteStatusDto>(), failure, null,
            new VoteRuleDto(2, 3, common ? 3 : 1, common ? 4 : 2, !common),
            turnout ?? new VoteTurnoutDto(60, 6000m, 40, 3900m, true, false, false),
            tally,
            1);
    }

    [Fact]
    public void Without_tallies_it_draws_turnout_by_households_and_by_area_against_the_two_thirds_line()
    {
        var bar = Render<TurnoutBar>(p => p.Add(b => b.Proposal, Proposal()));

        var rows = bar.FindAll(".meter-row");
        Assert.Equal(["owners", "area"], rows.Select(r => r.GetAttribute("data-meter")));
        var owners = rows[0];
        var area = rows[1];
        Assert.Equal("66.67", owners.GetAttribute("data-value"));
        Assert.Equal("66.67", owners.GetAttribute("data-threshold"));
        Assert.Equal("true", owners.GetAttribute("data-met"));
        Assert.Equal("65", area.GetAttribute("data-value"));
        Assert.Equal("false", area.GetAttribute("data-met"));
        Assert.Contains("unmet", area.ClassList);
        Assert.Equal("width: 65%", area.QuerySelector(".meter-fill")!.GetAttribute("style"));
        Assert.Equal("left: 66.67%", area.QuerySelector(".meter-line")!.GetAttribute("style"));
        Assert.Equal("65", area.QuerySelector("[role=meter]")!.GetAttribute("aria-valuenow"));
        Assert.Empty(bar.FindAll(".vote-result"));
    }

    [Theory]
    [InlineData("commonPartsUse", "75", "≥ 3/4")]
    [InlineData("other", "50", "> 1/2")]
    public void With_tallies_it_draws_the_yes_share_against_the_majority_the_matter_needs(string matter, string line, string needed)
    {
        var tally = new VoteTallyDto(30, 3000m, 8, 700m, 2, 200m, true, false, false);

        var bar = Render<TurnoutBar>(p => p.Add(b => b.Proposal, Proposal(matter, tally: tally)));

        var rows = bar.FindAll(".meter-row");
        Assert.Equal(["owners", "area", "yes-owners", "yes-area"], rows.Select(r => r.GetAttribute("data-meter")));
        Assert.Equal("75", rows[2].GetAttribute("data-value"));
        Assert.Equal(line, rows[2].GetAttribute("data-threshold"));
        Assert.Equal("true", rows[2].GetAttribute("data-met"));
        Assert.Equal("76.92", rows[3].GetAttribute("data-value"));
        Assert.Equal("false", rows[3].GetAttribute("data-met"));
        Assert.Contains(needed, rows[2].QuerySelector(".meter-note")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_vote_shows_its_result_and_why_it_failed()
    {
        var turnout = new VoteTurnoutDto(60, 6000m, 30, 2900m, false, false, false);
        var tally = new VoteTallyDto(30, 2900m, 0, 0m, 0, 0m, true, true, true);

        var bar = Render<TurnoutBar>(p => p.Add(b => b.Proposal, Proposal(status: "failed", turnout: turnout, tally: tally, failure: "quorumNotMet")));

        var result = bar.Find(".vote-result");
        Assert.Contains("failed", result.ClassList);
        Assert.Equal("quorumNotMet", result.GetAttribute("data-failure"));
        Assert.Equal("failed", bar.Find(".turnout").GetAttribute("data-status"));
        Assert.Equal(4, bar.FindAll(".meter-row").Count);
    }

    [Fact]
    public void An_empty_electorate_draws_empty_bars_instead_of_dividing_by_zero()
    {
        var bar = Render<TurnoutBar>(p => p.Add(b => b.Proposal, Proposal(turnout: new VoteTurnoutDto(0, 0m, 0, 0m, false, false, false))));

        Assert.All(bar.FindAll(".meter-row"), r => Assert.Equal("0", r.GetAttribute("data-value")));
        Assert.Equal("100", TurnoutBar.Pct(1.5m));
    }
}
