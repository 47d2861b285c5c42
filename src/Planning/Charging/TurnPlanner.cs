using System.Diagnostics;
using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using PlannedTurn = Parking.Domain.Charging.ChargingTurn;
using PlanRequest = Parking.Planning.Charging.ChargingRequest;

namespace Parking.Planning.Charging;

/// <summary>
/// Asks a planner of <see cref="ChargingAlgorithms"/> for the turns of an area: builds the instance (periods from
/// now, usable chargers, the site capacity, started turns as fixed turns, open requests with what they still
/// need, the policy's quiet hours) and reads each request's turns back as instants: up to the policy's
/// <see cref="ChargingPolicy.MaxTurnsPerRequest"/>, for a live area and for the simulator alike. A solve gets the policy's
/// budget; if the chosen planner fails, the first-come-first-served baseline plans instead, so a driver always
/// gets an answer. The charging area grain and the simulator both plan through here.
/// </summary>
public static class TurnPlanner
{
    /// <summary>An area's plan: new turns of open requests, power per period of every turn, and how it was made.</summary>
    public sealed record AreaPlan(
        IReadOnlyDictionary<string, PlannedTurn> Turns,
        IReadOnlyList<TurnPowerSchedule> PowerSchedules,
        PlanSummary Summary)
    {
        /// <summary>Every turn of each open request, in time order (<see cref="Turns"/> holds the first of each).</summary>
        public IReadOnlyDictionary<string, IReadOnlyList<PlannedTurn>> AllTurns { get; init; } =
            Turns.ToDictionary(p => p.Key, p => (IReadOnlyList<PlannedTurn>)[p.Value], StringComparer.Ordinal);

        /// <summary>
        /// New turns for started requests that will still need energy when their turns so far end, in time order. A
        /// turn that continues the running one on its charger without a break comes as that turn, longer.
        /// </summary>
        public IReadOnlyDictionary<string, IReadOnlyList<PlannedTurn>> NextTurns { get; init; } =
            new Dictionary<string, IReadOnlyList<PlannedTurn>>(StringComparer.Ordinal);
    }

    // A later turn of a started request enters the planner as a fixed turn of a request of its own, under this suffix.
    private const string LaterTurnMark = "#later";

    // What a started request will still need after its turns so far enters the planner as an open request of its
    // own, under this suffix, arriving when those turns end.
    private const string NextTurnMark = "#next";

    public const string Fallback = "fcfs";

    /// <summary>
    /// Plans one turn per request, whatever the policy's <see cref="ChargingPolicy.MaxTurnsPerRequest"/>, with the
    /// policy's quiet hours read at <paramref name="utcOffset"/>, the compound's local time.
    /// </summary>
    public static (IReadOnlyDictionary<string, PlannedTurn> Turns, PlanSummary Summary) Plan(
        AreaPlanningInput input,
        ChargingPolicy policy,
        TimeSpan utcOffset,
        CancellationToken cancellationToken = default)
    {
        var plan = PlanArea(input, policy, utcOffset, 1, cancellationToken);
        return (plan.Turns, plan.Summary);
    }

    /// <summary>
    /// As <see cref="Plan"/>, with the power per period of every turn (started or planned) as charging profiles to
    /// send the chargers.
    /// </summary>
    public static AreaPlan PlanArea(
        AreaPlanningInput input,
        ChargingPolicy policy,
        TimeSpan utcOffset,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PlanArea(input, policy, utcOffset, policy.MaxTurnsPerRequest, cancellationToken);
    }

