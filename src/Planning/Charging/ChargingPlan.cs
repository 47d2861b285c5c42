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
/// charging, its turn (null when it got none, or when cars stay plugged in as in rate allocation).
/// </summary>
public sealed record SessionPlan(string RequestId, IReadOnlyList<double> PowerKw, ChargingTurn? Turn)
{
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
