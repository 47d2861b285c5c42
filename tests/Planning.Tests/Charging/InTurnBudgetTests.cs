using ChargingObjectiveOrder = Parking.Domain.Charging.ChargingObjectiveOrder;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>
/// The in-turn planner keeps to its budget by construction: every CP-SAT stage is given at most what is left of the
/// budget when it starts (checked on the limits the planner hands the solver, never on a clock), a re-plan's model stays
/// feasible, and a least share never ends below the constant-power seed the planner weighs first.
/// </summary>
public class InTurnBudgetTests
{
    /// <summary>A small night: most cars home by 20:00, leaving 06:30-08:00, quiet hours 23:00-06:00, more cars than chargers.</summary>
    private static ChargingInstance Night(int seed, int requests = 40, int chargers = 8, double siteKw = 35)
    {
        var random = new Random(seed);
        const int periods = 28; // 18:00-08:00 in 30-minute periods
        return new ChargingInstance(Instances.Evening, 30, periods,
            [.. Enumerable.Range(1, chargers).Select(i => new ChargerSpec($"C{i:00}", i % 3 == 0 ? 11 : 7))], siteKw,
            [
                .. Enumerable.Range(1, requests).Select(i =>
                {
                    var arrival = random.Next(0, 8);
                    var departure = Math.Clamp(25 + random.Next(0, 4), arrival + 2, periods);
                    return new ChargingRequest($"R{i:00}", arrival, departure, Math.Round(4 + (random.NextDouble() * 20), 1), i % 4 == 0 ? 11 : 7);
                }),
            ],
            ChangeoverPeriods: 1, QuietPeriods: [new PeriodRange(10, 24)]);
    }

    public static TheoryData<int, double, ChargingObjectiveOrder> Budgets() => new()
    {
        { 1, 0.5, ChargingObjectiveOrder.LeastShareFirst },
        { 2, 2, ChargingObjectiveOrder.LeastShareFirst },
        { 3, 2, ChargingObjectiveOrder.FullyServedFirst },
        { 4, 2, ChargingObjectiveOrder.MinimumNeedFirst },
        { 5, 6, ChargingObjectiveOrder.LeastShareFirst },
    };

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Every_cp_sat_stage_is_given_no_more_than_what_is_left_of_the_budget(int seed, double seconds, ChargingObjectiveOrder order)
    {
        var instance = Night(seed);
        var steps = new List<InTurnCpSat.Step>();
        var planner = new InTurnCpSat { Observer = steps.Add };
        var options = new SolveOptions(TimeSpan.FromSeconds(seconds), Workers: 2) { Order = order, MinimumNeedKwh = 8 };

        var plan = planner.Solve(instance, options);
        // A re-plan too, with the first plan as the previous one and its started turns kept.
        var replanned = ChargingReplan.KeepStartedTurns(instance with
        {
            Requests = [.. instance.Requests.Skip(1), new ChargingRequest("new", 4, 26, 10, 7)],
        }, plan, 4);
        planner.Solve(replanned, options with { Previous = plan });

        Assert.True(PlanPropertyTests.Respects(instance, plan));
        var stages = steps.Where(s => s.Limit is not null).ToList();
        Assert.All(stages, s =>
        {
            Assert.True(s.Started + s.Limit!.Value <= options.TimeLimit,
                $"{s.Name} started at {s.Started.TotalSeconds:0.000} s with a limit of {s.Limit.Value.TotalSeconds:0.000} s on a budget of {seconds} s");
            Assert.True(s.Limit.Value >= TimeSpan.FromMilliseconds(50), $"{s.Name} was started with {s.Limit.Value.TotalMilliseconds:0} ms (CP-SAT's own floor is 50 ms)");
        });
    }

