namespace Parking.Planning.Charging;

/// <summary>
/// How long a solve may take, the plan it starts from when re-planning (its turns become CP-SAT hints), and
/// how many solver threads it may use. <see cref="Order"/> and <see cref="MinimumNeedKwh"/> say what in-turn puts
/// first (the charging area's choice); the other planners ignore them.
/// </summary>
public sealed record SolveOptions(TimeSpan TimeLimit, ChargingPlan? Previous = null, int Workers = 2)
{
    public Parking.Domain.Charging.ChargingObjectiveOrder Order { get; init; } = Parking.Domain.Charging.ChargingObjectiveOrder.LeastShareFirst;

    /// <summary>Each driver's minimum need (kWh) for <see cref="Parking.Domain.Charging.ChargingObjectiveOrder.MinimumNeedFirst"/>.</summary>
    public double MinimumNeedKwh { get; init; }

    public static SolveOptions Default { get; } = new(TimeSpan.FromSeconds(10));
}

/// <summary>A charging planner. Every one returns a feasible plan within its budget.</summary>
public interface IChargingAlgorithm
{
    string Name { get; }

    ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default);
}
