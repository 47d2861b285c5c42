using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.Scenarios;

public sealed class ScenarioLayoutTests
{
    private static readonly CompoundLayout Live = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    private static SpaceDefinition First(Func<SpaceDefinition, bool> predicate) => Live.Lots.SelectMany(l => l.Spaces).First(predicate);

    private static LayoutChanges Spaces(params SpaceChange[] changes) => LayoutChanges.None with { Spaces = changes };

    [Fact]
    public void Retyping_and_giving_away_a_common_space_changes_the_fork_not_the_live_layout()
    {
        var common = First(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard);
        var household = Live.Households[0].Id;

        var outcome = ScenarioLayout.Apply(Live, Spaces(new SpaceChange(common.SpaceId, SpaceKind.EV, SpaceOwnership.Private, household)));

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        var forked = outcome.Value!.Lots.SelectMany(l => l.Spaces).Single(s => s.SpaceId == common.SpaceId);
        Assert.Equal((SpaceKind.EV, SpaceOwnership.Private, household), (forked.Kind, forked.Ownership, forked.OwnerHouseholdId));
        Assert.Equal(common, First(s => s.SpaceId == common.SpaceId));
        Assert.True(ScenarioLayout.ChangesCommonParts(Live, Spaces(new SpaceChange(common.SpaceId, SpaceKind.EV))));
    }

    [Fact]
    public void Removing_a_space_removes_its_charger_and_a_new_charger_needs_an_ev_space()
    {
        var charged = Live.ChargingAreas[0].Chargers[0];
        var standard = First(s => s.Kind == SpaceKind.Standard);

        var removed = ScenarioLayout.Apply(Live, Spaces(new SpaceChange(charged.SpaceId, Remove: true)));
        Assert.True(removed.IsSuccess);
        Assert.Equal(Live.SpaceCount - 1, removed.Value!.SpaceCount);
        Assert.DoesNotContain(removed.Value.ChargingAreas.SelectMany(a => a.Chargers), c => c.SpaceId == charged.SpaceId);

        var refused = ScenarioLayout.Apply(Live, LayoutChanges.None with { Chargers = [new ChargerChange(standard.SpaceId, 7)] });
        Assert.Equal(("chargers[0].spaceId", "charger-needs-ev-space"), (refused.Error!.Field, refused.Error.Code));

        var added = ScenarioLayout.Apply(Live, new LayoutChanges([new SpaceChange(standard.SpaceId, SpaceKind.EV)], [new ChargerChange(standard.SpaceId, 11)], [], []));
        Assert.True(added.IsSuccess, added.Error?.Message);
        Assert.Contains(added.Value!.ChargingAreas.SelectMany(a => a.Chargers), c => c.SpaceId == standard.SpaceId && c.MaxKw == 11);
    }

    [Theory]
    [InlineData("nope", null, "spaces[0].spaceId", "unknown-space")]
    [InlineData(null, "no-such-household", "spaces[0].ownerHouseholdId", "unknown-household")]
    public void Bad_space_changes_name_the_field(string? spaceId, string? owner, string field, string code)
    {
        var space = spaceId ?? First(s => s.Ownership == SpaceOwnership.Common).SpaceId;

        var outcome = ScenarioLayout.Apply(Live, Spaces(new SpaceChange(space, Ownership: SpaceOwnership.Private, OwnerHouseholdId: owner)));

        Assert.Equal((field, code), (outcome.Error!.Field, outcome.Error.Code));
    }

