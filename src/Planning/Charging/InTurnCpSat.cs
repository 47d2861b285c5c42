using System.Diagnostics;
using Google.OrTools.Sat;
using Parking.Domain.Charging;
using CpDomain = Google.OrTools.Util.Domain;

namespace Parking.Planning.Charging;

/// <summary>
/// In-turn charging for more cars than chargers, with modulated power: each request gets at most one turn, a
/// contiguous interval on one charger inside its window held from plug-in to unplug, and inside it a power per period
/// (what a charging profile sends the charger). Turns decide who holds which charger; power decides how the feed is
/// shared.
/// <para>
/// Candidate turns come from greedy plans (each baseline rule, with cars giving up their charger at a target share,
/// with and without choosing the night's holders before quiet hours), the previous plan when re-planning, and last,
/// with what is left of the budget, CP-SAT (below). Each candidate is shaped (<see cref="TurnShaping"/>: cars without
/// a turn take idle chargers, turns hold their charger while it is free), powered by a linear program in the objective
/// order (<see cref="TurnPower"/>), and trimmed to the periods in which its car draws. The best candidate in the order
/// is returned, or the best plain baseline (status Fallback) when none beats it.
/// </para>
/// <para>
/// CP-SAT's model: chargers of equal power form a class; no overlap per charger with the changeover gap is modelled,
/// without an interval per (request, charger), as a cumulative of capacity = the class's charger count over turns
/// lengthened by the changeover, and chargers are then assigned by greedy interval colouring. A charger a car is
/// plugged into, or that holds a fixed turn, is a class of its own. Each turn draws its car's constant power there
/// (cumulatives over the feed and each phase); no turn starts or ends strictly inside quiet hours, except at the
/// car's own arrival or departure. Objectives in stages: the least share, energy, then cost and moves.
/// </para>
/// </summary>
public sealed class InTurnCpSat : IChargingAlgorithm
{
    public string Name => "in-turn";

    /// <summary>
    /// On, CP-SAT's model lets a car draw within its turn (a draw interval inside the held one: it may wait at 0 kW
    /// after plugging in and stop drawing before it unplugs), the feed and phases counting the draw only, and energy
    /// first starts from the best candidate. Off (the default), a turn draws its car's power from plug-in to unplug: on
    /// the Chengshangcheng night the draw model, larger, found no better plans in the budget and took longer (the
    /// benchmark prints both).
    /// </summary>
    public bool DrawWithinTurn { get; init; }

    /// <summary>
    /// On, the greedy candidates include plans whose night holders are the ones the turn-aware bound's optimum holds the
    /// chargers with through the quiet hours (<see cref="TurnBound.NightOccupancy"/>). Off by default: on the
    /// Chengshangcheng night under load the linear program took seconds of the budget, and the plans it guided were no
    /// better (the benchmark prints both).
    /// </summary>
    public bool LpNightHolders { get; init; }

    /// <summary>
    /// On, CP-SAT's stage is the time-indexed model with power per period (<see cref="TimeIndexedModel"/>: who holds a
    /// charger of which class in each period, with up to <see cref="ChargingInstance.MaxTurnsPerRequest"/> turns per
    /// request inside the model), started from the best candidate so far, instead of the turn model. Off by default (the
    /// benchmark prints both); instances with cars plugged in, started turns or an imbalance limit use the turn model.
    /// </summary>
    public bool TimeIndexed { get; init; }

    /// <summary>
    /// When set, the time-indexed model stops at this deterministic time (CP-SAT's own units) instead of the wall clock:
    /// for tests whose answer must not depend on the machine's load. Null (the default) uses the budget.
    /// </summary>
    public double? DeterministicLimit { get; init; }

    /// <summary>
    /// On (the default since 2026-12-05), after CP-SAT the best plan so far is repaired by holder swaps and exchanges
    /// between two holders (<see cref="RepairPlan"/>) until the greedy candidates' end of the budget; a move is kept only
    /// when the plan it gives is better in the area's order, so the repair never makes a plan worse in it. Not when
    /// re-planning (told turns stay). Off, the benchmark's row without it.
    /// </summary>
    public bool Repair { get; init; } = true;

    /// <summary>
    /// With <see cref="Repair"/>, the most swaps weighed (each is shaped and powered by the linear program); null (the
    /// default) weighs them until the budget. Tests set it so that their answer never depends on the machine's speed.
    /// </summary>
    public int? RepairMoves { get; init; }

    /// <summary>
    /// The share of the budget kept for the repair (<see cref="Repair"/>) on a first plan: CP-SAT's share ends that much
    /// earlier (at most at 85 % of the budget, the greedy candidates' reserve of 10 % kept), so the repair is never left
    /// with only the tail CP-SAT did not use. Null (the default) for the order's own share (<see cref="DefaultRepairShare"/>);
    /// 0 as shipped until 2026-12-05 (the repair got what CP-SAT left).
    /// </summary>
    public double? RepairShare { get; init; }

    /// <summary>
    /// The repair's share of the budget for an order when <see cref="RepairShare"/> is not set: fully served first gains
    /// from the repair's moves and not from CP-SAT's turn model (on the Chengshangcheng night CP-SAT returned its hint, a
    /// constant-power seed well below the greedy candidates), so it gets 40 %; the share orders need CP-SAT for a least
    /// share and keep the tail. With <see cref="TimeIndexed"/> the default is 0 (that model starts from the best plan found).
    /// </summary>
    public static double DefaultRepairShare(ChargingObjectiveOrder order) => order == ChargingObjectiveOrder.FullyServedFirst ? 0.4 : 0;

    /// <summary>
    /// With <see cref="Repair"/>, when no holder swap or exchange improves a pass, a car still short and present takes a
    /// further turn (up to <see cref="ChargingInstance.MaxTurnsPerRequest"/>) where a charger idles or its holder is done
    /// (that holder's turn cut to what it needs; the move of the s11b-planners branch). Off by default: on the
    /// Chengshangcheng night under load, working out the moves slowed each pass of the repair, which then weighed fewer
    /// swaps and ended no closer to the bound (the benchmark prints both). <see cref="RepairPlan"/> always tries it.
    /// </summary>
    public bool MorningTurns { get; init; }

    /// <summary>
    /// On (the default since 2026-12-05, afternoon), every candidate's further turns after the last quiet hours count as
    /// room the feed left unused later in the morning, and cars that stay hold their charger to their departure while the
    /// turns are powered again, so the linear program can feed the cars that leave early first and the stayers last
    /// (<see cref="TurnShaping.AddTurns"/>, <see cref="TurnShaping.ExtendLast"/>). Off, as before.
    /// </summary>
    public bool MorningShift { get; init; } = true;

    /// <summary>
    /// On (the default since session 21), a share order's first plan also weighs the plans that deliver most energy with
    /// short turns carved for the drivers they leave below the least share found (<see cref="Charging.FloorTurns"/>).
    /// Off, as before (the benchmark prints both).
    /// </summary>
    public bool FloorTurns { get; init; } = true;

    /// <summary>The share of the budget kept for <see cref="FloorTurns"/> (CP-SAT's share ends that much earlier).</summary>
    private const double FloorTurnsShare = 0.4;

    /// <summary>How many of the plans delivering most energy <see cref="FloorTurns"/> starts from.</summary>
    private const int FloorStarts = 3;

    /// <summary>The most rounds of carving (each powered once with the floors) from one plan.</summary>
    private const int FloorRounds = 30;

    /// <summary>The most rounds of the repair in a solve (each from the best plan the last one left).</summary>
    private const int RepairRounds = 4;

    /// <summary>Called with each candidate's label and rank as it is weighed (the bench prints them); null for silence.</summary>
    public static Action<string>? Trace { get; set; }

    public ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var order = options.Order;
        var minimum = options.MinimumNeedKwh;
        var baselines = ChargingAlgorithms.Baselines.Select(b => b.Solve(instance, SolveOptions.Default, cancellationToken)).ToList();
        var baseline = baselines.OrderByDescending(p => Rank(instance, p, order, minimum), RankComparer.Instance).First();
        if (instance.Requests.Count == 0)
            return baseline with { Algorithm = Name, Status = PlanStatus.Optimal, SolveTime = clock.Elapsed };
        var fallback = baseline with { Algorithm = Name, Status = PlanStatus.Fallback, SolveTime = clock.Elapsed };
        if (options.TimeLimit - clock.Elapsed <= TimeSpan.FromMilliseconds(20) || cancellationToken.IsCancellationRequested)
            return fallback;

        // Turns from several greedy plans (the baselines' own first), each shaped and powered by the linear program.
        var flowBound = OfflineOptimum.UpperBoundKwh(instance);
        ChargingPlan? best = null;
        double[]? bestRank = null;
        var considered = new List<(ChargingPlan Plan, double[] Rank)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // The longest a candidate took to be powered so far: the repair leaves that much for powering its own plan.
        var longestPowering = TimeSpan.Zero;
        (ChargingPlan Plan, double[] Rank)? Consider(IReadOnlyList<ChargingTurn?> turns, string label, bool stable = false)
        {
            // The previous plan's turns stay as they were told (no lengthening, no trimming); only cars without one are fitted in.
            var shaped = TurnShaping.Shape(instance, turns, extend: !stable);
            if (!seen.Add(string.Join(';', shaped.Select(t => t is null ? "-" : $"{t.ChargerId},{t.StartPeriod},{t.EndPeriod}")))) return null;
            var powering = clock.Elapsed;
            var (kw, all) = PowerShaped(instance, turns, shaped, order, minimum, stable, MorningShift);
            if (clock.Elapsed - powering > longestPowering) longestPowering = clock.Elapsed - powering;
            return Weigh(kw, all, label);
        }
        (ChargingPlan Plan, double[] Rank) Weigh(double[][] kw, IReadOnlyList<IReadOnlyList<ChargingTurn>> all, string label)
        {
            var plan = new ChargingPlan(Name, PlanStatus.Feasible,
                [.. instance.Requests.Select((r, i) => SessionPlan.WithTurns(r.Id, kw[i], all[i]))], flowBound);
            var rank = Rank(instance, plan, order, minimum);
            Note(label, clock.Elapsed, null, $"rank {string.Join(" ", rank)}");
            considered.Add((plan, rank));
            if (bestRank is null || RankComparer.Instance.Compare(rank, bestRank) > 0) (best, bestRank) = (plan, rank);
            return (plan, rank);
        }

