using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.Layout;

/// <summary>What a charger asks of the layout: its spaces stay EV, its feed carries it alone.</summary>
public sealed class ChargerLayoutRulesTests
{
    private static readonly ChargingAreaDefinition Area = new(
        "CA-1",
        "Area",
        "G1",
        14,
        [
            new ChargerDefinition("C-1", "G1-001", 7),
            new ChargerDefinition("C-2", "G1-002", 11) { AlsoReachesSpaceIds = ["G1-003"] },
        ]);

    private static SpaceDefinition Space(string id, SpaceKind kind) => new("c1", "G1", id, id, kind, SpaceOwnership.Common, 0);

    [Theory]
    [InlineData("G1-001", "C-1")]
    [InlineData("G1-002", "C-2")]
    [InlineData("G1-003", "C-2")]
    public void A_space_a_charger_reaches_may_not_be_retyped_away_from_ev(string spaceId, string chargerId)
    {
        foreach (var kind in new[] { SpaceKind.Standard, SpaceKind.Accessible, SpaceKind.Visitor })
        {
            var refused = ChargerLayoutRules.Retype(Space(spaceId, SpaceKind.EV), kind, [Area]);

            Assert.NotNull(refused);
            Assert.Equal((ErrorKind.Conflict, "charger-needs-ev-space", "kind"), (refused.Kind, refused.Code, refused.Field));
            Assert.Contains($"Charger '{chargerId}'", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"space '{spaceId}' is {kind.ToString().ToLowerInvariant()}, not ev", refused.Message, StringComparison.Ordinal);
        }

        Assert.Null(ChargerLayoutRules.Retype(Space(spaceId, SpaceKind.EV), SpaceKind.EV, [Area]));
    }

    [Fact]
    public void A_space_no_charger_reaches_may_take_any_kind()
    {
        foreach (var kind in Enum.GetValues<SpaceKind>())
        {
            Assert.Null(ChargerLayoutRules.Retype(Space("G1-004", SpaceKind.EV), kind, [Area]));
        }
    }

    [Fact]
    public void A_feed_is_refused_below_the_largest_charger_and_taken_at_or_above_it()
    {
        var refused = ChargerLayoutRules.Feed(Area, 10.5, "siteCapacityKw");

        Assert.NotNull(refused);
        Assert.Equal((ErrorKind.Validation, "feed-below-charger", "siteCapacityKw"), (refused.Kind, refused.Code, refused.Field));
        Assert.Equal("The feed (10.5 kW) is smaller than one charger: 'C-2' draws 11 kW.", refused.Message);
        Assert.Null(ChargerLayoutRules.Feed(Area, 11, "siteCapacityKw"));
        Assert.Null(ChargerLayoutRules.Feed(Area with { Chargers = [] }, 1, "siteCapacityKw"));
    }

    [Fact]
    public void A_scenario_may_not_retype_an_ev_space_and_keep_its_charger_but_may_with_the_charger_removed()
    {
        var live = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
        var charger = live.ChargingAreas[0].Chargers[0];
        var retype = new SpaceChange(charger.SpaceId, SpaceKind.Standard);

        var refused = ScenarioLayout.Apply(live, LayoutChanges.None with { Spaces = [retype] });
        Assert.Equal(("spaces[0].kind", "charger-needs-ev-space"), (refused.Error?.Field, refused.Error?.Code));
        Assert.Contains(charger.ChargerId, refused.Error!.Message, StringComparison.Ordinal);

        var applied = ScenarioLayout.Apply(live, new LayoutChanges([retype], [new ChargerChange(charger.SpaceId, 0)], [], []));
        Assert.True(applied.IsSuccess, applied.Error?.Message);
        Assert.DoesNotContain(applied.Value!.ChargingAreas.SelectMany(a => a.Chargers), c => c.ChargerId == charger.ChargerId);
    }
}