    [Fact]
    public void A_feed_below_one_charger_is_refused_by_the_live_layouts_rule_on_the_change_that_makes_it()
    {
        var area = Live.ChargingAreas[0];
        var largest = ChargerLayoutRules.Largest(area)!;

        var low = ScenarioLayout.Apply(Live, LayoutChanges.None with { AreaCapacities = [new AreaCapacityChange(area.AreaId, largest.MaxKw - 0.5)] });
        Assert.Equal(("areaCapacities[0].siteCapacityKw", "feed-below-charger"), (low.Error?.Field, low.Error?.Code));
        Assert.Equal(ChargerLayoutRules.Feed(area, largest.MaxKw - 0.5, "siteCapacityKw")!.Message, low.Error!.Message);
        Assert.True(ScenarioLayout.Apply(Live, LayoutChanges.None with { AreaCapacities = [new AreaCapacityChange(area.AreaId, largest.MaxKw)] }).IsSuccess);

        // The same changes may remove the charger that needed more: the feed is judged against the chargers left.
        var onlyLargest = Live with { ChargingAreas = [area with { Chargers = [largest] }, .. Live.ChargingAreas.Skip(1)] };
        var withoutIt = ScenarioLayout.Apply(onlyLargest, new LayoutChanges([], [new ChargerChange(largest.SpaceId, 0)], [], [new AreaCapacityChange(area.AreaId, 1)]));
        Assert.True(withoutIt.IsSuccess, withoutIt.Error?.Message);

        // A charger raised above the feed it shares is refused on its power.
        var raised = ScenarioLayout.Apply(Live, LayoutChanges.None with { Chargers = [new ChargerChange(largest.SpaceId, area.SiteCapacityKw + 1)] });
        Assert.Equal(("chargers[0].maxKw", "feed-below-charger"), (raised.Error?.Field, raised.Error?.Code));
        Assert.Contains($"'{largest.ChargerId}' draws", raised.Error!.Message, StringComparison.Ordinal);
        Assert.True(ScenarioLayout.Apply(Live, LayoutChanges.None with
        {
            Chargers = [new ChargerChange(largest.SpaceId, area.SiteCapacityKw + 1)],
            AreaCapacities = [new AreaCapacityChange(area.AreaId, area.SiteCapacityKw + 1)],
        }).IsSuccess);
    }

    [Fact]
    public void Shelter_ports_and_area_capacity_change_and_bad_values_are_refused()
    {
        var shelter = Live.Shelters[0];
        var area = Live.ChargingAreas[0];

        var outcome = ScenarioLayout.Apply(Live, LayoutChanges.None with
        {
            Shelters = [new ShelterChange(shelter.ShelterId, Ports: shelter.Ports + 5)],
            AreaCapacities = [new AreaCapacityChange(area.AreaId, area.SiteCapacityKw * 2)],
        });
        Assert.True(outcome.IsSuccess);
        Assert.Equal(shelter.Ports + 5, outcome.Value!.Shelters[0].Ports);
        Assert.Equal(area.SiteCapacityKw * 2, outcome.Value.ChargingAreas[0].SiteCapacityKw);

        var negative = ScenarioLayout.Apply(Live, LayoutChanges.None with { Shelters = [new ShelterChange(shelter.ShelterId, Ports: -1)] });
        Assert.Equal("shelters[0].ports", negative.Error!.Field);
    }

    [Fact]
    public void Rules_override_only_what_they_name()
    {
        var live = ScenarioPolicies.Defaults();

        var scenario = live.With(new ScenarioRules { ReservationGracePeriod = TimeSpan.FromMinutes(30), CommonPerHour = 3 });

        Assert.Equal(TimeSpan.FromMinutes(30), scenario.Reservations.GracePeriod);
        Assert.Equal(3, scenario.Credits.CommonPerHour);
        Assert.Equal(live.Credits.SharedPerHour, scenario.Credits.SharedPerHour);
        Assert.Equal(TimeSpan.FromMinutes(15), live.Reservations.GracePeriod);
        Assert.Equal("rules.sharingOwnersShare", ScenarioRuleChecks.Validate(new ScenarioRules { SharingOwnersShare = 1.5 })!.Field);
        Assert.Null(ScenarioRuleChecks.Validate(ScenarioRules.Live));
    }
}
