using System.Diagnostics;

namespace Parking.Planning.Charging;

/// <summary>The order in which a greedy baseline serves the cars present, as in the ACN-Sim literature.</summary>
public enum BaselineRule
{
    FirstComeFirstServed,
    EarliestDeadlineFirst,
    LeastLaxityFirst,
    RoundRobin,
}

/// <summary>
/// A greedy baseline that goes period by period. When every car is plugged into its own charger (rate allocation)
/// it gives each car present, in the rule's order, all the power it can take until the site is full (round robin:
/// an equal share, water-filled). With more cars than chargers it hands free chargers to waiting cars in the
/// rule's order; a car keeps its charger for one contiguous turn until it is full or leaves (round robin: at most
/// a fair quantum of periods, after which it waits for a further turn, up to the instance's
/// <see cref="ChargingInstance.MaxTurnsPerRequest"/>), and no turn starts or ends inside quiet hours except at the car's
/// own arrival or departure. The changeover gap is kept between two cars on one charger, and between a car's own turns;
/// fixed turns are kept as they are, each holding its charger over its own window only: a car may take the charger
/// before a later fixed turn, and its turn ends in time for it.
/// </summary>
public sealed class GreedyBaseline(string name, BaselineRule rule) : IChargingAlgorithm
{
    public string Name => name;

    public BaselineRule Rule => rule;

    /// <summary>
    /// Turn mode only: a car starts only when its full power (car and charger) fits under the site capacity left
    /// until it leaves, and then draws it for its whole turn, as CP-SAT's turns do; used to seed in-turn.
    /// </summary>
    internal bool ConstantPower { get; init; }

    /// <summary>
    /// Turn mode only: a car gives up its charger (at the next boundary outside quiet hours) once it has this share
    /// of its need and another car is waiting, so that more cars get a turn; otherwise it keeps charging.
    /// </summary>
    internal double? TargetShare { get; init; }

    /// <summary>
    /// Turn mode only: before each quiet range, the chargers go to the cars that can take the most energy through it
    /// (as long as the range lasts, at their power, up to what they still need). Those cars are held back from turns
    /// before it; a boundary before the range (its changeover earlier) ends the other turns so that they plug in at
    /// its start and charge through the night, when nobody may move a car.
    /// </summary>
    internal bool NightSelection { get; init; }

    /// <summary>
    /// With <see cref="NightSelection"/>: the night's holders may plug in up to an hour before the quiet range and leave
    /// over the hour after it, a few at each boundary; without, they plug in at its start and leave at its end.
    /// </summary>
    internal bool NightLead { get; init; }

    /// <summary>
    /// With <see cref="NightSelection"/>: a score per request (the instance's order) that chooses the night's holders
    /// before the energy they can take through it, such as the turn-aware bound's night occupancies
    /// (<see cref="TurnBound.NightOccupancy"/>); null to choose by energy alone.
    /// </summary>
    internal IReadOnlyList<double>? NightScores { get; init; }

    /// <summary>
    /// Turn mode only: the most turns one car gets; null for the instance's <see cref="ChargingInstance.MaxTurnsPerRequest"/>.
    /// A car whose turn ends while it still needs energy and is still there (round robin's quantum, a target share, the
    /// night's holders taking over) waits again, out of the changeover, for a further turn. In-turn's own greedy
    /// candidates use 1: it shapes their turns and adds further ones itself.
    /// </summary>
    internal int? MaxTurns { get; init; }