    private static AreaPlan PlanArea(
        AreaPlanningInput input,
        ChargingPolicy policy,
        TimeSpan utcOffset,
        int maxTurns,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        var stopwatch = Stopwatch.StartNew();
        if (input.Chargers.Count == 0 || (input.Open.Count == 0 && input.Started.Count == 0))
        {
            return new AreaPlan(new Dictionary<string, PlannedTurn>(), [], new PlanSummary("none", AreaPlanStatus.Empty, input.Now, stopwatch.Elapsed, 0, input.Open.Count));
        }

        var instance = InstanceOf(input, policy, utcOffset, maxTurns);
        var options = new SolveOptions(policy.SolveBudget, null, 2) { Order = input.Order, MinimumNeedKwh = input.MinimumNeedKwh };
        ChargingPlan Solve()
        {
            try
            {
                return ChargingAlgorithms.Get(policy.Algorithm).Solve(instance, options, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return ChargingAlgorithms.Get(Fallback).Solve(instance, options, cancellationToken) with { Status = PlanStatus.Fallback };
            }
        }

        var plan = Solve();

        // A stand-in held to its charger may take only the running turn made longer. A plan that gives one a turn anywhere
        // else loses that turn (NextTurnsOf drops it) and with it the charger time the turn took from other drivers, so
        // it is made again without those stand-ins (a second solve, only then).
        var unusable = instance.Requests
            .Where(r => r.PluggedChargerId is not null && r.Id.EndsWith(NextTurnMark, StringComparison.Ordinal)
                && plan.Sessions.FirstOrDefault(s => s.RequestId == r.Id) is { Turns.Count: > 0 } session
                && !session.Turns.Any(t => t.ChargerId == r.PluggedChargerId && t.StartPeriod == r.ArrivalPeriod))
            .Select(r => r.Id)
            .ToHashSet(StringComparer.Ordinal);
        if (unusable.Count > 0)
        {
            instance = instance with { Requests = [.. instance.Requests.Where(r => !unusable.Contains(r.Id))] };
            plan = Solve();
        }

        // A request that has had turns may get only what is left of its allowance.
        var open = input.Open.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var turns = new Dictionary<string, IReadOnlyList<PlannedTurn>>(StringComparer.Ordinal);
        foreach (var session in plan.Sessions)
        {
            if (session.Turns.Count > 0 && open.TryGetValue(session.RequestId, out var request))
            {
                turns[session.RequestId] =
                [
                    .. session.Turns
                        .Take(Math.Max(1, maxTurns - request.TurnsDone))
                        .Select(turn => new PlannedTurn(turn.ChargerId, new TimeWindow(At(input, turn.StartPeriod), At(input, turn.EndPeriod)))),
                ];
            }
        }

        // The power of a started request's later turn, or of its stand-in, is that request's.
        var power = PowerSchedules.Of(instance, plan).Select(p => p with { RequestId = OwnerOf(p.RequestId) }).ToList();
        var next = NextTurnsOf(input, plan, maxTurns, power);
        return new AreaPlan(turns.ToDictionary(p => p.Key, p => p.Value[0], StringComparer.Ordinal), power,
            new PlanSummary(plan.Algorithm, StatusOf(plan.Status), input.Now, stopwatch.Elapsed, turns.Count, input.Open.Count - turns.Count))
        {
            AllTurns = turns,
            NextTurns = next,
        };
    }

    private static string OwnerOf(string requestId) =>
        requestId.IndexOf(LaterTurnMark, StringComparison.Ordinal) is var later and >= 0 ? requestId[..later]
        : requestId.EndsWith(NextTurnMark, StringComparison.Ordinal) ? requestId[..^NextTurnMark.Length]
        : requestId;

    /// <summary>
    /// The turns the plan gives each started request's stand-in, as the request's own (no more than it has left of
    /// <paramref name="maxTurns"/>). One that starts on the running turn's charger right when that turn ends makes the
    /// running turn longer instead, so the driver need not unplug and plug in again; its power joins the running turn's.
    /// A request with no turn left gets only that: a longer turn is no new turn.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<PlannedTurn>> NextTurnsOf(AreaPlanningInput input, ChargingPlan plan, int maxTurns, List<TurnPowerSchedule> power)
    {
        var result = new Dictionary<string, IReadOnlyList<PlannedTurn>>(StringComparer.Ordinal);
        var started = input.Started.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var session in plan.Sessions)
        {
            if (!session.RequestId.EndsWith(NextTurnMark, StringComparison.Ordinal)
                || !started.TryGetValue(OwnerOf(session.RequestId), out var request))
            {
                continue;
            }

            var current = request.Turn!;
            var runningEnd = Math.Max(1, PeriodAtOrAfter(input, current.Window.End));
            bool Continues(ChargingTurn turn, int givenSoFar) =>
                givenSoFar == 0 && request.LaterTurns.Count == 0 && turn.ChargerId == current.ChargerId && turn.StartPeriod == runningEnd;
            var given = new List<PlannedTurn>();
            var turnsLeft = TurnsLeft(input, request, maxTurns);
            if (turnsLeft == 0)
            {
                // Without a turn left, only the running turn made longer may be given; the stand-in's other power goes.
                var first = session.Turns.MinBy(t => t.StartPeriod);
                var kept = first is not null && Continues(first, 0) ? At(input, first.StartPeriod) : (DateTimeOffset?)null;
                if (kept is not null)
                {
                    given.Add(Longer(request, current, first!, input, power));
                }

                power.RemoveAll(p => p.RequestId == request.Id && p.Window.Start >= current.Window.End && p.Window.Start != kept);
            }

            foreach (var turn in session.Turns.OrderBy(t => t.StartPeriod).Take(turnsLeft))
            {
                if (Continues(turn, given.Count))
                {
                    given.Add(Longer(request, current, turn, input, power));
                }
                else
                {
                    given.Add(new PlannedTurn(turn.ChargerId, new TimeWindow(At(input, turn.StartPeriod), At(input, turn.EndPeriod))));
                }
            }

            if (given.Count > 0)
            {
                result[request.Id] = given;
            }
        }

        return result;
    }

