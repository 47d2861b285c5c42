using FsCheck.Xunit;
using Parking.Planning.Charging;

namespace Parking.Planning.Tests.Charging;

/// <summary>
/// Invariants of every planner on small random instances (a seed drawn by FsCheck picks the instance): power
/// within site, charger and vehicle limits and inside the car's window; turns that never overlap on a charger,
/// changeover included, and never move a car inside quiet hours; never more than requested or than the bound;
/// and in-turn at least as fair (least share) as every baseline.
/// </summary>
public class PlanPropertyTests
{
    private const double Tolerance = 1e-6;
    private static readonly SolveOptions Budget = new(TimeSpan.FromSeconds(1), Workers: 2);

    [Property(MaxTest = 25)]
    public bool Turn_plans_respect_every_limit(int seed)
    {
        var instance = RandomInstance(seed, plugged: false);
        return ChargingAlgorithms.All.All(a => Respects(instance, a.Solve(instance, Budget)));
    }

    [Property(MaxTest = 25)]
    public bool Rate_plans_respect_every_limit(int seed)
    {
        var instance = RandomInstance(seed, plugged: true);
        return ChargingAlgorithms.All.All(a => Respects(instance, a.Solve(instance, Budget)));
    }

    [Property(MaxTest = 25)]
    public bool Rate_plans_on_a_three_phase_feed_keep_every_phase_within_its_limit(int seed)
    {
        var instance = RandomInstance(seed, plugged: true, phases: true);
        return ChargingAlgorithms.All.All(a => Respects(instance, a.Solve(instance, Budget)));
    }

    [Property(MaxTest = 25)]
    public bool Turn_plans_on_a_three_phase_feed_keep_every_phase_within_its_limit(int seed)
    {
        var instance = RandomInstance(seed, plugged: false, phases: true);
        // Online and offline allocate rates without placing cars on chargers, so their cars have no phase:
        // on turns they are relaxations (offline is the bound) and only the total is checked.
        return ChargingAlgorithms.All.All(a => Respects(instance, a.Solve(instance, Budget)));
    }

    [Property(MaxTest = 25)]
    public bool In_turn_is_at_least_as_fair_as_every_baseline(int seed)
    {
        var instance = RandomInstance(seed, plugged: false);
        var inTurn = ChargingMetrics.Compute(instance, ChargingAlgorithms.Get("in-turn").Solve(instance, Budget), 0).LeastShare;
        return ChargingAlgorithms.Baselines.All(b =>
            ChargingMetrics.Compute(instance, b.Solve(instance, Budget), 0).LeastShare <= inTurn + 1e-4);
    }

    [Property(MaxTest = 25)]
    public bool In_turn_plans_in_every_objective_order_respect_every_limit(int seed)
    {
        var instance = RandomInstance(seed, plugged: false, phases: seed % 2 == 0);
        return Enum.GetValues<Parking.Domain.Charging.ChargingObjectiveOrder>().All(order =>
            Respects(instance, ChargingAlgorithms.Get("in-turn").Solve(instance, Budget with { Order = order, MinimumNeedKwh = 5 })));
    }

    [Property(MaxTest = 15)]
    public bool In_turn_with_a_draw_interval_inside_each_turn_respects_every_limit_in_every_order(int seed)
    {
        var instance = RandomInstance(seed, plugged: false, phases: seed % 2 == 0);
        var drawModel = new InTurnCpSat { DrawWithinTurn = true };
        return Enum.GetValues<Parking.Domain.Charging.ChargingObjectiveOrder>().All(order =>
            Respects(instance, drawModel.Solve(instance, Budget with { Order = order, MinimumNeedKwh = 5 })));
    }

    [Property(MaxTest = 25)]
    public bool In_turn_plans_with_up_to_k_turns_per_request_respect_every_limit_in_every_order(int seed)
    {
        // One to three turns per request: no charger held by two cars at once (changeover included), the feed per
        // period and per phase, every turn inside its car's stay and apart from the car's other turns by the changeover.
        var instance = RandomInstance(seed, plugged: false, phases: seed % 2 == 0) with { MaxTurnsPerRequest = 1 + (Math.Abs(seed) % 3) };
        return Enum.GetValues<Parking.Domain.Charging.ChargingObjectiveOrder>().All(order =>
            Respects(instance, ChargingAlgorithms.Get("in-turn").Solve(instance, Budget with { Order = order, MinimumNeedKwh = 5 })));
    }

