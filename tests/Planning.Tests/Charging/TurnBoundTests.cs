using Google.OrTools.LinearSolver;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>The turn-aware bounds on instances small enough to know their optimum by hand.</summary>
public class TurnBoundTests
{
    /// <summary>
    /// One 7 kW car for two hours, a 7 kW and an 11 kW charger (two classes), 28 kWh wanted, a feed of 50 kW. The car can
    /// hold one charger at a time, so the most it can take is 7 kW for two hours: 14 kWh. Without the cut that holds a car
    /// to one charger per period the relaxation lets it draw from both chargers at once (28 kWh).
    /// </summary>
    [Fact]
    public void A_car_draws_from_one_charger_at_a_time_in_both_bounds()
    {
        var instance = new ChargingInstance(Instances.Evening, 60, 2, [new ChargerSpec("C7", 7), new ChargerSpec("C11", 11)], 50,
            [new ChargingRequest("r", 0, 2, 28, 7)]);
        var plan = ChargingAlgorithms.Get("in-turn").Solve(instance, new SolveOptions(TimeSpan.FromSeconds(2)));

        Assert.Equal(14, plan.EnergyKwh(instance), 6);
        Assert.Equal(14, TurnBound.UpperBoundKwh(instance)!.Value, 6);
        Assert.Equal(14, TurnBound.TightUpperBoundKwh(instance)!.Value, 6);
        Assert.Equal(28, TurnBound.WithoutOneChargerCuts(instance, tight: false)!.Value, 6);
    }

    /// <summary>
    /// A bound that has no answer says why: two cars that must each get 7 kWh from one 7 kW charger in one hour cannot both,
    /// so the bound among such plans is infeasible (no value, the reason named); without that demand it is optimal (7 kWh),
    /// with the program's size.
    /// </summary>
    [Fact]
    public void A_bound_without_a_value_says_why()
    {
        var instance = new ChargingInstance(Instances.Evening, 60, 1, [new ChargerSpec("C1", 7)], 7,
            [new ChargingRequest("a", 0, 1, 7, 7), new ChargingRequest("b", 0, 1, 7, 7)]);

        var refused = TurnBound.UpperBound(instance, [7, 7]);
        var plain = TurnBound.UpperBound(instance);

        Assert.Null(refused.Kwh);
        Assert.StartsWith("infeasible", refused.Outcome, StringComparison.Ordinal);
        Assert.Null(TurnBound.UpperBoundKwh(instance, [7, 7]));
        Assert.Equal("optimal", plain.Outcome);
        Assert.Equal(7, plain.Kwh!.Value, 6);
        Assert.Equal(TurnBound.UpperBoundKwh(instance)!.Value, plain.Kwh.Value, 9);
        Assert.True(plain.Rows > 0 && plain.Columns > 0);
        // Its optimum per period: the one hour at 7 kW; none without a value.
        Assert.Equal([7.0], plain.PeriodKw!.Select(kw => Math.Round(kw, 6)));
        Assert.Null(refused.PeriodKw);
    }

    /// <summary>
    /// One 7 kW charger on a 7 kW feed for six hours, quiet hours over periods 1-4 (no turn starts or ends at 2, 3 or 4),
    /// a changeover of one period. "a" and "b" are there from the start to the end of period 5 and want 7 kWh each; "c"
    /// comes for period 5 only. Whoever holds the charger through the night blocks it in period 0 (unless it holds it
    /// then too, its own need already served) and in period 5 (still held, or its changeover); whoever draws in period 0
    /// without holding the night ends its turn at 1 at the latest, and the changeover leaves the night empty. The best is
    /// 14 kWh: one car in period 0, another in period 5. The bound without the quiet edges' cuts let a car draw in period
    /// 0, another hold the night and a third take the charger at 06:00 as if no changeover were needed (21 kWh).
    /// </summary>
    [Fact]
    public void The_changeover_at_the_edges_of_quiet_hours_counts_in_the_bound()
    {
        var instance = new ChargingInstance(Instances.Evening, 60, 6, [new ChargerSpec("C1", 7)], 7,
            [new ChargingRequest("a", 0, 6, 7, 7), new ChargingRequest("b", 0, 6, 7, 7), new ChargingRequest("c", 5, 6, 7, 7)],
            ChangeoverPeriods: 1, QuietPeriods: [new PeriodRange(1, 5)]);
        var plan = ChargingAlgorithms.Get("in-turn").Solve(instance, new SolveOptions(TimeSpan.FromSeconds(2)));

        Assert.Equal(14, plan.EnergyKwh(instance), 6);
        Assert.Equal(14, TurnBound.UpperBoundKwh(instance)!.Value, 6);
        Assert.Equal(14, TurnBound.TightUpperBoundKwh(instance)!.Value, 6);
        Assert.Equal(21, TurnBound.WithoutOneChargerCuts(instance, tight: false)!.Value, 6);
    }

