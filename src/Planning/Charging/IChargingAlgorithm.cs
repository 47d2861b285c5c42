namespace Parking.Planning.Charging;

/// <summary>
/// How long a solve may take, the plan it starts from when re-planning (its turns become CP-SAT hints), and
/// how many solver threads it may use.
/// </summary>
public sealed record SolveOptions(TimeSpan TimeLimit, ChargingPlan? Previous = null, int Workers = 2)
{
    public static SolveOptions Default { get; } = new(TimeSpan.FromSeconds(10));
}

/// <summary>A charging planner. Every one returns a feasible plan within its budget.</summary>
public interface IChargingAlgorithm
{
    string Name { get; }

    ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default);
}
