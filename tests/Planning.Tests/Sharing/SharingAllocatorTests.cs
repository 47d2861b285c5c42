using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parking.Domain.Layout;
using Parking.Planning.Sharing;
using Xunit;
using static Parking.Planning.Tests.Sharing.SharingInstances;

namespace Parking.Planning.Tests.Sharing;

public class SharingAllocatorTests
{
    private static readonly SharingSolveOptions Quick = new(TimeSpan.FromSeconds(2), Workers: 2);

    [Fact]
    public void Greedy_serves_first_come_on_the_nearest_free_space()
    {
        var instance = new SharingInstance(
            [Space("near", "L1", At(0, 8, 18)), Space("far", "L2", At(0, 8, 18))],
            [Request("r1", "h1", "B1", At(0, 9, 12)), Request("r2", "h2", "B1", At(0, 10, 11)), Request("r3", "h3", "B1", At(0, 10, 17))],
            Walks(("L1", "B1", 20), ("L2", "B1", 300)));

        var result = SharingAllocator.Greedy(instance);

        Assert.Equal("near", result.SpaceOf("r1"));
        Assert.Equal("far", result.SpaceOf("r2"));
        Assert.Null(result.SpaceOf("r3"));
        Assert.Equal(["r3"], result.UnservedRequestIds);
        Assert.Equal(SharingSolveStatus.Fallback, result.Status);
        Assert.Equal(4.0, result.Metrics.HoursServed, 6);
    }

    [Fact]
    public void Round_serves_more_hours_than_greedy_when_first_come_blocks_a_long_request()
    {
        // The short request came first and takes the only space the long one fits on in greedy order.
        var instance = new SharingInstance(
            [Space("a", "L1", At(0, 8, 18)), Space("b", "L2", At(0, 8, 12))],
            [Request("short", "h1", "B1", At(0, 9, 11)), Request("long", "h2", "B1", At(0, 9, 17))],
            Walks(("L1", "B1", 20), ("L2", "B1", 300)));

        var greedy = SharingAllocator.Greedy(instance);
        var round = SharingAllocator.Optimize(instance, Quick);

        Assert.Null(greedy.SpaceOf("long"));
        Assert.Equal("a", round.SpaceOf("long"));
        Assert.Equal("b", round.SpaceOf("short"));
        Assert.Equal(SharingSolveStatus.Optimal, round.Status);
        Assert.Equal(10.0, round.Metrics.HoursServed, 6);
    }

    [Fact]
    public void A_household_that_lost_past_rounds_wins_a_contested_space()
    {
        var supply = new[] { Space("only", "L1", At(0, 19, 31)) };
        var requests = new[] { Request("first", "lucky", "B1", At(0, 20, 30)), Request("second", "unlucky", "B1", At(0, 20, 30)) };
        var walks = Walks(("L1", "B1", 20));

        var even = SharingAllocator.Optimize(new SharingInstance(supply, requests, walks), Quick);
        var weighted = SharingAllocator.Optimize(
            new SharingInstance(supply, requests, walks, new Dictionary<string, double> { ["unlucky"] = 3.0 }),
            Quick);
        var swapped = SharingAllocator.Optimize(
            new SharingInstance(supply, requests, walks, new Dictionary<string, double> { ["lucky"] = 3.0 }),
            Quick);

        Assert.Single(even.Assignments);
        Assert.Equal("only", weighted.SpaceOf("second"));
        Assert.Null(weighted.SpaceOf("first"));
        Assert.Equal("only", swapped.SpaceOf("first"));
        Assert.Null(swapped.SpaceOf("second"));
    }

    [Fact]
    public void Weights_spread_the_spaces_over_households_before_walking_distance()
    {
        // Household h1 asks twice; h2 once. Two spaces for three equal requests: one goes to each household.
        var instance = new SharingInstance(
            [Space("s1", "L1", At(0, 8, 18)), Space("s2", "L1", At(0, 8, 18))],
            [Request("h1a", "h1", "B1", At(0, 9, 12)), Request("h1b", "h1", "B1", At(0, 9, 12)), Request("h2a", "h2", "B1", At(0, 9, 12))],
            Walks(("L1", "B1", 20)));

        var round = SharingAllocator.Optimize(instance, Quick);

        Assert.NotNull(round.SpaceOf("h2a"));
        Assert.Equal(2, round.Metrics.HouseholdsServed);
        // Shares 1/2 and 1: Jain = 1.5² / (2 × 1.25) = 0.9; giving both spaces to h1 would give 0.5.
        Assert.Equal(0.9, round.Metrics.JainIndex, 6);
    }