    /// <summary>
    /// Small nights with quiet hours and a changeover (two or three cars, one or two chargers, four to six periods): every
    /// one-turn plan is enumerated, each powered for the most energy by a linear program, and the best of them is never
    /// above the turn-aware bound (which holds for any number of turns, so for one too). Deterministic, no solver clock.
    /// </summary>
    [Fact]
    public void The_bound_is_never_below_the_best_plan_found_by_enumerating_every_turn()
    {
        for (var seed = 0; seed < 120; seed++)
        {
            var random = new Random(seed);
            var periods = random.Next(4, 7);
            double[] kws = [3.7, 7, 11];
            var chargers = Enumerable.Range(0, random.Next(1, 3)).Select(c => new ChargerSpec($"C{c}", kws[random.Next(3)])).ToList();
            var requests = Enumerable.Range(0, random.Next(2, 4)).Select(i =>
            {
                var arrival = random.Next(0, periods - 1);
                return new ChargingRequest($"r{i}", arrival, random.Next(arrival + 1, periods + 1), Math.Round(1 + random.NextDouble() * 15, 1), kws[random.Next(3)]);
            }).ToList();
            var quietStart = random.Next(0, periods - 1);
            var instance = new ChargingInstance(Instances.Evening, 60, periods, chargers, Math.Round(3 + random.NextDouble() * 15, 1), requests,
                ChangeoverPeriods: 1, QuietPeriods: [new PeriodRange(quietStart, random.Next(quietStart + 2, periods + 1))]) with { MaxTurnsPerRequest = 1 };

            var best = BestByEnumeration(instance);

            Assert.True(best <= TurnBound.UpperBoundKwh(instance)!.Value + 1e-6, $"seed {seed}: a plan delivers {best} kWh, above the bound");
        }
    }

    /// <summary>
    /// The bound among plans as fair as a least-share-first plan, where the fair optimum is known by hand. One 7 kW charger
    /// on a 7 kW feed, hourly periods, quiet hours over periods 1-4 (no turn starts or ends at 2, 3 or 4). "a" is there
    /// from period 0 to the end of period 4 and wants 28 kWh; "b" comes at period 1 and wants 7 kWh. Whoever holds the
    /// charger through the night keeps it, so there are two plans worth having: "a" all along (28 kWh, "b" gets nothing)
    /// or "a" in period 0 and "b" through the night (7 + 7 = 14 kWh, least share 25 %). Least share first picks the second;
    /// among plans giving everyone at least 25 % the most energy is 14 kWh, and the bound says so. Without the rule that a
    /// car that cannot reach its floor outside the night holds a charger through it, the relaxation gave "b" a quarter of
    /// the night charger for its 1.75 kWh and "a" the rest: 29.75 kWh, the plain relaxation's figure (the energy optimum is
    /// 28), so it could not tell what fairness costs.
    /// </summary>
    [Fact]
    public void The_bound_among_plans_as_fair_is_the_fair_optimum()
    {
        var instance = new ChargingInstance(Instances.Evening, 60, 5, [new ChargerSpec("C1", 7)], 7,
            [new ChargingRequest("a", 0, 5, 28, 7), new ChargingRequest("b", 1, 5, 7, 7)],
            QuietPeriods: [new PeriodRange(1, 5)]) { MaxTurnsPerRequest = 1 };
        var plan = ChargingAlgorithms.Get("in-turn").Solve(instance, new SolveOptions(TimeSpan.FromSeconds(2)));
        var least = ChargingMetrics.Compute(instance, plan, 0).LeastShare;
        double[] floors = [.. instance.Requests.Select(r => least * r.EnergyKwh)];

        Assert.Equal(0.25, least, 6);
        Assert.Equal(14, plan.EnergyKwh(instance), 6);
        Assert.Equal(14, BestByEnumeration(instance, floors), 6);
        Assert.Equal(14, TurnBound.UpperBoundKwh(instance, floors)!.Value, 6);
        Assert.Equal(29.75, TurnBound.UpperBoundKwh(instance)!.Value, 6);
    }