    /// <summary>
    /// The running turn <paramref name="current"/> made longer by <paramref name="turn"/>, which starts on its charger
    /// right when it ends; the two power schedules become one.
    /// </summary>
    private static PlannedTurn Longer(Parking.Domain.Charging.ChargingRequest request, PlannedTurn current, ChargingTurn turn, AreaPlanningInput input, List<TurnPowerSchedule> power)
    {
        var window = new TimeWindow(At(input, turn.StartPeriod), At(input, turn.EndPeriod));
        var parts = power.Where(p => p.RequestId == request.Id && p.ChargerId == current.ChargerId).OrderBy(p => p.Window.Start).ToList();
        if (parts.FirstOrDefault(p => p.Window.End == window.Start) is { } before && parts.FirstOrDefault(p => p.Window.Start == window.Start) is { } after)
        {
            power.Remove(before);
            power.Remove(after);
            power.Add(before with { Window = new TimeWindow(before.Window.Start, after.Window.End), Steps = [.. before.Steps, .. after.Steps] });
        }

        return current with { Window = new TimeWindow(current.Window.Start, window.End) };
    }

    /// <summary>How many more turns a started request may get beside the one running and those it already has.</summary>
    private static int TurnsLeft(AreaPlanningInput input, Parking.Domain.Charging.ChargingRequest started, int maxTurns) =>
        Math.Max(0, maxTurns - started.TurnsDone - 1 - started.LaterTurns.Count(t => input.Chargers.Any(c => c.ChargerId == t.ChargerId)));