    [Fact]
    public void Zero_budget_returns_the_greedy_round_as_fallback()
    {
        var instance = SharingInstances.Random(7);
        var greedy = SharingAllocator.Greedy(instance);

        var round = SharingAllocator.Optimize(instance, new SharingSolveOptions(TimeSpan.Zero));

        Assert.Equal(SharingSolveStatus.Fallback, round.Status);
        Assert.Equal(SharingAlgorithm.Round, round.Algorithm);
        Assert.Equal(greedy.Assignments, round.Assignments);
    }

    [Fact]
    public void A_budget_used_up_by_preparation_returns_the_greedy_round_as_fallback()
    {
        var instance = SharingInstances.Random(9);

        var round = SharingAllocator.Optimize(instance, new SharingSolveOptions(TimeSpan.FromTicks(1)));

        Assert.Equal(SharingSolveStatus.Fallback, round.Status);
        Assert.Equal(SharingAllocator.Greedy(instance).Assignments, round.Assignments);
    }

    [Fact]
    public void A_cancelled_solve_returns_the_greedy_round_as_fallback()
    {
        var instance = SharingInstances.Random(11);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var round = SharingAllocator.Optimize(instance, Quick, cancelled.Token);

        Assert.Equal(SharingSolveStatus.Fallback, round.Status);
        Assert.Equal(SharingAllocator.Greedy(instance).Assignments, round.Assignments);
    }

    [Fact]
    public void An_ev_request_only_gets_an_ev_space_and_a_standard_car_never_blocks_a_charger()
    {
        var instance = new SharingInstance(
            [new SupplySlot("ev", "L1", SpaceKind.EV, SpaceOwnership.Common, [At(0, 0, 24)]), Space("std", "L1", At(0, 0, 24))],
            [
                new SharingRequest("car", "d1", "h1", [At(0, 9, 10)], SpaceKind.Standard, "B1"),
                new SharingRequest("ev1", "d2", "h2", [At(0, 9, 10)], SpaceKind.EV, "B1"),
                new SharingRequest("ev2", "d3", "h3", [At(0, 9, 10)], SpaceKind.EV, "B1"),
            ],
            Walks(("L1", "B1", 20)));

        var round = SharingAllocator.Optimize(instance, Quick);

        Assert.Equal("std", round.SpaceOf("car"));
        Assert.Single(round.Assignments, a => a.SpaceId == "ev");
        Assert.DoesNotContain(round.Assignments, a => a.RequestId.StartsWith("ev", StringComparison.Ordinal) && a.SpaceId != "ev");
    }

    [Fact]
    public void Bad_input_is_refused_with_the_reason()
    {
        var instance = new SharingInstance(
            [Space("s1", "L1", At(0, 8, 18))],
            [Request("r1", "h1", "B1"), Request("r1", "h1", "B1", At(0, 9, 10))],
            Walks());

        var error = Assert.Throws<ArgumentException>(() => SharingAllocator.Greedy(instance));
        Assert.Contains("r1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rotation_raises_the_weight_of_households_that_got_nothing_and_resets_the_served()
    {
        var instance = new SharingInstance(
            [Space("only", "L1", At(0, 19, 31))],
            [Request("a", "ha", "B1", At(0, 20, 30)), Request("b", "hb", "B1", At(0, 20, 30))],
            Walks(("L1", "B1", 20)),
            new Dictionary<string, double> { ["ha"] = 2.0, ["hc"] = 4.0 });

        var round = SharingAllocator.Optimize(instance, Quick);
        var next = SharingRotation.NextWeights(instance, round);

        Assert.Equal("only", round.SpaceOf("a"));
        Assert.Equal(1.0, next["ha"]);
        Assert.Equal(2.0, next["hb"]);
        Assert.Equal(4.0, next["hc"]);
    }

    [Property(MaxTest = 25)]
    public Property Round_serves_at_least_the_greedy_hours_and_respects_supply_overlap_and_all_or_nothing(PositiveInt seed)
    {
        var instance = SharingInstances.Random(seed.Get);
        var greedy = SharingAllocator.Greedy(instance);
        var round = SharingAllocator.Optimize(instance, Quick);

        var roundProblems = SharingChecks.Violations(instance, round);
        var greedyProblems = SharingChecks.Violations(instance, greedy);
        return (round.Metrics.HoursServed >= greedy.Metrics.HoursServed - 1e-9).Label("hours ≥ greedy")
            .And((roundProblems.Count == 0).Label("round valid: " + string.Join("; ", roundProblems)))
            .And((greedyProblems.Count == 0).Label("greedy valid: " + string.Join("; ", greedyProblems)));
    }
}