    /// <summary>
    /// The bound among plans as fair is never below the best plan that fair: on small nights with quiet hours and a
    /// changeover, every one-turn plan is enumerated and powered for the most energy with every driver at least a share of
    /// their need (10 to 60 %); the best of them never exceeds the bound given those floors, and the bound given floors is
    /// never above the plain one. Deterministic, no solver clock.
    /// </summary>
    [Fact]
    public void The_bound_among_plans_as_fair_is_never_below_the_best_such_plan()
    {
        var tighter = 0;
        for (var seed = 0; seed < 120; seed++)
        {
            var random = new Random(seed);
            var periods = random.Next(4, 7);
            double[] kws = [3.7, 7, 11];
            var chargers = Enumerable.Range(0, random.Next(1, 3)).Select(c => new ChargerSpec($"C{c}", kws[random.Next(3)])).ToList();
            var requests = Enumerable.Range(0, random.Next(2, 4)).Select(i =>
            {
                var arrival = random.Next(0, periods - 1);
                return new ChargingRequest($"r{i}", arrival, random.Next(arrival + 1, periods + 1), Math.Round(1 + random.NextDouble() * 15, 1), kws[random.Next(3)]);
            }).ToList();
            var quietStart = random.Next(0, periods - 1);
            var instance = new ChargingInstance(Instances.Evening, 60, periods, chargers, Math.Round(3 + random.NextDouble() * 15, 1), requests,
                ChangeoverPeriods: random.Next(0, 2), QuietPeriods: [new PeriodRange(quietStart, random.Next(quietStart + 2, periods + 1))]) with { MaxTurnsPerRequest = 1 };
            var share = 0.1 * random.Next(1, 7);
            double[] floors = [.. requests.Select(r => share * r.EnergyKwh)];

            var best = BestByEnumeration(instance, floors);
            var bound = TurnBound.UpperBoundKwh(instance, floors);
            var plain = TurnBound.UpperBoundKwh(instance)!.Value;

            if (best >= 0)
            {
                Assert.True(bound is not null, $"seed {seed}: a plan gives everyone {share:0.0} of their need, yet the bound finds none");
                Assert.True(best <= bound!.Value + 1e-6, $"seed {seed}: a plan as fair delivers {best} kWh, above the bound {bound}");
            }
            if (bound is { } b)
            {
                Assert.True(b <= plain + 1e-6, $"seed {seed}: the bound given floors {b} is above the plain one {plain}");
                if (b < plain - 1e-6) tighter++;
            }
        }
        Assert.True(tighter > 0, "no night where fairness costs energy in the bound");
    }

    private static double BestByEnumeration(ChargingInstance instance, IReadOnlyList<double>? floors = null)
    {
        var requests = instance.Requests;
        var options = requests.Select(r =>
        {
            var list = new List<ChargingTurn?> { null };
            foreach (var charger in instance.Chargers)
                for (var start = r.ArrivalPeriod; start < r.DeparturePeriod; start++)
                    for (var end = start + 1; end <= r.DeparturePeriod; end++)
                        if ((start == r.ArrivalPeriod || !instance.IsQuietBoundary(start)) && (end == r.DeparturePeriod || !instance.IsQuietBoundary(end)))
                            list.Add(new ChargingTurn(charger.Id, start, end));
            return list;
        }).ToList();
        var chosen = new ChargingTurn?[requests.Count];
        var best = floors is null ? 0.0 : -1.0;
        void Choose(int i)
        {
            if (i == requests.Count)
            {
                best = Math.Max(best, MostEnergy(instance, chosen, floors));
                return;
            }
            foreach (var turn in options[i])
            {
                if (turn is not null && chosen.Take(i).Any(o => o is not null && o.ChargerId == turn.ChargerId
                        && o.EndPeriod + instance.ChangeoverPeriods > turn.StartPeriod && turn.EndPeriod + instance.ChangeoverPeriods > o.StartPeriod))
                    continue;
                chosen[i] = turn;
                Choose(i + 1);
            }
            chosen[i] = null;
        }
        Choose(0);
        return best;
    }