    [Property(MaxTest = 25)]
    public bool The_turn_aware_bounds_are_never_below_a_turn_plan(int seed)
    {
        var instance = RandomInstance(seed, plugged: false, phases: seed % 3 == 0) with { MaxTurnsPerRequest = 1 + (Math.Abs(seed) % 2) };
        // Every plan the planners make (baselines, in-turn, the repair of each baseline) is at most the tight bound, the
        // tight bound at most the plain one, and each at most the same bound without the one-charger-at-a-time cuts.
        var bound = TurnBound.UpperBoundKwh(instance)!.Value;
        var tight = TurnBound.TightUpperBoundKwh(instance)!.Value;
        var oldBound = TurnBound.WithoutOneChargerCuts(instance, tight: false)!.Value;
        var oldTight = TurnBound.WithoutOneChargerCuts(instance, tight: true)!.Value;
        var plans = ChargingAlgorithms.Baselines.Append(ChargingAlgorithms.Get("in-turn")).Select(a => a.Solve(instance, Budget)).ToList();
        plans.AddRange(ChargingAlgorithms.Baselines.Select(b => InTurnCpSat.RepairPlan(instance, b.Solve(instance, SolveOptions.Default),
            SolveOptions.Default with { Order = Parking.Domain.Charging.ChargingObjectiveOrder.FullyServedFirst }, maxMoves: 20)));
        return tight <= bound + Tolerance && bound <= oldBound + Tolerance && tight <= oldTight + Tolerance
            && plans.All(p => p.EnergyKwh(instance) <= tight + 1e-4);
    }

    [Property(MaxTest = 25)]
    public bool The_bound_at_a_plans_own_shares_is_never_below_that_plan_nor_above_the_plain_bound(int seed)
    {
        // Every plan gives each driver what it gives: the bound among plans at least as generous to everyone is above
        // the plan's energy (it is one of them) and below the bound without that condition.
        var instance = RandomInstance(seed, plugged: false, phases: seed % 3 == 0);
        var plain = TurnBound.UpperBoundKwh(instance)!.Value;
        var plan = ChargingAlgorithms.Get("in-turn").Solve(instance, Budget);
        var given = instance.Requests.Select(r => 0.999 * (plan.Session(r.Id)?.EnergyKwh(instance.PeriodHours) ?? 0)).ToList();
        var atShares = TurnBound.UpperBoundKwh(instance, given)!.Value;
        return atShares <= plain + Tolerance && plan.EnergyKwh(instance) <= atShares + 1e-3;
    }

    [Property(MaxTest = 30)]
    public bool Holder_swap_repair_respects_every_limit_and_is_never_worse_in_the_order(int seed)
    {
        // The repair starts from each greedy baseline's plan (no solver clock anywhere: the answer never depends on the
        // machine), in every order, with quiet hours, changeovers, phases and up to k turns per request as drawn.
        var instance = RandomInstance(seed, plugged: false, phases: seed % 2 == 0) with { MaxTurnsPerRequest = 1 + (Math.Abs(seed) % 2) };
        foreach (var order in Enum.GetValues<Parking.Domain.Charging.ChargingObjectiveOrder>())
        {
            var options = Budget with { Order = order, MinimumNeedKwh = 5 };
            foreach (var baseline in ChargingAlgorithms.Baselines)
            {
                var input = baseline.Solve(instance, SolveOptions.Default);
                var repaired = InTurnCpSat.RepairPlan(instance, input, options, maxMoves: 40);
                if (!Respects(instance, repaired)) return false;
                if (CompareInOrder(instance, repaired, input, order) < 0) return false;
            }
        }
        return true;
    }

