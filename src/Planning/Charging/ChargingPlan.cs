namespace Parking.Planning.Charging;

public enum PlanStatus
{
    /// <summary>The solver proved the plan optimal for its objectives.</summary>
    Optimal,

    /// <summary>A feasible plan found within the time budget, not proven optimal.</summary>
    Feasible,

    /// <summary>The solver found nothing better in time: the plan is the best greedy baseline.</summary>
    Fallback,
}

/// <summary>A contiguous interval <c>[StartPeriod, EndPeriod)</c> in which one car holds one charger.</summary>
public sealed record ChargingTurn(string ChargerId, int StartPeriod, int EndPeriod);

/// <summary>
/// What one request gets: its power in every period of the instance (kW, index = period) and, for in-turn
/// charging, its turn (null when it got none, or when cars stay plugged in as in rate allocation). A request may get
/// up to <see cref="ChargingInstance.MaxTurnsPerRequest"/> turns: <see cref="Turns"/> lists them all in time order
/// and <see cref="Turn"/> is the first.
/// </summary>
public sealed record SessionPlan(string RequestId, IReadOnlyList<double> PowerKw, ChargingTurn? Turn)
{
    private readonly IReadOnlyList<ChargingTurn>? _turns;

    /// <summary>Every turn of the request in time order (empty when it has none); the first is <see cref="Turn"/>.</summary>
    public IReadOnlyList<ChargingTurn> Turns
    {
        get => _turns ?? (Turn is null ? [] : [Turn]);
        init => _turns = value;
    }

    /// <summary>A session with several turns (in any order; they are kept in time order).</summary>
    public static SessionPlan WithTurns(string requestId, IReadOnlyList<double> powerKw, IEnumerable<ChargingTurn> turns)
    {
        ChargingTurn[] ordered = [.. turns.OrderBy(t => t.StartPeriod)];
        return new SessionPlan(requestId, powerKw, ordered.FirstOrDefault()) { Turns = ordered };
    }

    /// <summary>The turn that holds a charger in period <paramref name="period"/>, or null.</summary>
    public ChargingTurn? TurnAt(int period) => Turns.FirstOrDefault(t => t.StartPeriod <= period && period < t.EndPeriod);

    public double EnergyKwh(double periodHours) => PowerKw.Sum() * periodHours;
}

/// <summary>
/// A plan: one <see cref="SessionPlan"/> per request, in the instance's order. <see cref="BoundKwh"/> is the
/// algorithm's own upper bound on energy when it has one (the flow optimum, or CP-SAT's bound);
/// <see cref="LeastShareBound"/> is CP-SAT's bound on the least-served driver's share (0..1), for in-turn.
/// </summary>
public sealed record ChargingPlan(
    string Algorithm,
    PlanStatus Status,
    IReadOnlyList<SessionPlan> Sessions,
    double? BoundKwh = null,
    TimeSpan SolveTime = default,
    double? LeastShareBound = null)
{
    public SessionPlan? Session(string requestId) => Sessions.FirstOrDefault(s => s.RequestId == requestId);

    public double EnergyKwh(ChargingInstance instance) => Sessions.Sum(s => s.EnergyKwh(instance.PeriodHours));
}

/// <summary>Reads a plan's power per period as charging profiles.</summary>
public static class PowerSchedules
{
    /// <summary>
    /// One <see cref="Parking.Domain.Charging.TurnPowerSchedule"/> per turn of a session (a request with several turns has several): its turn (or,
    /// for a car plugged in as in rate allocation, its stay) as instants from <see cref="ChargingInstance.Start"/>,
    /// with its power per period, equal neighbouring periods merged.
    /// </summary>
    public static IReadOnlyList<Parking.Domain.Charging.TurnPowerSchedule> Of(ChargingInstance instance, ChargingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(plan);
        var period = TimeSpan.FromMinutes(instance.PeriodMinutes);
        DateTimeOffset At(int t) => instance.Start + (period * t);
        var schedules = new List<Parking.Domain.Charging.TurnPowerSchedule>();
        foreach (var session in plan.Sessions)
        {
            var request = instance.Requests.FirstOrDefault(r => r.Id == session.RequestId);
            if (request is null) continue;
            var held = session.Turns.Count > 0
                ? session.Turns.Select(turn => (Charger: (string?)turn.ChargerId, From: turn.StartPeriod, To: turn.EndPeriod))
                : [(request.PluggedChargerId, request.ArrivalPeriod, request.DeparturePeriod)];
            foreach (var (charger, from, to) in held)
            {
                if (charger is null || to <= from) continue;
                var steps = new List<Parking.Domain.Charging.PowerStep>();
                for (var t = from; t < to; t++)
                {
                    var kw = t < session.PowerKw.Count ? Math.Round(session.PowerKw[t], 6) : 0;
                    if (steps.Count == 0 || steps[^1].Kw != kw) steps.Add(new(At(t), kw));
                }
                schedules.Add(new(session.RequestId, charger, new Parking.Domain.TimeWindow(At(from), At(to)), steps));
            }
        }
        return schedules;
    }
}