    /// <summary>The most energy the turns can deliver: each car's power within its car's and charger's, the feed, the needs.</summary>
    /// <summary>With <paramref name="floors"/>, each car gets at least its floor (or its need when less); -1 when the turns cannot.</summary>
    private static double MostEnergy(ChargingInstance instance, ChargingTurn?[] turns, IReadOnlyList<double>? floors = null)
    {
        if (floors is not null && Enumerable.Range(0, turns.Length).Any(i => turns[i] is null && Math.Min(floors[i], instance.Requests[i].EnergyKwh) > 0)) return -1;
        using var solver = Solver.CreateSolver("GLOP")!;
        var feed = Enumerable.Range(0, instance.Periods).Select(t => solver.MakeConstraint(0, instance.CapacityKw(t))).ToArray();
        var objective = solver.Objective();
        for (var i = 0; i < turns.Length; i++)
        {
            if (turns[i] is not { } turn) continue;
            var request = instance.Requests[i];
            var need = solver.MakeConstraint(Math.Min(floors?[i] ?? 0, request.EnergyKwh) / instance.PeriodHours, request.EnergyKwh / instance.PeriodHours);
            var kw = Math.Min(request.MaxKw, instance.Charger(turn.ChargerId)!.MaxKw);
            for (var t = turn.StartPeriod; t < turn.EndPeriod; t++)
            {
                var p = solver.MakeNumVar(0, kw, "");
                feed[t].SetCoefficient(p, 1);
                need.SetCoefficient(p, 1);
                objective.SetCoefficient(p, instance.PeriodHours);
            }
        }
        objective.SetMaximization();
        var status = solver.Solve();
        if (floors is not null && status == Solver.ResultStatus.INFEASIBLE) return -1;
        Assert.Equal(Solver.ResultStatus.OPTIMAL, status);
        return objective.Value();
    }
    /// <summary>
    /// The tight bound warm started (its turn rows loose first, then tightened and solved again from that basis) is the
    /// tight bound: on small nights with quiet hours and a changeover, the same value as solved cold, and below the plain
    /// bound where turn starts and changeovers count (so a warm start that stopped at the loose program would fail).
    /// </summary>
    [Fact]
    public void The_warm_started_tight_bound_is_the_tight_bound()
    {
        var below = 0;
        for (var seed = 1; seed <= 12; seed++)
        {
            var random = new Random(seed);
            var instance = new ChargingInstance(Instances.Evening, 60, 10, [new ChargerSpec("C1", 7), new ChargerSpec("C2", 11)], 12,
                [.. Enumerable.Range(1, 6).Select(i => new ChargingRequest($"r{i}", random.Next(0, 4), random.Next(5, 11), 4 + random.Next(0, 30), 7))],
                ChangeoverPeriods: 1, QuietPeriods: [new PeriodRange(3, 7)]) { MaxTurnsPerRequest = 1 };
            var cold = TurnBound.TightUpperBound(instance);
            var warm = TurnBound.TightUpperBound(instance, warmStart: true);

            Assert.NotNull(cold.Kwh);
            Assert.NotNull(warm.Kwh);
            Assert.Equal(cold.Kwh!.Value, warm.Kwh!.Value, 5);
            Assert.StartsWith("optimal; warm start", warm.Outcome, StringComparison.Ordinal);
            if (warm.Kwh < TurnBound.UpperBoundKwh(instance)!.Value - 1e-6) below++;
        }
        Assert.True(below > 0, "no night where the tight bound is below the plain one");
    }
}