    [Property(MaxTest = 15)]
    public bool In_turn_with_the_repair_respects_every_limit_in_every_order(int seed)
    {
        var instance = RandomInstance(seed, plugged: false, phases: seed % 2 == 0);
        var repairing = new InTurnCpSat { Repair = true, RepairMoves = 20 };
        return Enum.GetValues<Parking.Domain.Charging.ChargingObjectiveOrder>().All(order =>
            Respects(instance, repairing.Solve(instance, Budget with { Order = order, MinimumNeedKwh = 5 })));
    }

    /// <summary>
    /// The area's order on two plans (positive when <paramref name="x"/> is better): the least share (of the need, or of
    /// min(need, 5 kWh)), drivers fully served, energy, lower cost, fewer turns, rounded as in-turn rounds them.
    /// </summary>
    internal static int CompareInOrder(ChargingInstance instance, ChargingPlan x, ChargingPlan y, Parking.Domain.Charging.ChargingObjectiveOrder order)
    {
        double[] Key(ChargingPlan plan)
        {
            var m = ChargingMetrics.Compute(instance, plan, 0);
            var fully = Math.Round(m.FullyServedPercent * instance.Requests.Count / 100);
            var least = 1.0;
            foreach (var r in instance.Requests)
            {
                var target = Math.Min(r.EnergyKwh, 5);
                if (target <= 0) continue;
                least = Math.Min(least, Math.Min(1, (plan.Session(r.Id)?.EnergyKwh(instance.PeriodHours) ?? 0) / target));
            }
            double[] tail = [Math.Round(m.EnergyKwh, 3), -Math.Round(m.Cost, 3), -m.Moves];
            return order switch
            {
                Parking.Domain.Charging.ChargingObjectiveOrder.FullyServedFirst => [fully, .. tail],
                Parking.Domain.Charging.ChargingObjectiveOrder.MinimumNeedFirst => [Math.Round(least, 4), fully, .. tail],
                _ => [Math.Round(m.LeastShare, 4), .. tail],
            };
        }
        var (a, b) = (Key(x), Key(y));
        for (var k = 0; k < a.Length; k++)
            if (a[k] != b[k]) return a[k].CompareTo(b[k]);
        return 0;
    }

    internal static ChargingInstance RandomInstance(int seed, bool plugged, bool phases = false)
    {
        var random = new Random(seed);
        var periods = random.Next(4, 11);
        var count = random.Next(1, 7);
        double[] kws = [3.7, 7, 11, 22];
        string?[] phaseNames = ["A", "B", "C", "AB", "ABC", null];
        var chargers = Enumerable.Range(0, plugged ? count : random.Next(1, 4))
            .Select(c => new ChargerSpec($"C{c}", kws[random.Next(0, 3)], phases ? phaseNames[random.Next(phaseNames.Length)] : null)).ToList();
        var requests = Enumerable.Range(0, count).Select(i =>
        {
            var arrival = random.Next(0, periods);
            var departure = random.Next(arrival + 1, periods + 1);
            return new ChargingRequest($"r{i}", arrival, departure, Math.Round(random.NextDouble() * 30, 1),
                kws[random.Next(0, 4)], plugged ? $"C{i}" : null);
        }).ToList();
        var quietStart = random.Next(0, periods);
        return new ChargingInstance(Instances.Evening, random.Next(0, 2) == 0 ? 60 : 30, periods, chargers,
            Math.Round(3 + random.NextDouble() * 20, 1), requests,
            PricePerKwh: random.Next(0, 2) == 0 ? null : [.. Enumerable.Range(0, periods).Select(t => t < periods / 2 ? 0.6 : 0.3)],
            ChangeoverPeriods: random.Next(0, 2),
            QuietPeriods: random.Next(0, 2) == 0 ? null : [new PeriodRange(quietStart, random.Next(quietStart, periods + 1))],
            PhaseLimitKw: phases ? Math.Round(2 + random.NextDouble() * 8, 1) : null,
            PhaseImbalanceKw: phases && random.Next(0, 2) == 0 ? Math.Round(1 + random.NextDouble() * 4, 1) : null);
    }

