using System.Diagnostics;
using Parking.Domain;
using Parking.Domain.Charging;
using PlannedTurn = Parking.Domain.Charging.ChargingTurn;
using PlanRequest = Parking.Planning.Charging.ChargingRequest;

namespace Parking.Planning.Charging;

/// <summary>
/// Asks a planner of <see cref="ChargingAlgorithms"/> for the turns of an area: builds the instance (periods from
/// now, usable chargers, the site capacity, started turns as fixed turns, open requests with what they still
/// need, the policy's quiet hours) and reads each request's turn back as instants. A solve gets the policy's
/// budget; if the chosen planner fails, the first-come-first-served baseline plans instead, so a driver always
/// gets an answer. The charging area grain and the simulator both plan through here.
/// </summary>
public static class TurnPlanner
{
    /// <summary>An area's plan: new turns of open requests, power per period of every turn, and how it was made.</summary>
    public sealed record AreaPlan(
        IReadOnlyDictionary<string, PlannedTurn> Turns,
        IReadOnlyList<TurnPowerSchedule> PowerSchedules,
        PlanSummary Summary);

    public const string Fallback = "fcfs";

    /// <summary>Plans with the policy's quiet hours read at <paramref name="utcOffset"/>, the compound's local time.</summary>
    public static (IReadOnlyDictionary<string, PlannedTurn> Turns, PlanSummary Summary) Plan(
        AreaPlanningInput input,
        ChargingPolicy policy,
        TimeSpan utcOffset,
        CancellationToken cancellationToken = default)
    {
        var plan = PlanArea(input, policy, utcOffset, cancellationToken);
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
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        var stopwatch = Stopwatch.StartNew();
        if (input.Chargers.Count == 0 || (input.Open.Count == 0 && input.Started.Count == 0))
        {
            return new AreaPlan(new Dictionary<string, PlannedTurn>(), [], new PlanSummary("none", AreaPlanStatus.Empty, input.Now, stopwatch.Elapsed, 0, input.Open.Count));
        }

        var instance = InstanceOf(input, policy, utcOffset);
        var options = new SolveOptions(policy.SolveBudget, null, 2) { Order = input.Order, MinimumNeedKwh = input.MinimumNeedKwh };
        ChargingPlan plan;
        try
        {
            plan = ChargingAlgorithms.Get(policy.Algorithm).Solve(instance, options, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            plan = ChargingAlgorithms.Get(Fallback).Solve(instance, options, cancellationToken) with { Status = PlanStatus.Fallback };
        }

        var open = input.Open.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var turns = new Dictionary<string, PlannedTurn>(StringComparer.Ordinal);
        foreach (var session in plan.Sessions)
        {
            if (session.Turn is { } turn && open.Contains(session.RequestId))
            {
                turns[session.RequestId] = new PlannedTurn(turn.ChargerId, new TimeWindow(At(input, turn.StartPeriod), At(input, turn.EndPeriod)));
            }
        }

        return new AreaPlan(turns, PowerSchedules.Of(instance, plan),
            new PlanSummary(plan.Algorithm, StatusOf(plan.Status), input.Now, stopwatch.Elapsed, turns.Count, input.Open.Count - turns.Count));
    }

    private static AreaPlanStatus StatusOf(PlanStatus status) => status switch
    {
        PlanStatus.Optimal => AreaPlanStatus.Optimal,
        PlanStatus.Feasible => AreaPlanStatus.Feasible,
        PlanStatus.Fallback => AreaPlanStatus.Fallback,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The instance for <paramref name="input"/>, with the quiet hours of <paramref name="policy"/> (if any) as quiet periods.</summary>
    public static ChargingInstance InstanceOf(AreaPlanningInput input, ChargingPolicy? policy, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(input);
        var requests = new List<PlanRequest>();
        var fixedTurns = new List<FixedTurn>();
        foreach (var started in input.Started)
        {
            var turn = started.Turn!;
            var end = Math.Max(1, PeriodAtOrAfter(input, turn.Window.End));
            requests.Add(new PlanRequest(started.Id, 0, end, started.RemainingKwh, MaxKwOf(input, turn.ChargerId), turn.ChargerId));
            fixedTurns.Add(new FixedTurn(started.Id, turn.ChargerId, 0, end));
        }

        var strongest = input.Chargers.Max(c => c.MaxKw);
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
            [.. input.Chargers.Select(c => new ChargerSpec(c.ChargerId, c.MaxKw))],
            input.SiteCapacityKw,
            requests,
            FixedTurns: fixedTurns,
            QuietPeriods: QuietPeriods(input, periods, policy, utcOffset))
        {
            // A driver is told one turn (the area's grains and API keep one per request), so an area plans one.
            MaxTurnsPerRequest = 1,
        };
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

    private static DateTimeOffset At(AreaPlanningInput input, int period) => input.Start + (input.Period * period);

    private static int PeriodAtOrAfter(AreaPlanningInput input, DateTimeOffset instant) =>
        (int)Math.Ceiling((instant - input.Start) / input.Period);

    private static int PeriodAtOrBefore(AreaPlanningInput input, DateTimeOffset instant) =>
        (int)Math.Floor((instant - input.Start) / input.Period);

    private static double MaxKwOf(AreaPlanningInput input, string chargerId) =>
        input.Chargers.FirstOrDefault(c => c.ChargerId == chargerId)?.MaxKw ?? 0;
}
