using FsCheck.Xunit;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;
using Parking.Planning.Rebalancing;
using Xunit;
using static Parking.Planning.Tests.Rebalancing.RebalancingInstances;

namespace Parking.Planning.Tests.Rebalancing;

public class RebalancerTests
{
    private static readonly Dictionary<string, int> NearA = new() { ["A"] = 20, ["B"] = 600 };
    private static readonly Dictionary<string, int> NearB = new() { ["A"] = 600, ["B"] = 20 };

    /// <summary>
    /// Building B needs 14 standard spaces all week; its lot has 10 standard and 6 visitor spaces nobody asks
    /// for. With a budget of 4 the answer is obvious: 4 visitor spaces of B's lot become standard.
    /// </summary>
    [Fact]
    public void Idle_visitor_spaces_near_unmet_demand_become_standard_within_the_budget()
    {
        var layout = Layout(["A", "B"],
        [
            Lot("L1", NearA, Enumerable.Range(1, 10).Select(n => Space("L1", n, SpaceKind.Standard))),
            Lot("L2", NearB, [.. Enumerable.Range(1, 10).Select(n => Space("L2", n, SpaceKind.Standard)), .. Enumerable.Range(11, 6).Select(n => Space("L2", n, SpaceKind.Visitor))]),
        ]);
        var demand = new RebalancingDemand([.. AllWeek("A", Need.Standard, 10), .. AllWeek("B", Need.Standard, 14)], "test");
        var constraints = new RebalancingConstraints { MaxSpaceChanges = 4, ConsiderSharing = false };

        var proposal = Rebalancer.Suggest(layout, demand, constraints, Quick);

        Assert.Equal(RebalancingSolveStatus.Optimal, proposal.Status);
        Assert.Equal(4, proposal.Changes.Spaces.Count);
        Assert.All(proposal.Changes.Spaces, c => Assert.Equal(SpaceKind.Standard, c.Kind));
        Assert.All(proposal.Changes.Spaces, c => Assert.StartsWith("L2-", c.SpaceId, StringComparison.Ordinal));
        var retype = Assert.Single(proposal.Retypes);
        Assert.Equal((SpaceKind.Visitor, SpaceKind.Standard, "L2"), (retype.From, retype.To, retype.LotId));
        Assert.Equal(4 * 168, retype.ServedGainPerWeek, 3);
        Assert.Equal(0, retype.ServedLossPerWeek, 3);
        Assert.Equal(["B"], retype.Buildings);
        Assert.Equal(20 * 168, proposal.Before.For(Need.Standard).ServedPerWeek, 3);
        Assert.Equal(24 * 168, proposal.After.For(Need.Standard).ServedPerWeek, 3);
        Assert.True(ScenarioLayout.Apply(layout, proposal.Changes).IsSuccess);
    }

    [Fact]
    public void Unmet_charging_gets_new_chargers_on_retyped_spaces_in_the_lot_with_an_area()
    {
        var layout = Layout(["A", "B"],
        [
            Lot("L1", NearA, [.. Enumerable.Range(1, 6).Select(n => Space("L1", n, SpaceKind.Standard)), Space("L1", 7, SpaceKind.EV)]),
            Lot("L2", NearB, Enumerable.Range(1, 6).Select(n => Space("L2", n, SpaceKind.Standard))),
        ],
        [new ChargingAreaDefinition("CA-L1", "L1", "L1", 100, [new ChargerDefinition("C1", "L1-07", 7)])]);
        var demand = new RebalancingDemand([.. Hours("A", Need.Charging, 21, 18, 24), .. Hours("A", Need.Standard, 2, 0, 24)], "test");
        var constraints = new RebalancingConstraints { MaxSpaceChanges = 5, MaxNewChargers = 2, ConsiderSharing = false };

        var proposal = Rebalancer.Suggest(layout, demand, constraints, Quick);

        Assert.Equal(2, proposal.NewChargers);
        Assert.All(proposal.Changes.Spaces, c => Assert.Equal(SpaceKind.EV, c.Kind));
        Assert.All(proposal.Changes.Spaces, c => Assert.StartsWith("L1-", c.SpaceId, StringComparison.Ordinal));
        Assert.Equal(proposal.Changes.Spaces.Select(s => s.SpaceId), proposal.Changes.Chargers.Select(c => c.SpaceId));
        Assert.True(proposal.After.For(Need.Charging).ServedPerWeek > proposal.Before.For(Need.Charging).ServedPerWeek + 1);
        var applied = ScenarioLayout.Apply(layout, proposal.Changes);
        Assert.True(applied.IsSuccess);
        Assert.Equal(3, applied.Value!.ChargingAreas.Single().Chargers.Count);
    }