    /// <summary>Every phase's load within its limit and no two phases further apart than the imbalance limit.</summary>
    private static bool RespectsPhases(ChargingInstance instance, ChargingPlan plan)
    {
        if (!instance.HasPhaseLimits) return true;
        for (var t = 0; t < instance.Periods; t++)
        {
            var load = new double[3];
            foreach (var session in plan.Sessions)
            {
                var request = instance.Requests.First(r => r.Id == session.RequestId);
                var charger = instance.Charger(session.TurnAt(t)?.ChargerId ?? session.Turn?.ChargerId ?? request.PluggedChargerId);
                if (charger is null) continue;
                for (var p = 0; p < 3; p++) load[p] += charger.PhaseShare(p) * session.PowerKw[t];
            }
            if (instance.PhaseLimitKw is { } limit && load.Any(l => l > limit + Tolerance)) return false;
            if (instance.PhaseImbalanceKw is { } imbalance && load.Max() - load.Min() > imbalance + Tolerance) return false;
        }
        return true;
    }

    internal static bool Respects(ChargingInstance instance, ChargingPlan plan)
    {
        var hours = instance.PeriodHours;
        var bound = OfflineOptimum.UpperBoundKwh(instance);
        if (plan.EnergyKwh(instance) > bound + Tolerance) return false;
        if (!RespectsPhases(instance, plan)) return false;
        for (var t = 0; t < instance.Periods; t++)
            if (plan.Sessions.Sum(s => s.PowerKw[t]) > instance.CapacityKw(t) + Tolerance) return false;
        var turnsByCharger = new Dictionary<string, List<ChargingTurn>>();
        foreach (var request in instance.Requests)
        {
            var session = plan.Session(request.Id);
            if (session is null) return false;
            if (session.EnergyKwh(hours) > request.EnergyKwh + Tolerance) return false;
            // At most the instance's turns per request, the first one being Turn, in time order, each inside the stay,
            // and the car's own turns apart by the changeover (it is moved from one charger to the other).
            var turns = session.Turns;
            if (turns.Count > instance.MaxTurnsPerRequest || (turns.Count > 0 && turns[0] != session.Turn) || (turns.Count == 0 && session.Turn is not null))
                return false;
            for (var k = 1; k < turns.Count; k++)
                if (turns[k].StartPeriod < turns[k - 1].EndPeriod + instance.ChangeoverPeriods) return false;
            foreach (var turn in turns)
            {
                if (turn.StartPeriod < request.ArrivalPeriod || turn.EndPeriod > request.DeparturePeriod || turn.StartPeriod >= turn.EndPeriod)
                    return false;
                if ((turn.StartPeriod != request.ArrivalPeriod && instance.IsQuietBoundary(turn.StartPeriod))
                    || (turn.EndPeriod != request.DeparturePeriod && instance.IsQuietBoundary(turn.EndPeriod)))
                    return false;
                if (request.PluggedChargerId is { } plugged && plugged != turn.ChargerId) return false;
                if (!turnsByCharger.TryGetValue(turn.ChargerId, out var list)) turnsByCharger[turn.ChargerId] = list = [];
                list.Add(turn);
            }
            for (var t = 0; t < instance.Periods; t++)
            {
                var kw = session.PowerKw[t];
                var holding = session.TurnAt(t);
                var limit = holding is not null ? Math.Min(request.MaxKw, instance.Charger(holding.ChargerId)!.MaxKw) : instance.MaxPowerKw(request);
                if (kw < -Tolerance || kw > (limit * request.PresentShare(t)) + Tolerance) return false;
                var inside = turns.Count > 0 ? holding is not null : t >= request.ArrivalPeriod && t < request.DeparturePeriod;
                if (!inside && kw > Tolerance) return false;
            }
        }
        foreach (var turns in turnsByCharger.Values)
        {
            var ordered = turns.OrderBy(t => t.StartPeriod).ToList();
            for (var k = 1; k < ordered.Count; k++)
                if (ordered[k].StartPeriod < ordered[k - 1].EndPeriod + instance.ChangeoverPeriods) return false;
        }
        return true;
    }
}