    public ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var clock = Stopwatch.StartNew();
        var (wh, turns) = instance.AllPlugged ? RateMode(instance) : TurnMode(instance, cancellationToken);
        if (turns is null) return EnergyUnits.ToPlan(instance, Name, PlanStatus.Feasible, wh, solveTime: clock.Elapsed);
        var plan = EnergyUnits.ToPlan(instance, Name, PlanStatus.Feasible, wh, solveTime: clock.Elapsed);
        return plan with { Sessions = [.. plan.Sessions.Select((session, i) => SessionPlan.WithTurns(session.RequestId, session.PowerKw, turns[i]))] };
    }

    private double Priority(ChargingInstance instance, int i, int t, long remaining, long perPeriodWh)
    {
        var request = instance.Requests[i];
        return rule switch
        {
            BaselineRule.EarliestDeadlineFirst => request.DeparturePeriod,
            BaselineRule.LeastLaxityFirst => request.DeparturePeriod - t
                - (perPeriodWh <= 0 ? 0 : Math.Ceiling((double)remaining / perPeriodWh)),
            _ => request.ArrivalPeriod,
        };
    }

    private (long[][] Wh, List<ChargingTurn>[]? Turns) RateMode(ChargingInstance instance)
    {
        var wh = EnergyUnits.Empty(instance);
        var remaining = EnergyFlow.NeedWh(instance);
        var chargerOf = instance.Requests.Select(r => instance.Charger(r.PluggedChargerId)!).ToArray();
        var perPeriod = new long[instance.Requests.Count];
        for (var t = 0; t < instance.Periods; t++)
        {
            var site = EnergyUnits.PeriodWh(instance.CapacityKw(t), instance.PeriodHours);
            var active = Enumerable.Range(0, instance.Requests.Count)
                .Where(i => instance.Requests[i].ArrivalPeriod <= t && t < instance.Requests[i].DeparturePeriod && remaining[i] > 0)
                .ToList();
            foreach (var i in active) perPeriod[i] = EnergyUnits.PeriodWh(instance.PowerLimitKw(instance.Requests[i], t), instance.PeriodHours);
            active = [.. active.OrderBy(i => Priority(instance, i, t, remaining[i], perPeriod[i])).ThenBy(i => i)];
            Allocate(active, t, site, remaining, perPeriod, wh, PhaseRoom.For(instance), i => chargerOf[i]);
        }
        return (wh, null);
    }

    private void Allocate(
        List<int> active, int t, long site, long[] remaining, long[] perPeriod, long[][] wh, PhaseRoom? phases,
        Func<int, ChargerSpec> chargerOf)
    {
        // With phase limits a car may get less than it could take because another phase is not loaded yet (the
        // imbalance limit): a few passes let it take more once the others are served.
        var passes = phases?.HasImbalanceLimit == true ? 3 : 1;
        for (var pass = 0; pass < passes && site > 0; pass++)
        {
            if (rule == BaselineRule.RoundRobin)
            {
                // Equal shares, water-filled: a car that takes less than its share leaves the rest to the others.
                var order = active.OrderBy(i => Math.Min(perPeriod[i] - wh[i][t], remaining[i])).ToList();
                for (var k = 0; k < order.Count; k++)
                {
                    var i = order[k];
                    var give = Math.Min(Math.Min(perPeriod[i] - wh[i][t], remaining[i]), site / (order.Count - k));
                    if (phases is not null) give = Math.Min(give, phases.Room(chargerOf(i)));
                    if (give <= 0) continue;
                    wh[i][t] += give;
                    remaining[i] -= give;
                    site -= give;
                    phases?.Add(chargerOf(i), give);
                }
                continue;
            }
            foreach (var i in active)
            {
                var give = Math.Min(Math.Min(perPeriod[i] - wh[i][t], remaining[i]), site);
                if (phases is not null) give = Math.Min(give, phases.Room(chargerOf(i)));
                if (give <= 0) continue;
                wh[i][t] += give;
                remaining[i] -= give;
                site -= give;
                phases?.Add(chargerOf(i), give);
            }
        }
    }

    /// <summary>
    /// What is left of each phase's limit in one period (Wh), and the most a charger may add without overloading a
    /// phase or taking two phases further apart than the imbalance limit.
    /// </summary>
    internal sealed class PhaseRoom
    {
        private readonly double[] _load = new double[3];
        private readonly double _limit;
        private readonly double _imbalance;

        private PhaseRoom(double limit, double imbalance)
        {
            _limit = limit;
            _imbalance = imbalance;
        }

        public bool HasImbalanceLimit => !double.IsPositiveInfinity(_imbalance);

        /// <summary>A fresh period's room on <paramref name="instance"/>'s feed; null when the feed has no phase limits.</summary>
        public static PhaseRoom? For(ChargingInstance instance) => instance.HasPhaseLimits
            ? new PhaseRoom(
                instance.PhaseLimitKw is { } l ? l * instance.PeriodHours * 1000 : double.PositiveInfinity,
                instance.PhaseImbalanceKw is { } b ? b * instance.PeriodHours * 1000 : double.PositiveInfinity)
            : null;

        public long Room(ChargerSpec charger)
        {
            double[] share = [charger.PhaseShare(0), charger.PhaseShare(1), charger.PhaseShare(2)];
            var room = double.PositiveInfinity;
            for (var p = 0; p < 3; p++)
            {
                if (share[p] > 0) room = Math.Min(room, (_limit - _load[p]) / share[p]);
                for (var q = 0; q < 3; q++)
                    if (share[p] > share[q]) room = Math.Min(room, (_imbalance - (_load[p] - _load[q])) / (share[p] - share[q]));
            }
            return double.IsPositiveInfinity(room) ? long.MaxValue : (long)Math.Floor(Math.Max(0, room) - 1e-6);
        }

        public void Add(ChargerSpec charger, double wh)
        {
            for (var p = 0; p < 3; p++) _load[p] += charger.PhaseShare(p) * wh;
        }
    }

    private (long[][] Wh, List<ChargingTurn>[]? Turns) TurnMode(ChargingInstance instance, CancellationToken cancellationToken)
    {
        var requests = instance.Requests;
        var chargers = instance.Chargers;
        var wh = EnergyUnits.Empty(instance);
        var turns = requests.Select(_ => new List<ChargingTurn>()).ToArray();
        var remaining = EnergyFlow.NeedWh(instance);
        var need = EnergyFlow.NeedWh(instance);
        // Turns a car has had, when it may start another (out of the changeover after its last), whether it holds one now.
        var turnsMax = Math.Max(1, MaxTurns ?? instance.MaxTurnsPerRequest);
        var taken = new int[requests.Count];
        var readyAt = new int[requests.Count];
        var holding = new bool[requests.Count];
        bool MayStart(int i, int t) => taken[i] < turnsMax && readyAt[i] <= t;
        var occupant = Enumerable.Repeat(-1, chargers.Count).ToArray();
        var turnStart = new int[chargers.Count];
        var freeAt = new int[chargers.Count];
        var fixedTurns = instance.FixedTurns ?? [];
        var index = requests.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var fixedEnd = new int[requests.Count];
        var reservedUntil = new int[chargers.Count];
        // Each fixed turn holds its charger over its own window only: from the last boundary outside quiet hours at
        // least a changeover before it starts (where another car's turn on the charger must have ended) to a
        // changeover after it ends. Before that a charger holding only a later turn is free to another car.
        var reserved = chargers.Select(_ => new List<(int From, int Until)>()).ToArray();
        foreach (var f in fixedTurns)
        {
            var c = ChargerIndex(instance, f.ChargerId);
            reservedUntil[c] = Math.Max(reservedUntil[c], f.EndPeriod + instance.ChangeoverPeriods);
            var from = f.StartPeriod - instance.ChangeoverPeriods;
            while (from > 0 && instance.IsQuietBoundary(from)) from--;
            reserved[c].Add((Math.Max(0, from), f.EndPeriod + instance.ChangeoverPeriods));
            taken[index[f.RequestId]] = int.MaxValue;
            fixedEnd[index[f.RequestId]] = f.EndPeriod;
        }
        bool IsReserved(int c, int t) => reserved[c].Exists(r => r.From <= t && t < r.Until);
        // The boundary by which a turn starting on charger c at t must end for the next fixed turn there; MaxValue for none.
        int EndBy(int c, int t) => reserved[c].Where(r => r.From > t).Select(r => r.From).DefaultIfEmpty(int.MaxValue).Min();
        var endBy = Enumerable.Repeat(int.MaxValue, chargers.Count).ToArray();
        var isFixed = new HashSet<int>(fixedTurns.Select(f => index[f.RequestId]));
        long PerPeriod(int i, int c) => EnergyUnits.PeriodWh(Math.Min(requests[i].MaxKw, chargers[c].MaxKw), instance.PeriodHours);
        long PerPeriodAt(int i, int c, int t) => EnergyUnits.PeriodWh(Math.Min(requests[i].MaxKw, chargers[c].MaxKw) * requests[i].PresentShare(t), instance.PeriodHours);
        long DemandW(int i, int c) => (long)Math.Floor(Math.Max(0, Math.Min(requests[i].MaxKw, chargers[c].MaxKw)) * 1000);
        var capacityW = Enumerable.Range(0, instance.Periods).Select(t => (long)Math.Floor(instance.CapacityKw(t) * 1000)).ToArray();
        // Per request once, not per request and period: the most a car can draw in a period does not change.
        // (MaxPowerKw's rule, with the strongest charger found once rather than per request.)
        var strongest = chargers.Count > 0 ? chargers.Max(c => c.MaxKw) : 0;
        var maxPeriodWh = requests.Select(r => EnergyUnits.PeriodWh(
            Math.Max(0, Math.Min(r.MaxKw, instance.Charger(r.PluggedChargerId)?.MaxKw ?? strongest)), instance.PeriodHours)).ToArray();
        var free = new List<int>(chargers.Count);
        var constantCapacity = capacityW.Length > 0 && capacityW.All(w => w == capacityW[0]);
        var totalSlots = (long)chargers.Count * instance.Periods;
        var quantum = (int)Math.Max(1, totalSlots / Math.Max(1, requests.Count));
        // Night selection: the boundary that ends the other turns, the quiet range it prepares, and the cars held back.
        var heldBack = Enumerable.Repeat(-1, requests.Count).ToArray();
        var nightPriority = new HashSet<int>();
        var selections = new Dictionary<int, PeriodRange>();
        // The night's holders may plug in up to an hour before it (using the feed while the others change over) and
        // leave over an hour after it, a few at each boundary, so that the feed is never idle while everyone changes over.
        var lead = NightLead ? Math.Max(instance.ChangeoverPeriods + 1, (int)Math.Round(60.0 / Math.Max(1, instance.PeriodMinutes))) : 0;
        var nightEnd = new int[requests.Count];
        long NightValue(int i, PeriodRange q, long left) =>
            Math.Min(left, maxPeriodWh[i] * (Math.Min(requests[i].DeparturePeriod, q.End) - q.Start));
        if (NightSelection && instance.QuietPeriods is { } quietRanges)
        {
            foreach (var q in quietRanges.Where(q => q.End - q.Start >= 2 && q.Start >= 0 && q.Start < instance.Periods).OrderBy(q => q.Start))
            {
                var select = q.Start - instance.ChangeoverPeriods;
                while (select > 0 && instance.IsQuietBoundary(select)) select--;
                selections[Math.Max(0, select)] = q;
                foreach (var i in Enumerable.Range(0, requests.Count)
                             .Where(i => !isFixed.Contains(i) && heldBack[i] < 0 && requests[i].ArrivalPeriod < q.Start && requests[i].DeparturePeriod >= q.Start + 2)
                             .OrderByDescending(i => NightScores?[i] ?? 0).ThenByDescending(i => NightValue(i, q, need[i])).ThenBy(i => i).Take(chargers.Count))
                {
                    heldBack[i] = Math.Max(0, q.Start - lead);
                    nightPriority.Add(i);
                }
            }
        }

        for (var t = 0; t <= instance.Periods; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var quiet = instance.IsQuietBoundary(t);
            var anyWaiting = TargetShare is not null && Enumerable.Range(0, requests.Count).Any(i =>
                !holding[i] && MayStart(i, t) && remaining[i] > 0 && requests[i].ArrivalPeriod <= t && t < requests[i].DeparturePeriod && heldBack[i] <= t);
            for (var c = 0; c < chargers.Count; c++)
            {
                var i = occupant[c];
                if (i < 0) continue;
                var end = t == instance.Periods || t >= requests[i].DeparturePeriod
                    || (isFixed.Contains(i) ? t >= fixedEnd[i]
                        : t >= endBy[c]
                            || (!quiet && ((remaining[i] <= 0 && t >= nightEnd[i]) || (rule == BaselineRule.RoundRobin && t - turnStart[c] >= quantum)
                                || (anyWaiting && !nightPriority.Contains(i) && TargetShare is { } target && remaining[i] <= need[i] * (1 - target)))));
                if (!end) continue;
                EndTurn(c, t);
            }
            if (t == instance.Periods) break;
            if (selections.TryGetValue(t, out var night)) SelectForNight(t, night);
            foreach (var f in fixedTurns.Where(f => f.StartPeriod == t))
            {
                var c = ChargerIndex(instance, f.ChargerId);
                occupant[c] = index[f.RequestId];
                turnStart[c] = t;
                holding[index[f.RequestId]] = true;
            }
            // The chargers free at t, in index order; a car that takes one below is marked as its occupant. With
            // none free nobody waiting can start, so the waiting list is not even sorted.
            free.Clear();
            for (var c = 0; c < chargers.Count; c++)
            {
                if (occupant[c] < 0 && freeAt[c] <= t && !IsReserved(c, t)) free.Add(c);
            }
            IEnumerable<int> waiting = free.Count == 0 ? [] : Enumerable.Range(0, requests.Count)
                .Where(i => !holding[i] && MayStart(i, t) && remaining[i] > 0 && requests[i].ArrivalPeriod <= t && t < requests[i].DeparturePeriod
                    && (!quiet || t == requests[i].ArrivalPeriod) && heldBack[i] <= t)
                .OrderBy(i => nightPriority.Contains(i) ? 0 : 1)
                .ThenBy(i => Priority(instance, i, t, remaining[i], maxPeriodWh[i]))
                .ThenBy(i => i);
            // What the cars holding a charger draw, kept as cars start rather than summed again for every car.
            var drawn = ConstantPower ? Enumerable.Range(0, chargers.Count).Where(c => occupant[c] >= 0).Sum(c => DemandW(occupant[c], c)) : 0;
            foreach (var i in waiting)
            {
                var best = -1;
                foreach (var c in free)
                {
                    if (occupant[c] >= 0) continue;
                    if (requests[i].PluggedChargerId is { } plugged && plugged != chargers[c].Id) continue;
                    if (best < 0 || PerPeriod(i, c) > PerPeriod(i, best)) best = c;
                    // No charger gives the car more than its own power: a later one could only tie, and ties keep the first.
                    if (chargers[best].MaxKw >= requests[i].MaxKw) break;
                }
                if (best < 0) continue;
                if (ConstantPower)
                {
                    var least = constantCapacity ? capacityW[0] : long.MaxValue;
                    for (var u = t; !constantCapacity && u < requests[i].DeparturePeriod; u++) least = Math.Min(least, capacityW[u]);
                    if (drawn + DemandW(i, best) > least) continue;
                    if (instance.HasPhaseLimits)
                    {
                        var phases = PhaseRoom.For(instance)!;
                        var hours = instance.PeriodHours;
                        for (var c = 0; c < chargers.Count; c++)
                        {
                            if (occupant[c] >= 0) phases.Add(chargers[c], DemandW(occupant[c], c) * hours);
                        }
                        if (phases.Room(chargers[best]) < DemandW(i, best) * hours - 1e-6) continue;
                    }
                    drawn += DemandW(i, best);
                }
                occupant[best] = i;
                turnStart[best] = t;
                endBy[best] = EndBy(best, t);
                taken[i]++;
                holding[i] = true;
            }
            var site = ConstantPower ? long.MaxValue : EnergyUnits.PeriodWh(instance.CapacityKw(t), instance.PeriodHours);
            var charging = Enumerable.Range(0, chargers.Count).Where(c => occupant[c] >= 0)
                .OrderBy(c => Priority(instance, occupant[c], t, remaining[occupant[c]], PerPeriod(occupant[c], c)))
                .ThenBy(c => occupant[c]).ToList();
            var chargerOfRequest = new Dictionary<int, ChargerSpec>();
            var perPeriodNow = new long[requests.Count];
            foreach (var c in charging)
            {
                chargerOfRequest[occupant[c]] = chargers[c];
                perPeriodNow[occupant[c]] = PerPeriodAt(occupant[c], c, t);
            }
            // Constant-power seeds were admitted within the phase limits; the others share what the phases leave.
            Allocate([.. charging.Select(c => occupant[c])], t, site, remaining, perPeriodNow, wh,
                ConstantPower ? null : PhaseRoom.For(instance), i => chargerOfRequest[i]);
        }
        return (wh, turns);

        void EndTurn(int c, int t)
        {
            var i = occupant[c];
            turns[i].Add(new ChargingTurn(chargers[c].Id, turnStart[c], t));
            occupant[c] = -1;
            holding[i] = false;
            freeAt[c] = t + instance.ChangeoverPeriods;
            readyAt[i] = t + instance.ChangeoverPeriods;
        }

        // The holders for the quiet range q: the cars (running or waiting) that can take the most energy through it,
        // one per charger not held by a fixed turn; the other running turns end now.
        void SelectForNight(int t, PeriodRange q)
        {
            var slots = Enumerable.Range(0, chargers.Count).Count(c => (occupant[c] < 0 || !isFixed.Contains(occupant[c])) && reservedUntil[c] <= q.Start);
            var running = Enumerable.Range(0, chargers.Count).Where(c => occupant[c] >= 0 && !isFixed.Contains(occupant[c])).ToList();
            var pool = running.Select(c => occupant[c])
                .Concat(Enumerable.Range(0, requests.Count).Where(i => !holding[i] && MayStart(i, q.Start) && !isFixed.Contains(i) && remaining[i] > 0
                    && requests[i].ArrivalPeriod <= q.Start && requests[i].DeparturePeriod >= q.Start + 2))
                .Where(i => requests[i].DeparturePeriod > q.Start)
                .OrderByDescending(i => NightScores?[i] ?? 0).ThenByDescending(i => NightValue(i, q, remaining[i])).ThenBy(i => i)
                .Take(slots).ToHashSet();
            foreach (var c in running)
            {
                var i = occupant[c];
                if (pool.Contains(i) || turnStart[c] >= t) continue;
                EndTurn(c, t);
            }
            foreach (var i in nightPriority.Where(i => !pool.Contains(i)).ToList())
            {
                nightPriority.Remove(i);
                heldBack[i] = -1;
            }
            var k = 0;
            foreach (var i in pool.OrderByDescending(i => NightValue(i, q, remaining[i])).ThenBy(i => i))
            {
                nightPriority.Add(i);
                nightEnd[i] = q.End + (k++ % Math.Max(1, lead));
                if (!holding[i]) heldBack[i] = Math.Min(heldBack[i], t);
            }
        }
    }

    private static int ChargerIndex(ChargingInstance instance, string chargerId)
    {
        for (var c = 0; c < instance.Chargers.Count; c++)
            if (instance.Chargers[c].Id == chargerId) return c;
        throw new ArgumentException($"Unknown charger {chargerId}.", nameof(chargerId));
    }
}