    [Fact]
    public void Daytime_shortage_opens_private_spaces_in_a_daytime_sharing_window()
    {
        var layout = Layout(["A"],
        [
            Lot("L1", new Dictionary<string, int> { ["A"] = 20 },
            [
                .. Enumerable.Range(1, 2).Select(n => Space("L1", n, SpaceKind.Standard)),
                .. Enumerable.Range(3, 20).Select(n => Space("L1", n, SpaceKind.Standard, SpaceOwnership.Private, "A-H1")),
            ]),
        ]);
        var demand = new RebalancingDemand([.. Hours("A", Need.Standard, 4, 9, 17)], "test");
        var constraints = new RebalancingConstraints { MaxSpaceChanges = 0, SharingOwnersShare = 0.5 };

        var proposal = Rebalancer.Suggest(layout, demand, constraints, Quick);

        Assert.NotNull(proposal.Sharing);
        Assert.True(proposal.Sharing.From <= new TimeOnly(9, 0) && proposal.Sharing.Until >= new TimeOnly(17, 0));
        Assert.Equal(proposal.Sharing.From, proposal.Rules.SharingFrom);
        Assert.Equal(0.5, proposal.Rules.SharingOwnersShare);
        Assert.True(proposal.Sharing.ServedGainPerWeek > 0);
        Assert.Null(ScenarioRuleChecks.Validate(proposal.Rules));
        Assert.Empty(proposal.Changes.Spaces);
    }