    private static AreaPlanStatus StatusOf(PlanStatus status) => status switch
    {
        PlanStatus.Optimal => AreaPlanStatus.Optimal,
        PlanStatus.Feasible => AreaPlanStatus.Feasible,
        PlanStatus.Fallback => AreaPlanStatus.Fallback,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The instance for <paramref name="input"/>, with the quiet hours of <paramref name="policy"/> (if any) as quiet periods.</summary>
    public static ChargingInstance InstanceOf(AreaPlanningInput input, ChargingPolicy? policy, TimeSpan utcOffset) =>
        InstanceOf(input, policy, utcOffset, 1);

    /// <summary>
    /// As <see cref="InstanceOf(AreaPlanningInput, ChargingPolicy?, TimeSpan)"/>, with up to <paramref name="maxTurns"/>
    /// turns per request. A started request's later turns stay where they are: each is a fixed turn of a request of
    /// its own, needing what the request will still need after the turn now running. A started request that may still
    /// have more turns and will need more than its turns so far give it (at their chargers' rating) enters as a stand-in
    /// open request too, present from the end of those turns (the first boundary outside quiet hours) to its departure.
    /// One with no turn left (and no later turn) whose running turn will not finish it enters as a stand-in held to its
    /// charger from that turn's end (unless it ends inside quiet hours): a longer running turn is no new turn.
    /// </summary>
    public static ChargingInstance InstanceOf(AreaPlanningInput input, ChargingPolicy? policy, TimeSpan utcOffset, int maxTurns)
    {
        ArgumentNullException.ThrowIfNull(input);
        var requests = new List<PlanRequest>();
        var fixedTurns = new List<FixedTurn>();
        var strongest = input.Chargers.Count == 0 ? 0 : input.Chargers.Max(c => c.MaxKw);
        foreach (var started in input.Started)
        {
            var turn = started.Turn!;
            var end = Math.Max(1, PeriodAtOrAfter(input, turn.Window.End));
            requests.Add(new PlanRequest(started.Id, 0, end, started.RemainingKwh, MaxKwOf(input, turn.ChargerId), turn.ChargerId));
            fixedTurns.Add(new FixedTurn(started.Id, turn.ChargerId, 0, end));
            var later = started.LaterTurns.Where(t => input.Chargers.Any(c => c.ChargerId == t.ChargerId)).ToList();

            // A car its meter shows drawing less than it is given draws no more for the rest of its turn, nor after it.
            var carKw = MeasuredKw(input, started, turn);
            var planned = PlannedKwh(input, started.Id, turn, carKw);
            double AtMost(double kw) => carKw is { } car && car > 0 ? Math.Min(kw, car) : kw;
            var left = Math.Max(0, started.RemainingKwh - planned) / Math.Max(1, later.Count);
            for (var i = 0; i < later.Count; i++)
            {
                var from = Math.Max(0, PeriodAtOrBefore(input, later[i].Window.Start));
                var to = Math.Max(from + 1, PeriodAtOrAfter(input, later[i].Window.End));
                var id = $"{started.Id}{LaterTurnMark}{i + 1}";
                requests.Add(new PlanRequest(id, from, to, left, MaxKwOf(input, later[i].ChargerId), later[i].ChargerId));
                fixedTurns.Add(new FixedTurn(id, later[i].ChargerId, from, to));
            }

            if (started.CanMove && TurnsLeft(input, started, maxTurns) == 0 && later.Count == 0)
            {
                // No turn left to give, but making the running turn longer is no new turn: the car stays plugged in where
                // it is. The stand-in is held to that charger from the running turn's end, so the only turn it can use is
                // that continuation (one that starts later is dropped in NextTurnsOf).
                var need = started.RemainingKwh - planned;
                var departure = PeriodAtOrBefore(input, started.Window.End);
                var quiet = QuietPeriods(input, Math.Max(1, departure), policy, utcOffset) ?? [];
                if (need > EnergyTolerance && departure > end && !quiet.Any(q => q.ForbidsBoundary(end)))
                {
                    requests.Add(new PlanRequest(started.Id + NextTurnMark, end, departure, need, AtMost(MaxKwOf(input, turn.ChargerId)), turn.ChargerId));
                }
            }
            else if (started.CanMove && TurnsLeft(input, started, maxTurns) > 0)
            {
                var laterKwh = later.Sum(t => AtMost(MaxKwOf(input, t.ChargerId)) * Math.Max(0, (t.Window.End - t.Window.Start).TotalHours));
                var need = started.RemainingKwh - planned - laterKwh;
                var arrival = PeriodAtOrAfter(input, later.Select(t => t.Window.End).Append(turn.Window.End).Max());
                var departure = PeriodAtOrBefore(input, started.Window.End);
                var quiet = QuietPeriods(input, Math.Max(1, departure), policy, utcOffset) ?? [];
                while (arrival < departure && quiet.Any(q => q.ForbidsBoundary(arrival)))
                {
                    arrival++;
                }

                if (need > EnergyTolerance && departure > arrival)
                {
                    requests.Add(new PlanRequest(started.Id + NextTurnMark, arrival, departure, need, AtMost(strongest)));
                }
            }
        }

        foreach (var open in input.Open)
        {
            var arrival = PeriodAtOrAfter(input, open.Window.Start < input.Now ? input.Now : open.Window.Start);
            var departure = PeriodAtOrBefore(input, open.Window.End);
            if (departure > arrival)
            {
                requests.Add(new PlanRequest(open.Id, arrival, departure, open.RemainingKwh, strongest));
            }
        }

        var periods = Math.Max(1, requests.Count == 0 ? 1 : requests.Max(r => r.DeparturePeriod));
        return new ChargingInstance(
            input.Start,
            (int)input.Period.TotalMinutes,
            periods,
            [.. input.Chargers.Select(c => new ChargerSpec(c.ChargerId, c.MaxKw, PhasesOf(input, c.ChargerId)))],
            input.SiteCapacityKw,
            requests,
            FixedTurns: fixedTurns,
            QuietPeriods: QuietPeriods(input, periods, policy, utcOffset),
            PhaseLimitKw: input.PhaseLimitKw,
            PhaseImbalanceKw: input.PhaseImbalanceKw)
        {
            MaxTurnsPerRequest = Math.Max(1, maxTurns),
        };
    }

    /// <summary>The phases a charger loads, as the planner names them ("A", "B", "C"; null for all three).</summary>
    private static string? PhasesOf(AreaPlanningInput input, string chargerId) => input.Phases.GetValueOrDefault(chargerId) switch
    {
        ChargerPhase.L1 => "A",
        ChargerPhase.L2 => "B",
        ChargerPhase.L3 => "C",
        _ => null,
    };

    /// <summary>
    /// What the started <paramref name="turn"/> will still deliver from now on: in each period, what the last plan gives
    /// it (its charger's rating without a plan), or what its car was measured drawing (<paramref name="carKw"/>) where
    /// that is lower.
    /// </summary>
    private static double PlannedKwh(AreaPlanningInput input, string requestId, PlannedTurn turn, double? carKw)
    {
        var schedule = ScheduleOf(input, requestId, turn);
        var kwh = 0.0;
        for (var t = input.Start; t < turn.Window.End; t += input.Period)
        {
            var kw = schedule is null ? MaxKwOf(input, turn.ChargerId) : schedule.KwAt(t);
            kwh += Math.Min(kw, carKw ?? kw) * input.Period.TotalHours;
        }

        return kwh;
    }

    private static TurnPowerSchedule? ScheduleOf(AreaPlanningInput input, string requestId, PlannedTurn turn) =>
        input.Power.FirstOrDefault(p => p.RequestId == requestId && p.ChargerId == turn.ChargerId && p.Window.Overlaps(turn.Window));

    /// <summary>
    /// What the car of a started <paramref name="turn"/> can draw, as its charger's recent reports show it (those of
    /// <see cref="AreaPlanningInput.Readings"/> since the car plugged in, within <see cref="ChargingAreaBook.ReadingsWindow"/>;
    /// its last report alone when there are none): each report that shows the car drawing less than it was given then
    /// (the plan's power at that instant, or now for a report older than the plan's schedule; the charger's rating
    /// without a plan) counts what it drew, every other
    /// report counts the car as taking all it was given, and the figure is the median of those (the upper one of an
    /// even count). So one odd reading, high or low, never reshapes the plan: a car counts as drawing less only when
    /// most of its recent reports say so. Null when the reports say nothing of the car (no car plugged in, the charger
    /// not charging, nothing drawn yet, or the car drawing what it is given).
    /// </summary>
    public static double? MeasuredKw(AreaPlanningInput input, Parking.Domain.Charging.ChargingRequest started, PlannedTurn turn)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(started);
        ArgumentNullException.ThrowIfNull(turn);
        if (started.PluggedAt is not { } pluggedAt || started.UnpluggedAt is not null
            || input.Chargers.FirstOrDefault(c => c.ChargerId == turn.ChargerId) is not { Status: ChargerStatus.Charging } charger)
        {
            return null;
        }

        var recent = (input.Readings.GetValueOrDefault(charger.ChargerId) ?? [])
            .Where(r => r.Status == ChargerStatus.Charging && (r.ReportedAt ?? input.Now) >= pluggedAt && (r.ReportedAt ?? input.Now) > input.Now - ChargingAreaBook.ReadingsWindow)
            .ToList();
        if (recent.Count == 0)
        {
            recent = [charger];
        }

        // A report from before the last plan's schedule began is read against what the car is given now.
        var schedule = ScheduleOf(input, started.Id, turn);
        double GivenAt(DateTimeOffset instant) =>
            schedule is null ? charger.MaxKw : schedule.KwAt(schedule.Window.Contains(instant) ? instant : input.Now);

        // Nothing drawn yet is no measure of the car: a charger says it is charging before its first meter value.
        var drawn = recent.Where(r => r.PowerKw > 0).ToList();
        if (drawn.Count == 0)
        {
            return null;
        }

        // The book's behind-plan trigger reads the reports by the same rule.
        var median = MeterReadings.MedianShortfallKw(drawn, GivenAt, input.Now);
        return median is { } kw && !double.IsPositiveInfinity(kw) ? kw : null;
    }

