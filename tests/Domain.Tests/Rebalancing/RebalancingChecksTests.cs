using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.Rebalancing;

/// <summary>The checks of a rebalancing ask and of staff's edits, each naming the field it found wrong.</summary>
public class RebalancingChecksTests
{
    private static readonly CompoundLayout Live = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    private static readonly RebalancingAsk Good = new(
        FixedSpaceIds: [], MaxSpaceChanges: 10, MaxNewChargers: 2, KindsNotToTouch: [], DemandSource: RebalancingAsk.Synthetic,
        CarsPerHousehold: null, EvShare: null, Days: 7, Seed: 1, ConsiderSharing: false, SharingOwnersShare: 0.5,
        TimeLimitSeconds: 10, HistoryDays: 28);

    private static string[] SpaceIds(int count) => [.. Live.Lots.SelectMany(l => l.Spaces).Select(s => s.SpaceId).Take(count)];

    [Fact]
    public void A_sound_ask_passes() => Assert.Null(RebalancingChecks.Validate(Good, Live));

    public static TheoryData<string, RebalancingAsk> BadAsks => new()
    {
        { "fixedSpaceIds[0]", Good with { FixedSpaceIds = ["nowhere"] } },
        { "maxSpaceChanges", Good with { MaxSpaceChanges = -1 } },
        { "maxSpaceChanges", Good with { MaxSpaceChanges = RebalancingChecks.MaxSpaceChangesLimit + 1 } },
        { "maxNewChargers", Good with { MaxNewChargers = RebalancingChecks.MaxNewChargersLimit + 1 } },
        { "demand.source", Good with { DemandSource = "guessed" } },
        { "demand.carsPerHousehold", Good with { CarsPerHousehold = 6 } },
        { "demand.carsPerHousehold", Good with { CarsPerHousehold = double.NaN } },
        { "demand.evShare", Good with { EvShare = 1.5 } },
        { "days", Good with { Days = 0 } },
        { "days", Good with { Days = RebalancingChecks.MaxDays + 1 } },
        { "sharingOwnersShare", Good with { SharingOwnersShare = -0.1 } },
        { "timeLimitSeconds", Good with { TimeLimitSeconds = RebalancingChecks.MaxTimeLimitSeconds + 1 } },
        { "historyDays", Good with { HistoryDays = 6 } },
        { "historyDays", Good with { HistoryDays = 366 } },
    };

    [Theory]
    [MemberData(nameof(BadAsks))]
    public void A_bad_ask_names_its_field(string field, RebalancingAsk ask)
    {
        var error = RebalancingChecks.Validate(ask, Live);

        Assert.NotNull(error);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void An_edit_within_the_ask_gives_the_changed_layout()
    {
        var space = SpaceIds(1)[0];
        var changes = LayoutChanges.None with { Spaces = [new SpaceChange(space, Kind: SpaceKind.Visitor)] };

        var outcome = RebalancingChecks.ValidateEdit(Good, Live, changes);

        Assert.Null(outcome.Error);
        Assert.Equal(SpaceKind.Visitor, outcome.Value!.Lots.SelectMany(l => l.Spaces).Single(s => s.SpaceId == space).Kind);
    }

    [Fact]
    public void An_edit_of_a_fixed_space_or_its_charger_is_refused()
    {
        var space = SpaceIds(1)[0];
        var ask = Good with { FixedSpaceIds = [space] };

        Assert.Equal("changes.spaces[0].spaceId", RebalancingChecks.ValidateEdit(ask, Live, LayoutChanges.None with { Spaces = [new SpaceChange(space, Kind: SpaceKind.Visitor)] }).Error?.Field);
        Assert.Equal("changes.chargers[0].spaceId", RebalancingChecks.ValidateEdit(ask, Live, LayoutChanges.None with { Chargers = [new ChargerChange(space, 7)] }).Error?.Field);
    }

    [Fact]
    public void An_edit_touching_a_kind_not_to_touch_is_refused()
    {
        var space = Live.Lots.SelectMany(l => l.Spaces).First(s => s.Kind == SpaceKind.Standard);
        var ask = Good with { KindsNotToTouch = [SpaceKind.Visitor] };

        var outcome = RebalancingChecks.ValidateEdit(ask, Live, LayoutChanges.None with { Spaces = [new SpaceChange(space.SpaceId, Kind: SpaceKind.Visitor)] });

        Assert.Equal("changes.spaces[0].kind", outcome.Error?.Field);
    }

    [Fact]
    public void An_edit_over_the_budgets_is_refused()
    {
        var ask = Good with { MaxSpaceChanges = 1, MaxNewChargers = 0 };
        var spaces = SpaceIds(2);
        var withCharger = Live.ChargingAreas.SelectMany(a => a.Chargers).Select(c => c.SpaceId).ToHashSet();
        var bare = Live.Lots.SelectMany(l => l.Spaces).Select(s => s.SpaceId).First(id => !withCharger.Contains(id));

        Assert.Equal("changes.spaces", RebalancingChecks.ValidateEdit(ask, Live, LayoutChanges.None with { Spaces = [.. spaces.Select(id => new SpaceChange(id, Kind: SpaceKind.Visitor))] }).Error?.Field);
        Assert.Equal("changes.chargers", RebalancingChecks.ValidateEdit(ask, Live, LayoutChanges.None with { Chargers = [new ChargerChange(bare, 7)] }).Error?.Field);
    }

    [Fact]
    public void An_edit_of_shelters_or_capacities_belongs_in_a_scenario()
    {
        var outcome = RebalancingChecks.ValidateEdit(Good, Live, LayoutChanges.None with { AreaCapacities = [new AreaCapacityChange("CA-1", 10)] });

        Assert.Equal("changes.areaCapacities", outcome.Error?.Field);
    }
}