    [Fact]
    public void Fixed_spaces_and_kinds_not_to_touch_stay_as_they_are()
    {
        var layout = Layout(["A", "B"],
        [
            Lot("L1", NearA, Enumerable.Range(1, 10).Select(n => Space("L1", n, SpaceKind.Standard))),
            Lot("L2", NearB, [.. Enumerable.Range(1, 4).Select(n => Space("L2", n, SpaceKind.Standard)), .. Enumerable.Range(5, 4).Select(n => Space("L2", n, SpaceKind.Visitor)), .. Enumerable.Range(9, 4).Select(n => Space("L2", n, SpaceKind.Accessible))]),
        ]);
        var demand = new RebalancingDemand([.. AllWeek("B", Need.Standard, 12)], "test");
        var constraints = new RebalancingConstraints
        {
            MaxSpaceChanges = 10,
            ConsiderSharing = false,
            FixedSpaceIds = new HashSet<string>(["L2-05", "L2-06"], StringComparer.Ordinal),
            KindsNotToTouch = new HashSet<SpaceKind> { SpaceKind.Accessible },
        };

        var proposal = Rebalancer.Suggest(layout, demand, constraints, Quick);

        Assert.Equal(["L2-07", "L2-08"], proposal.Changes.Spaces.Select(s => s.SpaceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_ev_space_another_spaces_charger_also_reaches_is_never_given_up()
    {
        var layout = Layout(["A"],
        [
            Lot("L1", new Dictionary<string, int> { ["A"] = 20 }, [.. Enumerable.Range(1, 6).Select(n => Space("L1", n, SpaceKind.EV))]),
        ],
        [new ChargingAreaDefinition("CA-L1", "L1", "L1", 100, [new ChargerDefinition("C1", "L1-06", 7) { AlsoReachesSpaceIds = ["L1-01"] }])]);
        var demand = new RebalancingDemand([.. AllWeek("A", Need.Standard, 6)], "test");
        var constraints = new RebalancingConstraints { MaxSpaceChanges = 4, ConsiderSharing = false };

        var proposal = Rebalancer.Suggest(layout, demand, constraints, Quick);

        Assert.NotEmpty(proposal.Changes.Spaces);
        Assert.DoesNotContain(proposal.Changes.Spaces, c => c.SpaceId == "L1-01");
        var applied = ScenarioLayout.Apply(layout, proposal.Changes);
        Assert.True(applied.IsSuccess, applied.Error?.Message);
    }

    [Fact]
    public void The_same_input_gives_the_same_proposal()
    {
        var (layout, demand, constraints) = Random(7);
        var options = Quick with { MergeWeekdays = false };

        var first = Rebalancer.Suggest(layout, demand, constraints with { MaxSpaceChanges = 4, MaxNewChargers = 2 }, options);
        var second = Rebalancer.Suggest(layout, demand, constraints with { MaxSpaceChanges = 4, MaxNewChargers = 2 }, options);

        Assert.Equal(first.Changes.Spaces, second.Changes.Spaces);
        Assert.Equal(first.Changes.Chargers, second.Changes.Chargers);
        Assert.Equal(first.Rules, second.Rules);
        Assert.Equal(first.After, second.After, FiguresComparer);
    }

    [Fact]
    public void A_cancelled_solve_returns_the_greedy_proposal()
    {
        var (layout, demand, constraints) = Random(3);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var proposal = Rebalancer.Suggest(layout, demand, constraints, Quick, cancellationToken: cancelled.Token);

        Assert.Equal(RebalancingSolveStatus.Fallback, proposal.Status);
        Assert.Equal("greedy", proposal.Method);
    }

    [Property(MaxTest = 20)]
    public bool Every_proposal_keeps_fixed_spaces_and_the_budget_and_applies(int seed)
    {
        var (layout, demand, constraints) = Random(seed);
        var spaces = layout.Lots.SelectMany(l => l.Spaces).ToDictionary(s => s.SpaceId);
        return new[] { Rebalancer.Greedy(layout, demand, constraints, Quick), Rebalancer.Suggest(layout, demand, constraints, Quick) }.All(proposal =>
            proposal.Changes.Spaces.Count <= constraints.MaxSpaceChanges &&
            proposal.NewChargers <= constraints.MaxNewChargers &&
            proposal.Changes.Spaces.All(c =>
                !constraints.FixedSpaceIds.Contains(c.SpaceId) &&
                spaces[c.SpaceId].Ownership != SpaceOwnership.Private &&
                !constraints.KindsNotToTouch.Contains(spaces[c.SpaceId].Kind) &&
                !constraints.KindsNotToTouch.Contains(c.Kind!.Value) &&
                c.Kind != spaces[c.SpaceId].Kind) &&
            proposal.Changes.Chargers.All(c => !constraints.FixedSpaceIds.Contains(c.SpaceId)) &&
            (constraints.ConsiderSharing || proposal.Sharing is null) &&
            ScenarioLayout.Apply(layout, proposal.Changes).IsSuccess);
    }

    [Property(MaxTest = 15)]
    public bool An_optimal_proposal_is_never_worse_than_today_nor_than_greedy(int seed)
    {
        var (layout, demand, constraints) = Random(seed);
        var proposal = Rebalancer.Suggest(layout, demand, constraints, Quick);
        var greedy = Rebalancer.Greedy(layout, demand, constraints, Quick);
        return proposal.After.Objective >= greedy.After.Objective - 1e-3 &&
            (proposal.Status != RebalancingSolveStatus.Optimal || proposal.After.Objective >= proposal.Before.Objective - 1e-3);
    }

    [Fact]
    public void Recorded_reservations_become_demand_per_building_hour_and_kind()
    {
        var layout = Layout(["A"], [Lot("L1", new Dictionary<string, int> { ["A"] = 20 }, [Space("L1", 1, SpaceKind.Standard), Space("L1", 2, SpaceKind.EV)])]) with
        {
            Users = [new CompoundUser(Compound, "r1", "r1", UserRole.Resident, "A-H1", "A", [])],
        };
        var monday = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        Parking.Domain.History.ReservationEvent Completed(string id, string space, int fromHour, int untilHour, int revision = 3) => new(
            monday.AddHours(untilHour), Compound, "L1", space, id, "r1", Parking.Domain.History.ReservationEventKind.Completed,
            new Parking.Domain.TimeWindow(monday.AddHours(fromHour), monday.AddHours(untilHour)), monday.AddHours(fromHour), monday.AddHours(untilHour), revision);

        var events = new[]
        {
            Completed("x", "L1-01", 8, 10) with { Kind = Parking.Domain.History.ReservationEventKind.Created, CheckedInAt = null, EndedAt = null, Revision = 1 },
            Completed("x", "L1-01", 8, 10),
            Completed("y", "L1-02", 20, 21),
        };

        var demand = RebalancingDemand.FromHistory(layout, events, monday, monday.AddDays(14), TimeSpan.Zero, kwPerChargingHour: 4);

        Assert.Equal(
            [new DemandCell("A", 8, Need.Standard, 0.5), new DemandCell("A", 9, Need.Standard, 0.5), new DemandCell("A", 20, Need.Charging, 2)],
            demand.Cells);
    }

    private static readonly IEqualityComparer<RebalancingFigures> FiguresComparer = EqualityComparer<RebalancingFigures>.Create(
        (a, b) => a is not null && b is not null && a.Objective == b.Objective && a.Needs.SequenceEqual(b.Needs) && a.Unserved.SequenceEqual(b.Unserved));
}