    /// <summary>
    /// The policy's quiet hours (local time) as period ranges of the instance: one range per night that meets
    /// <c>[0, periods)</c>; null when the policy has none.
    /// </summary>
    public static IReadOnlyList<PeriodRange>? QuietPeriods(AreaPlanningInput input, int periods, ChargingPolicy? policy, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (policy?.QuietHoursFrom is not { } from || policy.QuietHoursUntil is not { } until || from == until)
        {
            return null;
        }

        var length = until.ToTimeSpan() - from.ToTimeSpan();
        if (length <= TimeSpan.Zero)
        {
            length += TimeSpan.FromDays(1);
        }

        var end = input.Start + (input.Period * periods);
        var firstDay = DateOnly.FromDateTime(input.Start.ToOffset(utcOffset).DateTime).AddDays(-1);
        var ranges = new List<PeriodRange>();
        for (var day = firstDay; new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), utcOffset) < end; day = day.AddDays(1))
        {
            var quietStart = new DateTimeOffset(day.ToDateTime(from), utcOffset);
            var quietEnd = quietStart + length;
            if (quietEnd <= input.Start || quietStart >= end)
            {
                continue;
            }

            // Boundaries strictly inside the range are forbidden: round the start down and the end up so that
            // no boundary inside the quiet hours escapes.
            var startPeriod = (int)Math.Floor((quietStart - input.Start) / input.Period);
            var endPeriod = (int)Math.Ceiling((quietEnd - input.Start) / input.Period);
            ranges.Add(new PeriodRange(Math.Max(startPeriod, -1), Math.Min(endPeriod, periods + 1)));
        }

        return ranges.Count == 0 ? null : ranges;
    }

    // Less than this is rounding, not a need worth moving a car for.
    private const double EnergyTolerance = 1e-6;

    private static DateTimeOffset At(AreaPlanningInput input, int period) => input.Start + (input.Period * period);

    private static int PeriodAtOrAfter(AreaPlanningInput input, DateTimeOffset instant) =>
        (int)Math.Ceiling((instant - input.Start) / input.Period);

    private static int PeriodAtOrBefore(AreaPlanningInput input, DateTimeOffset instant) =>
        (int)Math.Floor((instant - input.Start) / input.Period);

    private static double MaxKwOf(AreaPlanningInput input, string chargerId) =>
        input.Chargers.FirstOrDefault(c => c.ChargerId == chargerId)?.MaxKw ?? 0;
}
