using Parking.Domain.Layout;
using Parking.Planning.Rebalancing;

namespace Parking.Grains.Rebalancing;

/// <summary>
/// The simulated effect of a proposal: today's layout and the proposed one run through the simulator with
/// the same demand and seed. Until the simulator is part of Planning this reports that it was skipped.
/// </summary>
internal static class SimulatedEffects
{
    public static bool Available => false;

    public static (SimulatedEffect? Effect, string? Note) Run(
        CompoundLayout live, RebalancingProposal proposal, RebalancingAsk ask, DateTimeOffset now, IProgress<double> progress, CancellationToken cancellationToken)
    {
        progress.Report(1);
        return (null, "The simulated effect was not computed: the simulator is not available in this build.");
    }
}