        // The least share found so far, kept as a floor under every driver, on the turns of the plans that deliver most
        // energy with short turns carved for the drivers they leave below it (see FloorTurns).
        void RaiseToFloors(TimeSpan end)
        {
            var least = bestRank![0];
            if (least <= 0) return;
            var floors = instance.Requests.Select(r => least * (order == ChargingObjectiveOrder.MinimumNeedFirst && minimum > 0 ? Math.Min(r.EnergyKwh, minimum) : r.EnergyKwh)).ToArray();
            var energyAt = order == ChargingObjectiveOrder.MinimumNeedFirst ? 2 : 1;
            var starts = considered.OrderByDescending(c => c.Rank[energyAt]).Take(FloorStarts).ToList();
            Note("floor turns", clock.Elapsed, end - clock.Elapsed, $"least share {least} from {starts.Count} plans");
            foreach (var (from, k) in starts.Select((c, k) => (c.Plan, k)))
            {
                if (end - clock.Elapsed < 2 * longestPowering || cancellationToken.IsCancellationRequested) break;
                var stop = end - longestPowering;
                var raised = Charging.FloorTurns.Raise(instance, [.. from.Sessions.Select(x => x.Turns)], floors, FloorRounds,
                    () => clock.Elapsed < stop && !cancellationToken.IsCancellationRequested);
                var kw = TurnPower.Allocate(instance, raised, order, minimum);
                Weigh(kw, [.. raised.Select((list, i) => (IReadOnlyList<ChargingTurn>)[.. list.Select(t => TrimToDraw(instance, instance.Requests[i], t, kw[i])).OfType<ChargingTurn>()])], $"floor turns from plan {k}");
            }
        }

        // Re-planning: drivers already told their turn keep it when nothing real changed (the same requests, every
        // told turn still inside its car's window on a charger that is still there), even if a new search might find a
        // slightly better plan: a better search is not a reason to move a driver. A previous plan that was only the
        // fallback (made without time to search) is improved on. The search runs only when something changed.
        var previous = options.Previous is { } p && p.Sessions.Any(s => s.Turn is not null) ? p : null;
        if (previous is not null)
        {
            var previousTurns = PreviousTurns(instance, previous);
            var kept = Consider(previousTurns, "previous", stable: true);
            var sameRequests = previous.Sessions.Select(s => s.RequestId).ToHashSet(StringComparer.Ordinal)
                .SetEquals(instance.Requests.Select(r => r.Id));
            var allFit = previous.Sessions.Count(s => s.Turn is not null) == previousTurns.Count(t => t is not null);
            if (kept is { } k && sameRequests && allFit && previous.Status != PlanStatus.Fallback)
                return k.Plan with { SolveTime = clock.Elapsed };
        }
        // The budget is split up front, and no step starts that would not end inside it: the constant-power seeds (the
        // plan CP-SAT starts from, weighed as a candidate too, so that what a least share reaches never depends on
        // CP-SAT finding a solution in its time), the greedy candidates until their share of the budget, CP-SAT until
        // its own (each of its stages given only what is left), the greedy candidates not yet weighed if CP-SAT ended
        // early, and a reserve for what follows (powering CP-SAT's turns, putting told turns back).
        var limit = options.TimeLimit;
        var reserve = limit * (previous is null ? 0.1 : 0.2);
        var shareFirst = order != ChargingObjectiveOrder.FullyServedFirst;
        var repairShare = Math.Clamp(RepairShare ?? (TimeIndexed ? 0 : DefaultRepairShare(order)), 0, 0.9);
        // A share order's first plan keeps a share of the budget for the floor turns (CP-SAT then only finds the least share).
        var floors = FloorTurns && shareFirst && previous is null && !TimeIndexed;
        repairShare = Math.Min(0.9, repairShare + (floors ? FloorTurnsShare : 0));
        // The seeds stop at 30 % of the budget for a least share (they are its best candidates; the greedy ones come
        // after CP-SAT then), a fifth for fully served first (a three-phase feed makes each greedy plan slower); the
        // first is the most likely best in the order.
        // Without time for CP-SAT (fully served first leaves it to the repair) only the first seed is weighed.
        var cpSatFits = previous is not null || limit * (Math.Min(0.85, 0.9 - repairShare) - (shareFirst ? 0.3 : 0.45)) >= MinimumCpSat(limit);
        var seedPlan = previous ?? SeedCandidates(shareFirst).TakeWhile((_, k) => k == 0 || clock.Elapsed < limit * (shareFirst ? 0.3 : cpSatFits ? 0.2 : 0))
            .Select(b => b.Solve(instance, SolveOptions.Default, cancellationToken))
            .OrderByDescending(p => Rank(instance, p, order, minimum), RankComparer.Instance).First();
        if (limit - reserve - clock.Elapsed > TimeSpan.Zero && previous is null)
            Consider(seedPlan.Sessions.Select(s => s.Turn).ToArray(), "seed");
        // The turn-aware bound's optimum says who holds the chargers through the quiet hours: the greedy rules with
        // those night holders come first.
        var night = instance.QuietPeriods is { Count: > 0 } && LpNightHolders ? TurnBound.NightOccupancy(instance, limit * 0.2) : null;
        using var candidates = (night is null ? [] : NightGuided(night)).Concat(TurnCandidates()).GetEnumerator();
        void Greedy(TimeSpan until)
        {
            while (clock.Elapsed < until && !cancellationToken.IsCancellationRequested && candidates.MoveNext())
            {
                var candidate = candidates.Current;
                Consider(candidate.Solve(instance, SolveOptions.Default, cancellationToken).Sessions.Select(s => s.Turn).ToArray(), $"{candidate.Name} night {candidate.NightSelection} lead {candidate.NightLead} share {candidate.TargetShare}");
            }
        }
        // A least share is CP-SAT's to find (the greedy rules rarely give everyone a turn): it gets the larger share.
        Greedy(limit * Math.Min(shareFirst ? 0.3 : 0.45, previous is null ? 0.9 - repairShare : 1));

        // CP-SAT's turns (constant power per turn, least share then energy), until its end of the budget.
        var cpEnd = limit * (previous is null ? Math.Min(0.85, 0.9 - repairShare) : 0.7);
        if (!cpSatFits)
            Note("cp-sat skipped", clock.Elapsed, null, $"repair share {repairShare:0.00}");
        else if (TimeIndexed && TimeIndexedModel.Supports(instance) && best is not null)
        {
            // The time-indexed model with power per period, started from the best plan so far (k turns inside the model).
            if (cpEnd - clock.Elapsed >= MinimumCpSat(limit) && !cancellationToken.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                Note("time-indexed cp-sat", started, cpEnd - started, "");
                var solved = TimeIndexedModel.Solve(instance, best, order, minimum, cpEnd - started, options.Workers, DeterministicLimit,
                    detail => Note("time-indexed", clock.Elapsed, null, detail), cancellationToken);
                if (solved is not null && clock.Elapsed < limit - reserve * 0.5)
                {
                    var kw = TurnPower.Allocate(instance, solved.Turns, order, minimum);
                    Weigh(kw, [.. solved.Turns.Select((list, i) => (IReadOnlyList<ChargingTurn>)[.. list.Select(t => TrimToDraw(instance, instance.Requests[i], t, kw[i])).OfType<ChargingTurn>()])], "time-indexed");
                }
            }
        }
        else if (cpEnd - clock.Elapsed >= MinimumCpSat(limit) && !cancellationToken.IsCancellationRequested)
        {
            // Energy first: the best candidate so far (its cars' energy drawn at full power from plug-in) is a better
            // start than the constant-power seeds; for a least share the seeds, which the model takes as they are, do better.
            var hint = previous ?? (DrawWithinTurn && order == ChargingObjectiveOrder.FullyServedFirst ? best : null) ?? seedPlan;
            Note("hint", clock.Elapsed, null, $"rank {string.Join(" ", Rank(instance, hint, order, minimum))}");
            var building = clock.Elapsed;
            var model = new TurnModel(instance, DrawWithinTurn, order, minimum, Note);
            var built = clock.Elapsed - building;
            Note("model built", clock.Elapsed, null, "");
            // CP-SAT's stages get what is left of its share, or none when too little is. Loading and presolving the model
            // does not watch the time limit and takes about as long as building it did (seconds for a large re-plan
            // under load): a stage is started only when that fits too.
            var solved = cpEnd - clock.Elapsed >= MinimumCpSat(limit) + (2 * built)
                ? model.Solve(hint, clock, cpEnd - (2 * built), options.Workers, cancellationToken, shareOnly: floors) : null;
            if (solved is not null && clock.Elapsed < limit - reserve * 0.5) Consider(solved.Sessions.Select(s => s.Turn).ToArray(), "cp-sat");
        }
        var until = limit - reserve;
        if (floors && best is not null && !cancellationToken.IsCancellationRequested)
            RaiseToFloors(until);
        if (Repair && previous is null && best is not null && until - longestPowering - clock.Elapsed >= TurnModel.MinimumStage)
        {
            // Holder swaps and exchanges on the best plan so far, until the greedy candidates' end of the budget (or
            // RepairMoves), leaving time to power the result once; again from the best plan after that while a round
            // improves it (powering moves the draws, so the moves weighed in place change).
            var weighed = 0;
            Note("repair", clock.Elapsed, until - clock.Elapsed, "");
            for (var round = 0; round < RepairRounds && until - longestPowering - clock.Elapsed >= TurnModel.MinimumStage; round++)
            {
                var swapsUntil = until - longestPowering;
                var before = bestRank!;
                var swapped = SwapHolders(instance, best!, order, minimum, MorningTurns,
                    () => clock.Elapsed < swapsUntil && !cancellationToken.IsCancellationRequested && (RepairMoves is not { } cap || weighed < cap) && ++weighed > 0);
                if (swapped is null) break;
                Weigh([.. swapped.Sessions.Select(x => x.PowerKw.ToArray())], [.. swapped.Sessions.Select(x => x.Turns)], $"repair round {round}: holder swaps");
                if (clock.Elapsed < until) Consider(swapped.Sessions.Select(x => x.Turn).ToArray(), $"repair round {round}: holder swaps, powered");
                if (RankComparer.Instance.Compare(bestRank!, before) <= 0) break;
            }
            Note("repair done", clock.Elapsed, null, $"weighed {weighed} rank {string.Join(" ", bestRank!)}");
        }
        Greedy(limit - reserve);
        if (best is null || RankComparer.Instance.Compare(Rank(instance, fallback, order, minimum), bestRank!) > 0)
            return fallback with { SolveTime = clock.Elapsed };

