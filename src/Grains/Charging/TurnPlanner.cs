using System.Diagnostics;
using Parking.Domain.Charging;
using Parking.Planning.Charging;
using PlannedTurn = Parking.Domain.Charging.ChargingTurn;
using PlanRequest = Parking.Planning.Charging.ChargingRequest;

namespace Parking.Grains.Charging;

/// <summary>
/// Asks a planner of <see cref="ChargingAlgorithms"/> for the turns of an area: builds the instance (periods from
/// now, usable chargers, the site capacity, started turns as fixed turns, open requests with what they still
/// need) and reads each request's turn back as instants. A solve gets the policy's budget; if the chosen
/// planner fails, the first-come-first-served baseline plans instead, so a driver always gets an answer.
/// </summary>
public static class TurnPlanner
{
    public const string Fallback = "fcfs";

    public static (IReadOnlyDictionary<string, PlannedTurn> Turns, PlanSummary Summary) Plan(
        AreaPlanningInput input,
        ChargingPolicy policy,
        CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        if (input.Chargers.Count == 0 || (input.Open.Count == 0 && input.Started.Count == 0))
        {
            return (new Dictionary<string, PlannedTurn>(), new PlanSummary("none", "Empty", input.Now, stopwatch.Elapsed, 0, input.Open.Count));
        }

        var instance = InstanceOf(input);
        var options = new SolveOptions(policy.SolveBudget, null, 2);
        ChargingPlan plan;
        try
        {
            plan = ChargingAlgorithms.Get(policy.Algorithm).Solve(instance, options, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            plan = ChargingAlgorithms.Get(Fallback).Solve(instance, options, cancellationToken) with { Status = PlanStatus.Fallback };
        }

        var turns = new Dictionary<string, PlannedTurn>(StringComparer.Ordinal);
        foreach (var session in plan.Sessions)
        {
            if (session.Turn is { } turn && input.Open.Any(r => r.Id == session.RequestId))
            {
                turns[session.RequestId] = new PlannedTurn(turn.ChargerId, new TimeWindow(At(input, turn.StartPeriod), At(input, turn.EndPeriod)));
            }
        }

        return (turns, new PlanSummary(plan.Algorithm, plan.Status.ToString(), input.Now, stopwatch.Elapsed, turns.Count, input.Open.Count - turns.Count));
    }

    public static ChargingInstance InstanceOf(AreaPlanningInput input)
    {
        var requests = new List<PlanRequest>();
        var fixedTurns = new List<FixedTurn>();
        foreach (var started in input.Started)
        {
            var turn = started.Turn!;
            var end = Math.Max(1, PeriodAtOrAfter(input, turn.Window.End));
            requests.Add(new PlanRequest(started.Id, 0, end, started.RemainingKwh, MaxKwOf(input, turn.ChargerId), turn.ChargerId));
            fixedTurns.Add(new FixedTurn(started.Id, turn.ChargerId, 0, end));
        }

        foreach (var open in input.Open)
        {
            var arrival = PeriodAtOrAfter(input, open.Window.Start < input.Now ? input.Now : open.Window.Start);
            var departure = PeriodAtOrBefore(input, open.Window.End);
            if (departure > arrival)
            {
                requests.Add(new PlanRequest(open.Id, arrival, departure, open.RemainingKwh, input.Chargers.Max(c => c.MaxKw)));
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
            FixedTurns: fixedTurns);
    }

    private static DateTimeOffset At(AreaPlanningInput input, int period) => input.Start + (input.Period * period);

    private static int PeriodAtOrAfter(AreaPlanningInput input, DateTimeOffset instant) =>
        (int)Math.Ceiling((instant - input.Start) / input.Period);

    private static int PeriodAtOrBefore(AreaPlanningInput input, DateTimeOffset instant) =>
        (int)Math.Floor((instant - input.Start) / input.Period);

    private static double MaxKwOf(AreaPlanningInput input, string chargerId) =>
        input.Chargers.FirstOrDefault(c => c.ChargerId == chargerId)?.MaxKw ?? 0;
}