    /// <summary>
    /// Fully served first keeps 40 % of the budget for the repair, which leaves CP-SAT's turn model too little to start
    /// (on the Chengshangcheng night it only returned its hint, below the greedy candidates): it is skipped whatever the
    /// machine's speed, and the repair runs. A least share keeps CP-SAT.
    /// </summary>
    [Fact]
    public void Fully_served_first_gives_cp_sats_time_to_the_repair_and_a_least_share_keeps_cp_sat()
    {
        var instance = Night(3);
        var options = new SolveOptions(TimeSpan.FromSeconds(2), Workers: 2);
        var fullySteps = new List<InTurnCpSat.Step>();
        var leastSteps = new List<InTurnCpSat.Step>();

        var plan = new InTurnCpSat { Observer = fullySteps.Add }.Solve(instance, options with { Order = ChargingObjectiveOrder.FullyServedFirst });
        new InTurnCpSat { Observer = leastSteps.Add, RepairMoves = 0 }.Solve(instance, options);

        Assert.True(PlanPropertyTests.Respects(instance, plan));
        Assert.Contains(fullySteps, s => s.Name == "cp-sat skipped");
        Assert.DoesNotContain(fullySteps, s => s.Name.StartsWith("cp-sat", StringComparison.Ordinal) && s.Name != "cp-sat skipped");
        Assert.DoesNotContain(fullySteps, s => s.Name is "hint" or "model built");
        Assert.DoesNotContain(leastSteps, s => s.Name == "cp-sat skipped");
        Assert.Equal(0.4, InTurnCpSat.DefaultRepairShare(ChargingObjectiveOrder.FullyServedFirst));
        Assert.Equal(0, InTurnCpSat.DefaultRepairShare(ChargingObjectiveOrder.LeastShareFirst));
    }

    [Fact]
    public void Without_a_budget_no_cp_sat_stage_starts()
    {
        var steps = new List<InTurnCpSat.Step>();
        var plan = new InTurnCpSat { Observer = steps.Add }.Solve(Night(7), new SolveOptions(TimeSpan.Zero));

        Assert.Equal(PlanStatus.Fallback, plan.Status);
        Assert.DoesNotContain(steps, s => s.Limit is not null);
    }

    [Fact]
    public void A_re_plan_whose_started_turns_drew_modulated_power_gives_cp_sat_a_feasible_model()
    {
        // Six turns started between periods 1 and 3 (two of them one after the other on C1) on a feed that takes two cars
        // at full power: at full power from plug-in, the started turns alone overloaded the feed in the past periods.
        var chargers = Enumerable.Range(1, 6).Select(i => new ChargerSpec($"C{i}", 7)).ToList();
        var running = new[]
        {
            ("s0", "C1", 1, 2), ("s1", "C1", 3, 8), ("s2", "C2", 1, 8), ("s3", "C3", 2, 8), ("s4", "C4", 2, 8), ("s5", "C5", 3, 8), ("s6", "C6", 3, 8),
        };
        var instance = new ChargingInstance(Instances.Evening, 60, 12, chargers, 14,
            [
                .. running.Select(r => new ChargingRequest(r.Item1, r.Item3, r.Item4 == 2 ? 2 : 12, 10, 7)),
                .. Enumerable.Range(0, 4).Select(i => new ChargingRequest($"w{i}", 4, 12, 8 + i, 7)),
            ],
            ChangeoverPeriods: 0,
            FixedTurns: [.. running.Select(r => new FixedTurn(r.Item1, r.Item2, r.Item3, r.Item4))]);
        var steps = new List<InTurnCpSat.Step>();

        var plan = new InTurnCpSat { Observer = steps.Add }.Solve(instance, new SolveOptions(TimeSpan.FromSeconds(20), Workers: 2));

        Assert.True(PlanPropertyTests.Respects(instance, plan));
        foreach (var (id, charger, start, end) in running) Assert.Equal(new ChargingTurn(charger, start, end), plan.Session(id)!.Turn);
        var done = steps.Where(s => s.Name.StartsWith("cp-sat", StringComparison.Ordinal) && s.Name.EndsWith(" done", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(done);
        Assert.DoesNotContain(done, s => s.Detail.Contains("status Infeasible", StringComparison.Ordinal));
        Assert.Contains(done, s => s.Detail.Contains("status Optimal", StringComparison.Ordinal) || s.Detail.Contains("status Feasible", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Least_share_first_never_ends_below_the_constant_power_seed(int seed)
    {
        var instance = Night(seed, requests: 60, chargers: 10, siteKw: 40);
        var seedShare = ChargingMetrics.Compute(instance, InTurnCpSat.BestSeed(instance), 0).LeastShare;

        var plan = ChargingAlgorithms.Get("in-turn").Solve(instance, new SolveOptions(TimeSpan.FromSeconds(20), Workers: 2));

        Assert.True(PlanPropertyTests.Respects(instance, plan));
        var share = ChargingMetrics.Compute(instance, plan, 0).LeastShare;
        Assert.True(share >= seedShare - 1e-9, $"least share {share:0.0000}, the seed's {seedShare:0.0000}");
    }
}
