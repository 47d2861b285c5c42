using System.Diagnostics;

namespace Parking.Planning.Charging;

/// <summary>
/// In-turn charging for more cars than chargers: each request gets at most one turn on one charger.
/// </summary>
public sealed class InTurnCpSat : IChargingAlgorithm
{
    public string Name => "in-turn";

    public ChargingPlan Solve(ChargingInstance instance, SolveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var best = BestBaseline(instance, cancellationToken);
        return best with { Algorithm = Name, Status = PlanStatus.Fallback, SolveTime = clock.Elapsed };
    }

    /// <summary>The best of the greedy baselines, ranked as in-turn ranks plans.</summary>
    public static ChargingPlan BestBaseline(ChargingInstance instance, CancellationToken cancellationToken = default) =>
        ChargingAlgorithms.Baselines
            .Select(b => b.Solve(instance, SolveOptions.Default, cancellationToken))
            .OrderByDescending(p => Rank(instance, p))
            .First();

    /// <summary>The lexicographic objectives: least share, energy, then lower cost, then fewer moves.</summary>
    internal static (double LeastShare, double Energy, double NegCost, int NegMoves) Rank(ChargingInstance instance, ChargingPlan plan)
    {
        var m = ChargingMetrics.Compute(instance, plan, 0);
        return (Math.Round(m.LeastShare, 6), Math.Round(m.EnergyKwh, 6), -Math.Round(m.Cost, 6), -m.Moves);
    }
}