        if (previous is not null)
        {
            // Something changed: the best plan with told turns put back where their charger is still free for them,
            // then, among the plans not materially worse than the best (a least share within half a point, no driver
            // fewer fully served, energy within <see cref="MoveEnergyTolerance"/>), the one that moves the fewest told turns.
            if (clock.Elapsed < limit)
                Consider(Revert(instance, best.Sessions.Select(s => s.Turn).ToArray(), PreviousTurns(instance, previous)), "best, told turns put back", stable: true);
            var top = bestRank!;
            (best, bestRank) = considered
                .Where(c => !Materially(top, c.Rank, order))
                .OrderBy(c => MovedTold(instance, previous, c.Plan))
                .ThenByDescending(c => c.Rank, RankComparer.Instance)
                .First();
        }
        return best with { SolveTime = clock.Elapsed };
    }

    /// <summary>
    /// A step of a solve as it starts: its name, when it started (from the start of the solve) and, for a CP-SAT stage, the
    /// time limit it was given. Each CP-SAT stage is given at most what is left of CP-SAT's share of the budget, so
    /// <c>Started + Limit</c> never passes <see cref="SolveOptions.TimeLimit"/>.
    /// </summary>
    public sealed record Step(string Name, TimeSpan Started, TimeSpan? Limit, string Detail);

    /// <summary>Called with each step of a solve (tests check the stages' limits against the budget); null for silence.</summary>
    public Action<Step>? Observer { get; init; }

    /// <summary>The least time worth giving CP-SAT (loading a 300-request model alone takes a few hundred ms).</summary>
    private static TimeSpan MinimumCpSat(TimeSpan limit) => TimeSpan.FromMilliseconds(Math.Max(300, limit.TotalMilliseconds * 0.1));

    private void Note(string name, TimeSpan started, TimeSpan? limit, string detail)
    {
        Observer?.Invoke(new Step(name, started, limit, detail));
        Trace?.Invoke($"{name} {started.TotalSeconds:0.00}s{(limit is { } l ? $" limit {l.TotalSeconds:0.00}s" : "")} {detail}");
    }

    /// <summary>
    /// Shaped turns powered by the linear program in the order: trimmed to the periods their cars draw in (told turns,
    /// when <paramref name="stable"/>, kept as they are), then cars still short given a further turn where a charger idles
    /// and the feed has room, and everything powered again. Returns each request's power per period and its turns.
    /// </summary>
    private static (double[][] Kw, IReadOnlyList<ChargingTurn>[] All) PowerShaped(
        ChargingInstance instance, IReadOnlyList<ChargingTurn?> turns, ChargingTurn?[] shaped, ChargingObjectiveOrder order, double minimum, bool stable,
        bool shiftMorning = false)
    {
        var kw = TurnPower.Allocate(instance, shaped, order, minimum);
        shaped = Trim(instance, shaped, kw, stable ? turns : null);
        // Cars still short come back for a further turn where a charger idles and the feed has room.
        var all = TurnShaping.AddTurns(instance, shaped, kw, shiftMorning);
        if (shiftMorning && all.Any(list => list.Count > 1))
        {
            // The cars that stay hold their charger to the end again, so that the program can leave the early
            // periods' feed to the further turns of cars that leave and feed the stayers late; then every turn but a
            // told one is trimmed to what its car draws.
            bool Told(int i) => stable && turns[i] is not null;
            var extended = TurnShaping.ExtendLast(instance, all, Told);
            kw = TurnPower.Allocate(instance, extended, order, minimum);
            all = [.. extended.Select((list, i) => (IReadOnlyList<ChargingTurn>)[.. list.Select(t => Told(i) && t == shaped[i] ? t : TrimToDraw(instance, instance.Requests[i], t, kw[i])).OfType<ChargingTurn>()])];
        }
        else if (all.Any(list => list.Count > 1))
        {
            kw = TurnPower.Allocate(instance, all, order, minimum);
            all = [.. all.Select((list, i) => list.Count <= 1 ? list
                : (IReadOnlyList<ChargingTurn>)[.. list.Select(t => t == shaped[i] ? t : TrimToDraw(instance, instance.Requests[i], t, kw[i])).OfType<ChargingTurn>()])];
        }
        return (kw, all);
    }

    /// <summary>
    /// Repairs <paramref name="plan"/> (turns on chargers, as in-turn plans them) by holder swaps: a car without a turn
    /// takes the turn of a car holding a charger where it is present for the whole turn and the turn's start and end are
    /// boundaries it may use. A swap is weighed in place: the waiting car draws, in each period of the turn, what the
    /// holder drew there plus the feed's spare power (only what the holder drew on a feed with phase limits: same
    /// charger, same phases), within its car's and charger's power and its need; everyone else keeps their power. It is
    /// kept only when the plan is better in <see cref="SolveOptions.Order"/>. The swapped plan is then shaped and powered
    /// by the linear program as in-turn's candidates are (cars that gave up their turn fitted in where a charger idles),
    /// and the better of the two returned. Deterministic: at most <paramref name="maxMoves"/> swaps weighed, in a fixed
    /// order; never worse in the order than <paramref name="plan"/> (returned as it is when nothing beats it).
    /// </summary>
    public static ChargingPlan RepairPlan(ChargingInstance instance, ChargingPlan plan, SolveOptions options, int maxMoves)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMoves);
        var (order, minimum) = (options.Order, options.MinimumNeedKwh);
        var best = plan;
        var bestRank = Rank(instance, plan, order, minimum);
        var weighed = 0;
        var swapped = SwapHolders(instance, plan, order, minimum, furtherTurns: true, () => weighed++ < maxMoves);
        if (swapped is null) return plan;
        foreach (var candidate in new[] { swapped, Polish(instance, swapped, order, minimum, plan.Algorithm) })
        {
            var rank = Rank(instance, candidate, order, minimum);
            if (RankComparer.Instance.Compare(rank, bestRank) > 0) (best, bestRank) = (candidate, rank);
        }
        return best;
    }

    /// <summary>
    /// Turns (one per request, null for none) shaped and powered by the linear program in the options' order, as each of
    /// in-turn's candidates is: cars without a turn fitted in where a charger idles, turns held while their charger is
    /// free, trimmed to what their cars draw, further turns for cars still short (and, with <paramref name="morningShift"/>,
    /// for cars that stay into the morning, see <see cref="MorningShift"/>), and everything powered again.
    /// </summary>
    public static ChargingPlan ShapeAndPower(ChargingInstance instance, IReadOnlyList<ChargingTurn?> turns, SolveOptions options, bool morningShift = true)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(turns);
        ArgumentNullException.ThrowIfNull(options);
        if (turns.Count != instance.Requests.Count) throw new ArgumentException("One turn (or null) per request is needed.", nameof(turns));
        var (kw, all) = PowerShaped(instance, turns, TurnShaping.Shape(instance, turns), options.Order, options.MinimumNeedKwh, stable: false, morningShift);
        return new ChargingPlan("in-turn", PlanStatus.Feasible,
            [.. instance.Requests.Select((r, i) => SessionPlan.WithTurns(r.Id, kw[i], all[i]))], OfflineOptimum.UpperBoundKwh(instance));
    }

    /// <summary>The plan's first turns shaped and powered by the linear program, as in-turn's candidates are.</summary>
    private static ChargingPlan Polish(ChargingInstance instance, ChargingPlan plan, ChargingObjectiveOrder order, double minimum, string algorithm)
    {
        var turns = instance.Requests.Select(r => plan.Session(r.Id)?.Turn).ToArray();
        var (kw, all) = PowerShaped(instance, turns, TurnShaping.Shape(instance, turns), order, minimum, stable: false);
        return new ChargingPlan(algorithm, PlanStatus.Feasible,
            [.. instance.Requests.Select((r, i) => SessionPlan.WithTurns(r.Id, kw[i], all[i]))], plan.BoundKwh);
    }

    /// <summary>
    /// The holder-swap search (see <see cref="RepairPlan"/>), each swap weighed in place; after an improvement the swaps
    /// are listed again. Ends when no swap improves or <paramref name="more"/> says stop. Null when no swap improved.
    /// </summary>
    private static ChargingPlan? SwapHolders(ChargingInstance instance, ChargingPlan start, ChargingObjectiveOrder order, double minimum, bool furtherTurns, Func<bool> more)
    {
        var fixedIds = (instance.FixedTurns ?? []).Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        var requests = instance.Requests;
        var hours = instance.PeriodHours;
        var periods = instance.Periods;
        var kw = requests.Select(r => start.Session(r.Id) is { } s ? Enumerable.Range(0, periods).Select(t => t < s.PowerKw.Count ? s.PowerKw[t] : 0).ToArray() : new double[periods]).ToArray();
        var turns = requests.Select(r => start.Session(r.Id)?.Turns ?? []).ToArray();
        var load = Enumerable.Range(0, periods).Select(t => kw.Sum(k => k[t])).ToArray();
        ChargingPlan Build() => new(start.Algorithm, PlanStatus.Feasible,
            [.. requests.Select((r, i) => SessionPlan.WithTurns(r.Id, kw[i].ToArray(), turns[i]))], start.BoundKwh);
        // Whether request r may hold turn: present for all of it, its start and end boundaries it may use (inside quiet
        // hours only its own arrival or departure), and a plugged car only on its own charger.
        bool MayTake(ChargingRequest r, ChargingTurn turn) =>
            r.ArrivalPeriod <= turn.StartPeriod && r.DeparturePeriod >= turn.EndPeriod
            && (r.PluggedChargerId is not { } plugged || plugged == turn.ChargerId)
            && (turn.StartPeriod == r.ArrivalPeriod || !instance.IsQuietBoundary(turn.StartPeriod))
            && (turn.EndPeriod == r.DeparturePeriod || !instance.IsQuietBoundary(turn.EndPeriod));
        // What r draws in turn: in each period what the old holder drew plus the feed's spare power over baseLoad (only
        // what the old holder drew on a feed with phase limits), within its car's and charger's power and its need. With
        // an imbalance limit a phase's load may not fall either: null unless r draws exactly what the old holder drew.
        double[]? GiveExactly(ChargingRequest r, ChargingTurn turn, double[] oldDraw, double[] baseLoad)
        {
            var give = Give(r, turn, oldDraw, baseLoad);
            return instance.PhaseImbalanceKw is null || Enumerable.Range(0, periods).All(t => Math.Abs(give[t] - oldDraw[t]) <= 1e-9) ? give : null;
        }
        double[] Give(ChargingRequest r, ChargingTurn turn, double[] oldDraw, double[] baseLoad)
        {
            var charger = instance.Charger(turn.ChargerId)!;
            var give = new double[periods];
            var left = r.EnergyKwh;
            for (var t = turn.StartPeriod; t < turn.EndPeriod && left > 1e-9; t++)
            {
                var room = instance.HasPhaseLimits ? oldDraw[t] : Math.Max(0, instance.CapacityKw(t) - 1e-6 - baseLoad[t]);
                give[t] = Math.Max(0, Math.Min(Math.Min(instance.PowerLimitKw(r, t), charger.MaxKw * r.PresentShare(t)), Math.Min(room, left / hours)));
                left -= give[t] * hours;
            }
            return give;
        }
        double Share(int i, double kwh)
        {
            var need = order == ChargingObjectiveOrder.MinimumNeedFirst ? Math.Min(requests[i].EnergyKwh, minimum) : requests[i].EnergyKwh;
            return need <= 0 ? 1 : Math.Min(1, kwh / need);
        }
        var bestRank = Rank(instance, start, order, minimum);
        var improvedOnce = false;
        var pass = 0;
        while (true)
        {
            var got = kw.Select(k => k.Sum() * hours).ToArray();
            var full = requests.Select((r, i) => r.EnergyKwh <= 0 || got[i] >= ChargingMetrics.FullShare * r.EnergyKwh).ToArray();
            var swaps = new List<(int A, int B, double[] Give, bool Full, double Gain)>();
            for (var a = 0; a < requests.Count; a++)
            {
                if (turns[a].Count != 1 || fixedIds.Contains(requests[a].Id)) continue;
                var turn = turns[a][0];
                if (instance.Charger(turn.ChargerId) is not { } charger) continue;
                for (var b = 0; b < requests.Count; b++)
                {
                    var r = requests[b];
                    if (turns[b].Count != 0 || r.EnergyKwh <= 0 || fixedIds.Contains(r.Id)) continue;
                    if (!MayTake(r, turn)) continue;
                    var baseLoad = new double[periods];
                    for (var t = 0; t < periods; t++) baseLoad[t] = load[t] - kw[a][t];
                    if (GiveExactly(r, turn, kw[a], baseLoad) is not { } give) continue;
                    var gotB = give.Sum() * hours;
                    var bFull = gotB >= ChargingMetrics.FullShare * r.EnergyKwh;
                    var fullGain = (bFull ? 1 : 0) - (full[a] ? 1 : 0);
                    var gain = gotB - got[a];
                    // Worth weighing: one more driver served in full, or more energy for as many.
                    if (fullGain > 0 || (fullGain == 0 && gain > 1e-3)) swaps.Add((a, b, give, fullGain > 0, gain));
                }
            }
            // Exchanges between two holders: each takes the other's single turn, where it is present for it and may use
            // its start and end. Weighed in place like a swap: a draws on b's charger what b drew there plus the feed's
            // spare power (only what b drew on a feed with phase limits), then b on a's charger likewise, with a's new
            // draw counted in the feed.
            var holders = Enumerable.Range(0, requests.Count)
                .Where(a => turns[a].Count == 1 && requests[a].EnergyKwh > 0 && !fixedIds.Contains(requests[a].Id) && instance.Charger(turns[a][0].ChargerId) is not null)
                .ToList();
            var exchanges = new List<(int A, int B, double[] GiveA, double[] GiveB, bool Full, double Gain)>();
            foreach (var a in holders)
                foreach (var b in holders)
                {
                    if (b <= a || turns[a][0].ChargerId == turns[b][0].ChargerId) continue;
                    if (!MayTake(requests[a], turns[b][0]) || !MayTake(requests[b], turns[a][0])) continue;
                    var baseLoad = new double[periods];
                    for (var t = 0; t < periods; t++) baseLoad[t] = load[t] - kw[a][t] - kw[b][t];
                    if (GiveExactly(requests[a], turns[b][0], kw[b], baseLoad) is not { } giveA) continue;
                    for (var t = 0; t < periods; t++) baseLoad[t] += giveA[t];
                    if (GiveExactly(requests[b], turns[a][0], kw[a], baseLoad) is not { } giveB) continue;
                    var (gotA, gotB) = (giveA.Sum() * hours, giveB.Sum() * hours);
                    var fullGain = (gotA >= ChargingMetrics.FullShare * requests[a].EnergyKwh ? 1 : 0) + (gotB >= ChargingMetrics.FullShare * requests[b].EnergyKwh ? 1 : 0)
                        - (full[a] ? 1 : 0) - (full[b] ? 1 : 0);
                    var gain = gotA + gotB - got[a] - got[b];
                    var least = Math.Min(Share(a, gotA), Share(b, gotB)) - Math.Min(Share(a, got[a]), Share(b, got[b]));
                    if (fullGain > 0 || (fullGain == 0 && (gain > 1e-3 || least > 1e-6)))
                        exchanges.Add((a, b, giveA, giveB, fullGain > 0, gain));
                }
            var moves = swaps.Select(s => (s.A, s.B, GiveA: (double[]?)null, GiveB: s.Give, s.Full, s.Gain))
                .Concat(exchanges.Select(e => (e.A, e.B, GiveA: (double[]?)e.GiveA, e.GiveB, e.Full, e.Gain)));
            // Each kind of move: true when one improved the plan (and was kept), false when none did, null when told to stop.
            bool? TrySwaps()
            {
                foreach (var (a, b, giveA, give, _, _) in moves
                             .OrderByDescending(s => order == ChargingObjectiveOrder.FullyServedFirst && s.Full)
                             .ThenByDescending(s => s.Gain).ThenBy(s => s.GiveA is null ? 0 : 1).ThenBy(s => s.A).ThenBy(s => s.B))
                {
                    if (!more()) return null;
                    var (oldA, oldB) = (kw[a], kw[b]);
                    var (turnA, turnB) = (turns[a], turns[b]);
                    kw[a] = giveA ?? new double[periods];
                    kw[b] = give;
                    turns[b] = turnA;
                    turns[a] = giveA is null ? [] : turnB;
                    var rank = Rank(instance, Build(), order, minimum);
                    if (RankComparer.Instance.Compare(rank, bestRank) > 0)
                    {
                        for (var t = 0; t < periods; t++) load[t] += give[t] + (giveA?[t] ?? 0) - oldA[t] - oldB[t];
                        bestRank = rank;
                        return improvedOnce = true;
                    }
                    (kw[a], kw[b], turns[a], turns[b]) = (oldA, oldB, turnA, turnB);
                }
                return false;
            }
            // More turns: a car still present and short of its energy (below the instance's turns per request) takes a
            // further turn where a charger idles, after its earlier holder's turn has ended (or, the holder being done,
            // from the first boundary it may end at after its last draw), the changeover kept on both sides.
            bool? TryFurther()
            {
                if (!furtherTurns) return false;
                foreach (var (b, turn, give, cut, _, _) in MoreTurns(instance, kw, turns, load, got, full, fixedIds)
                             .OrderByDescending(m => order == ChargingObjectiveOrder.FullyServedFirst && m.Full)
                             .ThenByDescending(m => m.Gain).ThenBy(m => m.B).ThenBy(m => m.Turn.ChargerId).ThenBy(m => m.Turn.StartPeriod))
                {
                    if (!more()) return null;
                    var oldB = kw[b];
                    var oldTurns = turns.ToArray();
                    kw[b] = [.. oldB.Zip(give, (x, y) => x + y)];
                    turns[b] = [.. turns[b].Append(turn).OrderBy(x => x.StartPeriod)];
                    foreach (var (holder, from, to) in cut)
                        turns[holder] = [.. turns[holder].Select(x => x == from ? to : x)];
                    var rank = Rank(instance, Build(), order, minimum);
                    if (RankComparer.Instance.Compare(rank, bestRank) > 0)
                    {
                        for (var t = 0; t < periods; t++) load[t] += give[t];
                        bestRank = rank;
                        return improvedOnce = true;
                    }
                    kw[b] = oldB;
                    Array.Copy(oldTurns, turns, turns.Length);
                }
                return false;
            }
            // The kinds take turns going first, so that on a busy machine, where a pass may not reach its end, further
            // turns are weighed too and not only once no swap improves.
            var furtherFirst = furtherTurns && pass++ % 2 == 1;
            var improved = furtherFirst ? TryFurther() : TrySwaps();
            if (improved == false) improved = furtherFirst ? TrySwaps() : TryFurther();
            if (improved is null) return improvedOnce ? Build() : null;
            if (improved == false) return improvedOnce ? Build() : null;
        }
    }

    /// <summary>
    /// The further-turn moves of the repair, weighed in place: for each car present and short of its energy with fewer
    /// than <see cref="ChargingInstance.MaxTurnsPerRequest"/> turns (not fixed; a plugged car only on its own charger),
    /// the best turn on each charger where it idles: outside every other turn there by the changeover (a holder done
    /// before its turn ends counted only up to the first boundary it may end at after its last draw: that turn is cut
    /// there), inside the car's stay and away from its own turns by the changeover, starting and ending at boundaries it
    /// may use. The car draws, in each period, what its car and charger allow within the feed's spare power and, on a
    /// feed with per-phase limits, each phase's spare power (none under an imbalance limit, where a phase's load may not
    /// rise alone), up to its need. Returns the car, the turn, its draw, the holders' turns to cut, whether it is then
    /// served in full and the energy it gains.
    /// </summary>
    private static List<(int B, ChargingTurn Turn, double[] Give, List<(int Holder, ChargingTurn From, ChargingTurn To)> Cut, bool Full, double Gain)> MoreTurns(
        ChargingInstance instance, double[][] kw, IReadOnlyList<ChargingTurn>[] turns, double[] load, double[] got, bool[] full, HashSet<string> fixedIds)
    {
        var moves = new List<(int, ChargingTurn, double[], List<(int, ChargingTurn, ChargingTurn)>, bool, double)>();
        if (instance.PhaseImbalanceKw is not null) return moves;
        var requests = instance.Requests;
        var periods = instance.Periods;
        var hours = instance.PeriodHours;
        var changeover = instance.ChangeoverPeriods;
        bool EndOk(ChargingRequest r, int b) => b == r.DeparturePeriod || !instance.IsQuietBoundary(b);
        bool StartOk(ChargingRequest r, int b) => b == r.ArrivalPeriod || !instance.IsQuietBoundary(b);
        // Each turn on each charger as it stands and as far as its holder needs it.
        var held = instance.Chargers.ToDictionary(c => c.Id, _ => new List<(int Holder, ChargingTurn Turn, int NeededEnd)>(), StringComparer.Ordinal);
        for (var i = 0; i < requests.Count; i++)
            foreach (var turn in turns[i])
            {
                if (!held.TryGetValue(turn.ChargerId, out var on)) continue;
                var last = turn.StartPeriod;
                for (var t = turn.StartPeriod; t < turn.EndPeriod; t++) if (kw[i][t] > 1e-9) last = t + 1;
                var needed = Math.Max(turn.StartPeriod + 1, last);
                while (needed < turn.EndPeriod && !EndOk(requests[i], needed)) needed++;
                if (fixedIds.Contains(requests[i].Id)) needed = turn.EndPeriod;
                on.Add((i, turn, needed));
            }
        foreach (var f in instance.FixedTurns ?? [])
            if (held.TryGetValue(f.ChargerId, out var on) && !on.Any(h => h.Turn.StartPeriod == f.StartPeriod && h.Turn.ChargerId == f.ChargerId && h.Turn.EndPeriod == f.EndPeriod))
                on.Add((-1, new ChargingTurn(f.ChargerId, f.StartPeriod, f.EndPeriod), f.EndPeriod));
        // Each phase's load, from the charger each car holds in each period.
        var phaseLoad = new double[3, periods];
        if (instance.PhaseLimitKw is not null)
            for (var i = 0; i < requests.Count; i++)
                for (var t = 0; t < periods; t++)
                {
                    if (kw[i][t] <= 0) continue;
                    var at = turns[i].FirstOrDefault(x => x.StartPeriod <= t && t < x.EndPeriod) ?? (turns[i].Count > 0 ? turns[i][0] : null);
                    if (instance.Charger(at?.ChargerId ?? requests[i].PluggedChargerId) is not { } c) continue;
                    for (var p = 0; p < 3; p++) phaseLoad[p, t] += c.PhaseShare(p) * kw[i][t];
                }
        for (var b = 0; b < requests.Count; b++)
        {
            var r = requests[b];
            if (r.EnergyKwh <= 0 || full[b] || fixedIds.Contains(r.Id) || turns[b].Count >= instance.MaxTurnsPerRequest) continue;
            var need = r.EnergyKwh - got[b];
            if (need <= 1e-3) continue;
            var free = new bool[periods];
            for (var t = Math.Max(0, r.ArrivalPeriod); t < Math.Min(periods, r.DeparturePeriod); t++) free[t] = true;
            foreach (var own in turns[b])
                for (var t = Math.Max(0, own.StartPeriod - changeover); t < Math.Min(periods, own.EndPeriod + changeover); t++) free[t] = false;
            foreach (var charger in instance.Chargers)
            {
                if (r.PluggedChargerId is { } plugged && plugged != charger.Id) continue;
                var idle = (bool[])free.Clone();
                foreach (var h in held[charger.Id])
                    for (var t = Math.Max(0, h.Turn.StartPeriod - changeover); t < Math.Min(periods, h.NeededEnd + changeover); t++) idle[t] = false;
                (ChargingTurn Turn, double[] Give, double Got)? best = null;
                for (var t = 0; t < periods;)
                {
                    if (!idle[t]) { t++; continue; }
                    var end = t;
                    while (end < periods && idle[end]) end++;
                    var (from, to) = (t, end);
                    t = end;
                    while (from < to && !StartOk(r, from)) from++;
                    while (to > from && !EndOk(r, to)) to--;
                    if (to <= from) continue;
                    var give = new double[periods];
                    var left = need;
                    for (var u = from; u < to && left > 1e-9; u++)
                    {
                        var room = Math.Max(0, instance.CapacityKw(u) - 1e-6 - load[u]);
                        if (instance.PhaseLimitKw is { } limit)
                            for (var p = 0; p < 3; p++)
                                if (charger.PhaseShare(p) > 0) room = Math.Min(room, Math.Max(0, (limit - 1e-6 - phaseLoad[p, u]) / charger.PhaseShare(p)));
                        give[u] = Math.Max(0, Math.Min(Math.Min(instance.PowerLimitKw(r, u), charger.MaxKw * r.PresentShare(u)), Math.Min(room, left / hours)));
                        left -= give[u] * hours;
                    }
                    var gained = need - left;
                    if (gained < 1e-3 || (best is { } kept && kept.Got >= gained)) continue;
                    // Held only as long as it draws (to the first boundary it may end at), so others keep the rest.
                    var last = from;
                    for (var u = from; u < to; u++) if (give[u] > 1e-9) last = u + 1;
                    var until = Math.Max(from + 1, last);
                    while (until < to && !EndOk(r, until)) until++;
                    best = (new ChargingTurn(charger.Id, from, until), give, gained);
                }
                if (best is not { } chosen) continue;
                // Holders whose turns the new one needs cut to what they need.
                var cut = new List<(int, ChargingTurn, ChargingTurn)>();
                foreach (var h in held[charger.Id])
                    if (h.Holder >= 0 && h.NeededEnd < h.Turn.EndPeriod
                        && chosen.Turn.StartPeriod < h.Turn.EndPeriod + changeover && h.Turn.StartPeriod < chosen.Turn.EndPeriod + changeover)
                        cut.Add((h.Holder, h.Turn, h.Turn with { EndPeriod = h.NeededEnd }));
                var isFull = got[b] + chosen.Got >= ChargingMetrics.FullShare * r.EnergyKwh;
                moves.Add((b, chosen.Turn, chosen.Give, cut, isFull, chosen.Got));
            }
        }
        return moves;
    }

    /// <summary>
    /// Told turns of the previous plan (not fixed: not started yet) that <paramref name="plan"/> changes (another charger,
    /// start or end, or none) or drops, for requests still in the instance.
    /// </summary>
    private static int MovedTold(ChargingInstance instance, ChargingPlan previous, ChargingPlan plan)
    {
        var fixedIds = (instance.FixedTurns ?? []).Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        return previous.Sessions.Count(s => s.Turn is { } turn && !fixedIds.Contains(s.RequestId)
            && plan.Session(s.RequestId) is { } now && now.Turn != turn);
    }

    /// <summary>
    /// <paramref name="turns"/> with each told turn of <paramref name="told"/> put back where its charger is free for it
    /// (the changeover kept on both sides), earliest told turn first; the turn it replaces goes.
    /// </summary>
    private static ChargingTurn?[] Revert(ChargingInstance instance, ChargingTurn?[] turns, ChargingTurn?[] told)
    {
        var result = turns.ToArray();
        var changeover = instance.ChangeoverPeriods;
        foreach (var i in Enumerable.Range(0, result.Length).Where(i => told[i] is not null && told[i] != result[i])
                     .OrderBy(i => told[i]!.StartPeriod).ToList())
        {
            var want = told[i]!;
            var free = Enumerable.Range(0, result.Length).All(j => j == i || result[j] is not { } other || other.ChargerId != want.ChargerId
                || other.EndPeriod + changeover <= want.StartPeriod || want.EndPeriod + changeover <= other.StartPeriod);
            if (free) result[i] = want;
        }
        return result;
    }

    /// <summary>
    /// How much more energy (a fraction) a re-plan must bring before drivers already told their turn are moved for it, when
    /// it is no fairer and serves no more drivers in full: a few percent of a night's energy is not worth telling a
    /// hundred and seventy drivers another time (seen on the Chengshangcheng night at 0.5 %).
    /// </summary>
    internal const double MoveEnergyTolerance = 0.05;

    /// <summary>True when <paramref name="better"/> beats <paramref name="than"/> by more than noise, in <paramref name="order"/>.</summary>
    private static bool Materially(double[] better, double[] than, ChargingObjectiveOrder order)
    {
        var energy = order == ChargingObjectiveOrder.MinimumNeedFirst ? 2 : 1;
        for (var k = 0; k < energy; k++)
        {
            var count = order == ChargingObjectiveOrder.FullyServedFirst || (order == ChargingObjectiveOrder.MinimumNeedFirst && k == 1);
            var step = better[k] - than[k];
            if (step > (count ? 0.5 : 0.005)) return true;
            if (step < -(count ? 0.5 : 0.005)) return false;
        }
        return better[energy] > than[energy] * (1 + MoveEnergyTolerance) + 1e-6;
    }

    /// <summary>
    /// How many turns of <paramref name="previous"/> that had not started by <paramref name="nowPeriod"/> (drivers told
    /// "your turn at ... on ...") are different in <paramref name="plan"/>: another charger, start or end, or none.
    /// </summary>
    public static int MovedNotifiedTurns(ChargingPlan previous, ChargingPlan plan, int nowPeriod)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(plan);
        return previous.Sessions.Count(s => s.Turn is { } turn && turn.StartPeriod >= nowPeriod
            && plan.Session(s.RequestId) is { } now && now.Turn != turn);
    }

    /// <summary>
    /// Each turn (fixed ones aside) trimmed to the periods in which its car draws power, out to the nearest boundaries at
    /// which a turn may start and end: the charger is free again for others as soon as the car is done, and a car plugs
    /// in no earlier than it must (inside quiet hours, at its arrival). A turn in which the car draws nothing goes.
    /// </summary>
    private static ChargingTurn?[] Trim(ChargingInstance instance, ChargingTurn?[] turns, double[][] kw, IReadOnlyList<ChargingTurn?>? keep)
    {
        var fixedIds = (instance.FixedTurns ?? []).Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        var trimmed = turns.ToArray();
        for (var i = 0; i < trimmed.Length; i++)
        {
            var request = instance.Requests[i];
            if (trimmed[i] is not { } turn || fixedIds.Contains(request.Id) || keep?[i] is not null) continue;
            var first = Enumerable.Range(turn.StartPeriod, turn.EndPeriod - turn.StartPeriod).FirstOrDefault(t => kw[i][t] > 0, -1);
            if (first < 0)
            {
                trimmed[i] = null;
                continue;
            }
            var last = Enumerable.Range(turn.StartPeriod, turn.EndPeriod - turn.StartPeriod).Last(t => kw[i][t] > 0);
            var start = first;
            while (start > turn.StartPeriod && start != request.ArrivalPeriod && instance.IsQuietBoundary(start)) start--;
            var end = last + 1;
            while (end < turn.EndPeriod && end != request.DeparturePeriod && instance.IsQuietBoundary(end)) end++;
            trimmed[i] = turn with { StartPeriod = start, EndPeriod = end };
        }
        return trimmed;
    }

    /// <summary>
    /// A turn cut to the periods its car draws power in, out to the nearest boundaries a turn may use; null when the car
    /// draws nothing in it.
    /// </summary>
    private static ChargingTurn? TrimToDraw(ChargingInstance instance, ChargingRequest request, ChargingTurn turn, double[] kw)
    {
        var first = Enumerable.Range(turn.StartPeriod, turn.EndPeriod - turn.StartPeriod).FirstOrDefault(t => kw[t] > 0, -1);
        if (first < 0) return null;
        var last = Enumerable.Range(turn.StartPeriod, turn.EndPeriod - turn.StartPeriod).Last(t => kw[t] > 0);
        var start = first;
        while (start > turn.StartPeriod && start != request.ArrivalPeriod && instance.IsQuietBoundary(start)) start--;
        var end = last + 1;
        while (end < turn.EndPeriod && end != request.DeparturePeriod && instance.IsQuietBoundary(end)) end++;
        return turn with { StartPeriod = start, EndPeriod = end };
    }

    /// <summary>The previous plan's turns for the requests still in the instance, where they still fit their window.</summary>
    private static ChargingTurn?[] PreviousTurns(ChargingInstance instance, ChargingPlan previous) =>
        [.. instance.Requests.Select(r =>
        {
            var fixedTurn = (instance.FixedTurns ?? []).FirstOrDefault(f => f.RequestId == r.Id);
            if (fixedTurn is not null) return new ChargingTurn(fixedTurn.ChargerId, fixedTurn.StartPeriod, fixedTurn.EndPeriod);
            return previous.Session(r.Id)?.Turn is { } turn && turn.StartPeriod >= r.ArrivalPeriod && turn.EndPeriod <= r.DeparturePeriod
                && turn.EndPeriod > turn.StartPeriod && instance.Charger(turn.ChargerId) is not null
                && (r.PluggedChargerId is null || r.PluggedChargerId == turn.ChargerId)
                ? turn : null;
        })];

    /// <summary>
    /// Greedy turn plans with modulated power to shape and power: each rule, with and without choosing the night's
    /// holders before quiet hours, and with cars giving up their charger at a target share when someone waits.
    /// </summary>
    private static IEnumerable<GreedyBaseline> NightGuided(double[] night)
    {
        var rules = ChargingAlgorithms.Baselines.OfType<GreedyBaseline>().Where(b => b.Rule != BaselineRule.RoundRobin).ToList();
        foreach (var lead in new[] { true, false })
        {
            foreach (var b in rules) yield return new GreedyBaseline(b.Name + " lp-night", b.Rule) { NightSelection = true, NightLead = lead, NightScores = night, MaxTurns = 1 };
            foreach (var share in new[] { 0.3, 0.5 })
                foreach (var b in rules)
                    yield return new GreedyBaseline(b.Name + " lp-night", b.Rule) { NightSelection = true, NightLead = lead, NightScores = night, TargetShare = share, MaxTurns = 1 };
        }
    }

    private static IEnumerable<GreedyBaseline> TurnCandidates()
    {
        var rules = ChargingAlgorithms.Baselines.OfType<GreedyBaseline>().ToList();
        foreach (var (night, lead) in new[] { (true, false), (true, true), (false, false) })
        {
            foreach (var b in rules) yield return new GreedyBaseline(b.Name, b.Rule) { NightSelection = night, NightLead = lead, MaxTurns = 1 };
            foreach (var share in new[] { 0.3, 0.5, 0.7 })
                foreach (var b in rules.Where(b => b.Rule != BaselineRule.RoundRobin))
                    yield return new GreedyBaseline(b.Name, b.Rule) { NightSelection = night, NightLead = lead, TargetShare = share, MaxTurns = 1 };
        }
    }

    /// <summary>
    /// Greedy plans CP-SAT can start from as they are (each car at constant power for its whole turn): the
    /// baselines, and earliest-deadline-first with cars giving up their charger at a target share, so that
    /// more drivers get a turn.
    /// </summary>
    private static readonly double[] TargetShares = [.. Enumerable.Range(1, 8).Select(k => k * 0.1)];

    private static IEnumerable<GreedyBaseline> SeedCandidates(bool shareFirst)
    {
        var plain = ChargingAlgorithms.Baselines.OfType<GreedyBaseline>()
            .Select(b => new GreedyBaseline(b.Name, b.Rule) { ConstantPower = true, MaxTurns = 1 });
        // Middle shares first: when the budget cuts the seeds short, the extremes are the ones left out.
        var shared = TargetShares.OrderBy(share => Math.Abs(share - 0.35)).Select(share =>
            new GreedyBaseline("edf", BaselineRule.EarliestDeadlineFirst) { ConstantPower = true, TargetShare = share, MaxTurns = 1 });
        // For a least share, the plans where cars give up their charger at a share come first.
        return shareFirst ? shared.Concat(plain) : plain.Concat(shared);
    }

    /// <summary>
    /// The best constant-power greedy plan in <paramref name="order"/> (the plan CP-SAT starts from). Given the time to
    /// weigh it, a solve never returns a plan worse in the order than this one once its turns are powered.
    /// </summary>
    public static ChargingPlan BestSeed(
        ChargingInstance instance, ChargingObjectiveOrder order = ChargingObjectiveOrder.LeastShareFirst, double minimumNeedKwh = 0, CancellationToken cancellationToken = default) =>
        SeedCandidates(order != ChargingObjectiveOrder.FullyServedFirst)
            .Select(b => b.Solve(instance, SolveOptions.Default, cancellationToken))
            .OrderByDescending(p => Rank(instance, p, order, minimumNeedKwh), RankComparer.Instance)
            .First();

    /// <summary>The best of the greedy baselines, ranked as in-turn ranks plans in <paramref name="order"/>.</summary>
    public static ChargingPlan BestBaseline(
        ChargingInstance instance, ChargingObjectiveOrder order = ChargingObjectiveOrder.LeastShareFirst, CancellationToken cancellationToken = default) =>
        ChargingAlgorithms.Baselines
            .Select(b => b.Solve(instance, SolveOptions.Default, cancellationToken))
            .OrderByDescending(p => Rank(instance, p, order, 0), RankComparer.Instance)
            .First();

    /// <summary>
    /// The lexicographic objectives of <paramref name="order"/>, larger is better: least share (of the need, or of the
    /// minimum need), drivers fully served, energy, then lower cost, then fewer moves.
    /// </summary>
    internal static double[] Rank(ChargingInstance instance, ChargingPlan plan, ChargingObjectiveOrder order, double minimumNeedKwh)
    {
        var m = ChargingMetrics.Compute(instance, plan, 0);
        var tail = new[] { Math.Round(m.EnergyKwh, 3), -Math.Round(m.Cost, 3), -m.Moves };
        var fully = Math.Round(m.FullyServedPercent * instance.Requests.Count / 100);
        return order switch
        {
            ChargingObjectiveOrder.FullyServedFirst => [fully, .. tail],
            ChargingObjectiveOrder.MinimumNeedFirst => [Math.Round(LeastShareOf(instance, plan, minimumNeedKwh), 4), fully, .. tail],
            _ => [Math.Round(m.LeastShare, 4), .. tail],
        };
    }

    /// <summary>The least share of min(need, <paramref name="minimumNeedKwh"/>) delivered (of the need when it is 0).</summary>
    internal static double LeastShareOf(ChargingInstance instance, ChargingPlan plan, double minimumNeedKwh)
    {
        var least = 1.0;
        foreach (var request in instance.Requests)
        {
            var target = minimumNeedKwh > 0 ? Math.Min(request.EnergyKwh, minimumNeedKwh) : request.EnergyKwh;
            if (target <= 0) continue;
            var delivered = plan.Session(request.Id)?.EnergyKwh(instance.PeriodHours) ?? 0;
            least = Math.Min(least, Math.Min(1, delivered / target));
        }
        return least;
    }

    /// <summary>Lexicographic order of ranks.</summary>
    private sealed class RankComparer : IComparer<double[]>
    {
        public static RankComparer Instance { get; } = new();

        public int Compare(double[]? x, double[]? y)
        {
            for (var k = 0; k < Math.Min(x!.Length, y!.Length); k++)
            {
                var c = x[k].CompareTo(y[k]);
                if (c != 0) return c;
            }
            return 0;
        }
    }

    private sealed class Turn(int request, int charger, int @class, IntVar start, IntVar end, IntVar size, BoolVar present, IntVar energy)
    {
        public IntVar? StartCost { get; init; }
        public IntVar? EndCost { get; init; }
        public long NeedWh { get; init; }
        public int Request => request;
        public int Class => @class;
        public int Charger => charger;
        public IntVar Start => start;
        public IntVar End => end;
        public IntVar Size => size;
        public BoolVar Present => present;
        public IntVar Energy => energy;
        public long WhPerPeriod { get; init; }
        public required IntVar DrawStart { get; init; }
        public required IntVar DrawEnd { get; init; }
        public required IntVar DrawSize { get; init; }
        public bool Fixed { get; init; }
    }

    private sealed class TurnModel
    {
        private readonly ChargingInstance _instance;
        private readonly CpModel _model = new();
        private readonly List<int[]> _classes = [];
        private readonly List<Turn> _turns = [];
        private readonly IntVar[] _delivered;
        private readonly IntVar _leastShare;
        private readonly Func<long, long> _shareOf;
        private readonly LinearExpr _cost;
        private readonly LinearExpr _moves;
        private long[] _prefix = [];

        private readonly bool _shareFirst;
        private readonly Dictionary<int, long> _anchoredUntil;
        private readonly Action<string, TimeSpan, TimeSpan?, string> _note;

        /// <summary>
        /// The model; its first stage follows <paramref name="order"/>: the least share of each need (least share first), of
        /// min(need, <paramref name="minimumNeedKwh"/>) (minimum need first), or none, energy first (fully served first).
        /// </summary>
        public TurnModel(ChargingInstance instance, bool drawWithinTurn, ChargingObjectiveOrder order, double minimumNeedKwh, Action<string, TimeSpan, TimeSpan?, string> note)
        {
            _note = note;
            _shareFirst = order != ChargingObjectiveOrder.FullyServedFirst;
            var shareOfWh = (long need) => order == ChargingObjectiveOrder.MinimumNeedFirst && minimumNeedKwh > 0
                ? Math.Min(need, EnergyUnits.Wh(minimumNeedKwh)) : need;
            _shareOf = shareOfWh;
            _instance = instance;
            var requests = instance.Requests;
            var chargers = instance.Chargers;
            var fixedTurns = instance.FixedTurns ?? [];
            // A fixed turn that starts at period 0 can stay in its charger's class: colouring takes those turns
            // first, each on its own charger, and every later turn finds a free one as before. Only a car plugged in
            // for a turn still to come, or a fixed turn starting later, needs its charger as a class of its own. (With
            // a class per running turn, every open request had a candidate turn per running charger: a hundred turns
            // running made the model a hundred times larger.)
            // The same holds for fixed turns that started later when no other car could hold their charger before them
            // (in a re-plan, the turns started before now, cars still to come arriving from now on): the charger is
            // counted in its class as held from period 0 until its last fixed turn and the changeover are over
            // ("anchored"), while each car still draws only in its own periods. Without this, a re-plan at 20:00 with a
            // hundred turns started made a class per running charger, and a model CP-SAT could not load in the budget.
            var fixedIds = fixedTurns.Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
            var earliestOther = requests.Where(r => !fixedIds.Contains(r.Id)).Select(r => r.ArrivalPeriod).DefaultIfEmpty(int.MaxValue / 2).Min();
            var notAnchored = fixedTurns.GroupBy(f => f.ChargerId)
                .Where(g => g.Max(f => f.StartPeriod) != 0 && earliestOther + 1 + instance.ChangeoverPeriods <= g.Max(f => f.StartPeriod))
                .Select(g => g.Key).ToList();
            var special = requests.Where(r => !fixedIds.Contains(r.Id)).Select(r => r.PluggedChargerId)
                .Concat(notAnchored)
                .OfType<string>().ToHashSet();
            _anchoredUntil = fixedTurns.Where(f => !special.Contains(f.ChargerId)).GroupBy(f => f.ChargerId)
                .ToDictionary(g => Array.FindIndex(chargers.ToArray(), c => c.Id == g.Key), g => (long)g.Max(f => f.EndPeriod) + instance.ChangeoverPeriods);
            var classOf = new int[chargers.Count];
            for (var c = 0; c < chargers.Count; c++)
            {
                if (special.Contains(chargers[c].Id)) { classOf[c] = _classes.Count; _classes.Add([c]); }
            }
            foreach (var group in Enumerable.Range(0, chargers.Count).Where(c => !special.Contains(chargers[c].Id))
                         .GroupBy(c => (chargers[c].MaxKw, chargers[c].PhaseShares())))
            {
                foreach (var c in group) classOf[c] = _classes.Count;
                _classes.Add([.. group]);
            }

            var periods = instance.Periods;
            var changeover = instance.ChangeoverPeriods;
            var prefix = new long[periods + 1];
            for (var t = 0; t < periods; t++) prefix[t + 1] = prefix[t] + (long)Math.Round(instance.Price(t) * 1000);
            var hasPrices = prefix[periods] != 0;
            var costTerms = new List<LinearExpr>();
            _delivered = new IntVar[requests.Count];
            _leastShare = _model.NewIntVar(0, 1000, "leastShare");
            var classIntervals = _classes.Select(_ => new List<IntervalVar>()).ToArray();
            var site = _model.AddCumulative((long)Math.Floor(Enumerable.Range(0, periods).Max(instance.CapacityKw) * 1000));
            var siteMaxW = (long)Math.Floor(Enumerable.Range(0, periods).Max(instance.CapacityKw) * 1000);
            for (var t = 0; t < periods; t++)
            {
                var spare = siteMaxW - (long)Math.Floor(instance.CapacityKw(t) * 1000);
                if (spare > 0) site.AddDemand(_model.NewFixedSizeIntervalVar(t, 1, $"cap{t}"), spare);
            }

            // Each phase's limit as a cumulative over the turns' power on that phase (in W).
            var phaseLimit = instance.PhaseLimitKw is { } limitKw ? (long)Math.Floor(limitKw * 1000) : (long?)null;
            var phaseCumulatives = phaseLimit is { } phaseW
                ? Enumerable.Range(0, 3).Select(_ => _model.AddCumulative(phaseW)).ToArray()
                : null;
            // The imbalance limit (load of one phase minus another's, per period) needs the load per period:
            // each turn adds its power on a phase to the periods it covers.
            var phaseLoads = instance.PhaseImbalanceKw is not null
                ? Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, periods).Select(_ => new List<LinearExpr>()).ToArray()).ToArray()
                : null;
            for (var i = 0; i < requests.Count; i++)
            {
                var request = requests[i];
                var needWh = EnergyUnits.Wh(request.EnergyKwh);
                var fixedTurn = fixedTurns.FirstOrDefault(f => f.RequestId == request.Id);
                var candidates = fixedTurn is not null
                    ? [Array.FindIndex(chargers.ToArray(), c => c.Id == fixedTurn.ChargerId)]
                    : request.PluggedChargerId is { } plugged
                        ? [Array.FindIndex(chargers.ToArray(), c => c.Id == plugged)]
                        : _classes.Select(members => members[0]).ToArray();
                var arrival = request.ArrivalPeriod;
                var departure = request.DeparturePeriod;
                var starts = Enumerable.Range(arrival, departure - arrival)
                    .Where(b => b == arrival || !instance.IsQuietBoundary(b)).Select(b => (long)b).ToArray();
                var ends = Enumerable.Range(arrival, departure - arrival + 1)
                    .Where(b => b == arrival || b == departure || !instance.IsQuietBoundary(b)).Select(b => (long)b).ToArray();
                var parts = new List<IntVar>();
                var presences = new List<ILiteral>();
                foreach (var c in candidates)
                {
                    var cls = classOf[c];
                    var kw = Math.Min(request.MaxKw, chargers[c].MaxKw);
                    var whPerPeriod = EnergyUnits.PeriodWh(kw, instance.PeriodHours);
                    var demandW = (long)Math.Floor(Math.Max(0, kw) * 1000);
                    var name = $"r{i}c{cls}";
                    IntVar start, end, size;
                    IntVar? startCost = null, endCost = null;
                    BoolVar present = _model.NewBoolVar($"{name}x");
                    if (fixedTurn is not null)
                    {
                        start = _model.NewConstant(fixedTurn.StartPeriod);
                        end = _model.NewConstant(fixedTurn.EndPeriod);
                        size = _model.NewConstant(fixedTurn.EndPeriod - fixedTurn.StartPeriod);
                        _model.Add(present == 1);
                    }
                    else
                    {
                        start = _model.NewIntVarFromDomain(CpDomain.FromValues(starts), $"{name}s");
                        end = _model.NewIntVarFromDomain(CpDomain.FromValues(ends), $"{name}e");
                        size = _model.NewIntVar(0, departure - arrival, $"{name}d");
                        _model.Add(size >= 1).OnlyEnforceIf(present);
                        _model.Add(start == arrival).OnlyEnforceIf(present.Not());
                        _model.Add(end == arrival).OnlyEnforceIf(present.Not());
                    }
                    var interval = _model.NewOptionalIntervalVar(start, size, end, present, $"{name}i");
                    if (fixedTurn is null || !_anchoredUntil.ContainsKey(c))
                        classIntervals[cls].Add(_model.NewOptionalIntervalVar(start, size + changeover, end + changeover, present, $"{name}ext"));
                    // What the car draws: its power over a stretch inside the turn (any boundaries: a car may wait
                    // plugged in at 0 kW and stop drawing before it unplugs, quiet hours or not), or the whole turn.
                    IntVar drawStart = start, drawEnd = end, drawSize = size;
                    if (drawWithinTurn && fixedTurn is null)
                    {
                        drawStart = _model.NewIntVar(arrival, departure, $"{name}ds");
                        drawEnd = _model.NewIntVar(arrival, departure, $"{name}de");
                        drawSize = _model.NewIntVar(0, departure - arrival, $"{name}dd");
                        _model.Add(drawStart >= start);
                        _model.Add(drawEnd <= end);
                        _model.Add(drawStart == arrival).OnlyEnforceIf(present.Not());
                    }
                    else if (fixedTurn is not null)
                    {
                        drawStart = _model.NewIntVar(fixedTurn!.StartPeriod, fixedTurn.EndPeriod, $"{name}ds");
                        drawEnd = _model.NewIntVar(fixedTurn.StartPeriod, fixedTurn.EndPeriod, $"{name}de");
                        drawSize = _model.NewIntVar(0, fixedTurn.EndPeriod - fixedTurn.StartPeriod, $"{name}dd");
                    }
                    // A started (fixed) turn always draws over a stretch of its own: its car's power was modulated, and at full
                    // power from plug-in a hundred running turns overload the feed in the periods already past, which
                    // made a re-plan's model infeasible.
                    var draw = drawWithinTurn || fixedTurn is not null ? _model.NewOptionalIntervalVar(drawStart, drawSize, drawEnd, present, $"{name}di") : interval;
                    site.AddDemand(draw, demandW);
                    if (phaseCumulatives is not null || phaseLoads is not null)
                    {
                        for (var p = 0; p < 3; p++)
                        {
                            var onPhase = (long)Math.Ceiling(demandW * chargers[c].PhaseShare(p));
                            if (onPhase <= 0) continue;
                            phaseCumulatives?[p].AddDemand(draw, onPhase);
                            if (phaseLoads is null) continue;
                            for (var t = arrival; t < departure; t++)
                            {
                                // covers[t] <=> start <= t < end, for a present turn.
                                var covers = _model.NewBoolVar($"{name}v{t}");
                                _model.Add(start <= t).OnlyEnforceIf(covers);
                                _model.Add(end >= t + 1).OnlyEnforceIf(covers);
                                _model.AddImplication(covers, present);
                                var before = _model.NewBoolVar("");
                                var after = _model.NewBoolVar("");
                                _model.Add(start >= t + 1).OnlyEnforceIf(before);
                                _model.Add(end <= t).OnlyEnforceIf(after);
                                _model.AddBoolOr([covers, before, after, present.Not()]);
                                phaseLoads[p][t].Add(covers * onPhase);
                            }
                        }
                    }
                    var energy = _model.NewIntVar(0, needWh, $"{name}wh");
                    _model.Add(energy <= whPerPeriod * drawSize);
                    _model.Add(energy <= needWh * present);
                    if (hasPrices)
                    {
                        startCost = _model.NewIntVar(0, prefix[periods], $"{name}qs");
                        endCost = _model.NewIntVar(0, prefix[periods], $"{name}qe");
                        _model.AddElement(drawStart, prefix, startCost);
                        _model.AddElement(drawEnd, prefix, endCost);
                        costTerms.Add((endCost - startCost) * (demandW / 100));
                    }
                    parts.Add(energy);
                    presences.Add(present);
                    _turns.Add(new Turn(i, c, cls, start, end, size, present, energy) { DrawStart = drawStart, DrawEnd = drawEnd, DrawSize = drawSize, WhPerPeriod = whPerPeriod, Fixed = fixedTurn is not null, StartCost = startCost, EndCost = endCost, NeedWh = needWh });
                }
                _model.AddAtMostOne(presences);
                _delivered[i] = _model.NewIntVar(0, needWh, $"r{i}wh");
                _model.Add(_delivered[i] == LinearExpr.Sum(parts));
                if (needWh > 0) _model.Add(1000 * _delivered[i] - shareOfWh(needWh) * _leastShare >= 0);
            }
            if (phaseLoads is not null)
            {
                var imbalanceW = (long)Math.Floor(instance.PhaseImbalanceKw!.Value * 1000);
                for (var t = 0; t < periods; t++)
                    for (var p = 0; p < 3; p++)
                        for (var q = 0; q < 3; q++)
                            if (p != q) _model.Add(LinearExpr.Sum(phaseLoads[p][t]) - LinearExpr.Sum(phaseLoads[q][t]) <= imbalanceW);
            }
            foreach (var (c, until) in _anchoredUntil)
                classIntervals[classOf[c]].Add(_model.NewFixedSizeIntervalVar(0, until, $"held{c}"));
            for (var cls = 0; cls < _classes.Count; cls++)
            {
                var chargersOfClass = _model.AddCumulative(_classes[cls].Length);
                foreach (var interval in classIntervals[cls]) chargersOfClass.AddDemand(interval, 1);
            }
            _cost = LinearExpr.Sum(costTerms);
            _prefix = prefix;
            _moves = LinearExpr.Sum(_turns.Select(t => t.Present));
        }

        /// <summary>Runs the stages; null when not even the first one finds a feasible plan.</summary>
        /// <summary>
        /// Runs the stages, each given a share of what is left until <paramref name="end"/> (on <paramref name="clock"/>, the
        /// solve's own), none started with less than <see cref="MinimumStage"/> left; null when not even the first one
        /// finds a feasible plan.
        /// </summary>
        public ChargingPlan? Solve(ChargingPlan hint, Stopwatch clock, TimeSpan end, int workers, CancellationToken cancellationToken, bool shareOnly = false)
        {
            AddHints(hint);
            var allOptimal = true;
            double? boundKwh = null;

            _model.Maximize(_shareFirst ? _leastShare : LinearExpr.Sum(_delivered));
            var (status, values) = Run(_shareFirst ? "least share" : "energy", clock, end, _shareFirst ? (shareOnly ? 1 : 0.45) : 0.7, workers, cancellationToken);
            if (values is null) return null;
            allOptimal &= status == CpSolverStatus.Optimal;
            double? leastShareBound = null;
            if (_shareFirst)
            {
                _model.Add(_leastShare >= values.LeastShare);
                leastShareBound = Math.Min(1000, values.Bound) / 1000.0;
            }
            else boundKwh = values.Bound / 1000.0;

            var best = values;
            // The least share alone, unless proven (then the energy stage is quick, and on small nights it beats the greedy
            // plans the floor turns start from): its turns are powered by the linear program, and energy is the floor turns' to find.
            if (_shareFirst && shareOnly && status != CpSolverStatus.Optimal)
                return ToPlan(best, PlanStatus.Feasible, null) with { LeastShareBound = leastShareBound };
            if (_shareFirst)
            {
                UseAsHint(best);
                _model.Maximize(LinearExpr.Sum(_delivered));
                var stage2 = Run("energy", clock, end, 0.6, workers, cancellationToken);
                if (stage2.Values is not null)
                {
                    best = stage2.Values;
                    boundKwh = stage2.Values.Bound / 1000.0;
                    allOptimal &= stage2.Status == CpSolverStatus.Optimal;
                }
                else allOptimal = false;
            }

            _model.Add(LinearExpr.Sum(_delivered) >= best.Delivered.Sum());
            UseAsHint(best);
            _model.Minimize(_cost * (_turns.Count + 1) + _moves);
            // Cost and fewer turns only break ties among equal energy (and the power program orders periods by price):
            // not worth a stage that loading the model alone would take most of.
            var stage3 = end - clock.Elapsed >= TimeSpan.FromSeconds(1)
                ? Run("cost and moves", clock, end, 1, workers, cancellationToken) : (CpSolverStatus.Unknown, null);
            if (stage3.Values is not null)
            {
                best = stage3.Values;
                allOptimal &= stage3.Status == CpSolverStatus.Optimal;
            }
            else allOptimal = false;

            return ToPlan(best, allOptimal ? PlanStatus.Optimal : PlanStatus.Feasible, boundKwh) with { LeastShareBound = leastShareBound };
        }

        /// <summary>The least time a stage is started with (CP-SAT's own floor on a time limit).</summary>
        public static readonly TimeSpan MinimumStage = TimeSpan.FromMilliseconds(50);

        // Probing and symmetry detection took most of a 10 s budget at 300 requests without helping the search.
        private const string SearchParameters = "cp_model_probing_level:0 symmetry_level:0";

        private sealed record Values(long LeastShare, long[] Delivered, (int Turn, long Start, long End)[] Turns, double Bound);

        private (CpSolverStatus Status, Values? Values) Run(
            string stage, Stopwatch clock, TimeSpan end, double share, int workers, CancellationToken cancellationToken)
        {
            var started = clock.Elapsed;
            var limit = (end - started) * share;
            if (limit < MinimumStage || cancellationToken.IsCancellationRequested) return (CpSolverStatus.Unknown, null);
            _note($"cp-sat {stage}", started, limit, "");
            using var solver = new CpSolver { StringParameters = CpSatParameters.For(limit, workers, SearchParameters) };
            using var registration = cancellationToken.Register(solver.StopSearch);
            var status = solver.Solve(_model);
            _note($"cp-sat {stage} done", clock.Elapsed, null, $"status {status} objective {solver.ObjectiveValue} bound {solver.BestObjectiveBound} wall {solver.WallTime():0.00}s");
            if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible)) return (status, null);
            var turns = _turns.Select((t, k) => (k, t)).Where(p => solver.BooleanValue(p.t.Present))
                .Select(p => (p.k, solver.Value(p.t.Start), solver.Value(p.t.End))).ToArray();
            return (status, new Values(
                solver.Value(_leastShare), [.. _delivered.Select(d => solver.Value(d))], turns, solver.BestObjectiveBound));
        }

        private void UseAsHint(Values values) =>
            Hint(values.Turns.ToDictionary(t => t.Turn, t => (t.Start, t.End)), values.Delivered);

        private void AddHints(ChargingPlan plan)
        {
            var byRequest = plan.Sessions.Where(s => s.Turn is not null).ToDictionary(s => s.RequestId, s => s.Turn!);
            var chosen = new Dictionary<int, (long, long)>();
            for (var k = 0; k < _turns.Count; k++)
            {
                var turn = _turns[k];
                var request = _instance.Requests[turn.Request];
                if (turn.Fixed)
                {
                    chosen[k] = (0, 0);
                    continue;
                }
                if (byRequest.TryGetValue(request.Id, out var t)
                    && _classes[turn.Class].Any(c => _instance.Chargers[c].Id == t.ChargerId)
                    && t.StartPeriod >= request.ArrivalPeriod && t.EndPeriod <= request.DeparturePeriod && t.EndPeriod > t.StartPeriod)
                    chosen[k] = (t.StartPeriod, t.EndPeriod);
            }
            // What each car got in the plan (its power there may have been modulated): the hint's car draws that at its
            // full power from plug-in, so the feed in the hint is close to the plan's.
            Hint(chosen, [.. _instance.Requests.Select(r => plan.Session(r.Id) is { } s ? (long)Math.Floor(s.EnergyKwh(_instance.PeriodHours) * 1000) : 0L)]);
        }

        /// <summary>A complete hint (every variable), so that CP-SAT can start from it as it is.</summary>
        private void Hint(Dictionary<int, (long Start, long End)> chosen, long[] energyOf)
        {
            _model.ClearHints();
            var delivered = new long[_delivered.Length];
            for (var k = 0; k < _turns.Count; k++)
            {
                var turn = _turns[k];
                var present = chosen.TryGetValue(k, out var c);
                var arrival = _instance.Requests[turn.Request].ArrivalPeriod;
                var (start, end) = turn.Fixed
                    ? (turn.Start.Domain.Min(), turn.End.Domain.Min())
                    : present ? (c.Start, c.End) : (arrival, arrival);
                present |= turn.Fixed;
                var energy = present ? Math.Min(Math.Min(turn.NeedWh, energyOf[turn.Request]), turn.WhPerPeriod * (end - start)) : 0;
                delivered[turn.Request] += energy;
                if (!turn.Fixed)
                {
                    _model.AddHint(turn.Present, present);
                    _model.AddHint(turn.Start, start);
                    _model.AddHint(turn.End, end);
                    _model.AddHint(turn.Size, end - start);
                }
                // The car draws from plug-in until it has what it needs (or the turn ends).
                var drawEnd = end;
                if (!ReferenceEquals(turn.DrawEnd, turn.End))
                {
                    drawEnd = present && turn.WhPerPeriod > 0 ? Math.Min(end, start + ((energy + turn.WhPerPeriod - 1) / turn.WhPerPeriod)) : start;
                    _model.AddHint(turn.DrawStart, start);
                    _model.AddHint(turn.DrawEnd, drawEnd);
                    _model.AddHint(turn.DrawSize, drawEnd - start);
                }
                _model.AddHint(turn.Energy, energy);
                if (turn.StartCost is not null) _model.AddHint(turn.StartCost, _prefix[start]);
                if (turn.EndCost is not null) _model.AddHint(turn.EndCost, _prefix[drawEnd]);
            }
            var least = 1000L;
            for (var i = 0; i < delivered.Length; i++)
            {
                _model.AddHint(_delivered[i], delivered[i]);
                var need = EnergyUnits.Wh(_instance.Requests[i].EnergyKwh);
                if (need > 0) least = Math.Min(least, Math.Min(1000, 1000 * delivered[i] / _shareOf(need)));
            }
            _model.AddHint(_leastShare, least);
        }

        private ChargingPlan ToPlan(Values values, PlanStatus status, double? boundKwh)
        {
            var instance = _instance;
            var wh = EnergyUnits.Empty(instance);
            var turns = new ChargingTurn?[instance.Requests.Count];
            var freeAt = new long[instance.Chargers.Count];
            foreach (var (c, until) in _anchoredUntil) freeAt[c] = until;
            foreach (var (k, start, end) in values.Turns.OrderBy(t => t.Start).ThenBy(t => _turns[t.Turn].Fixed ? 0 : 1).ThenBy(t => t.End))
            {
                var turn = _turns[k];
                if (turn.Fixed && _anchoredUntil.ContainsKey(turn.Charger))
                {
                    // An anchored charger's fixed turns are its own; its class counted it held until the last one is over.
                    var j = turn.Request;
                    turns[j] = new ChargingTurn(instance.Chargers[turn.Charger].Id, (int)start, (int)end);
                    var left = EnergyUnits.Wh(instance.Requests[j].EnergyKwh);
                    for (var t = (int)start; t < end && left > 0; t++)
                    {
                        var give = Math.Min((long)Math.Floor(turn.WhPerPeriod * instance.Requests[j].PresentShare(t)), left);
                        wh[j][t] = give;
                        left -= give;
                    }
                    continue;
                }
                var members = _classes[turn.Class];
                // Greedy interval colouring: a charger whose last turn and changeover are over by this start; a fixed
                // turn keeps its own charger (fixed turns sharing a class start at 0 and are coloured first).
                var charger = turn.Fixed && freeAt[turn.Charger] <= start
                    ? turn.Charger
                    : turn.Fixed
                        ? throw new InvalidOperationException("A fixed turn's charger is taken; the cumulative model is wrong.")
                        : members.Where(c => freeAt[c] <= start).OrderByDescending(c => freeAt[c]).ThenBy(c => c)
                            .Select(c => (int?)c).FirstOrDefault()
                            ?? throw new InvalidOperationException("Turn colouring found no free charger; the cumulative model is wrong.");
                freeAt[charger] = end + instance.ChangeoverPeriods;
                var i = turn.Request;
                turns[i] = new ChargingTurn(instance.Chargers[charger].Id, (int)start, (int)end);
                var remaining = EnergyUnits.Wh(instance.Requests[i].EnergyKwh);
                for (var t = (int)start; t < end && remaining > 0; t++)
                {
                    var give = Math.Min((long)Math.Floor(turn.WhPerPeriod * instance.Requests[i].PresentShare(t)), remaining);
                    wh[i][t] = give;
                    remaining -= give;
                }
            }
            var flowBound = OfflineOptimum.UpperBoundKwh(instance);
            return EnergyUnits.ToPlan(instance, "in-turn", status, wh, turns,
                boundKwh is { } b ? Math.Min(b, flowBound) : flowBound);
        }
    }
}
