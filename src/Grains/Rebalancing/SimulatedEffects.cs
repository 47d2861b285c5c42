using System.Globalization;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Simulation;
using Parking.Planning.Rebalancing;
using Parking.Planning.Simulation;

namespace Parking.Grains.Rebalancing;

/// <summary>
/// The simulated effect of a suggestion: today's layout and the suggested one run through the simulator for the
/// ask's days with the same demand and seed. Both runs use synthetic demand from the ask's parameters (the
/// simulator's own demand model), so the two differ only in the layout and the sharing rules.
/// </summary>
internal static class SimulatedEffects
{
    public static (SimulatedEffect? Effect, string? Note) Run(
        CompoundLayout live, ScenarioPolicies policies, LayoutSuggestion suggestion, RebalancingAsk ask, DateTimeOffset now,
        IProgress<double> progress, CancellationToken cancellationToken)
    {
        var parameters = new DemandParameters
        {
            CarsPerHousehold = ask.CarsPerHousehold ?? new DemandParameters().CarsPerHousehold,
            EvShare = ask.EvShare ?? new DemandParameters().EvShare,
        };
        var demand = DemandModel.Synthetic(parameters);
        var today = SimulationInput.For(live, policies, null, demand, now, ask.Days, ask.Seed);
        var proposed = SimulationInput.For(live, policies, suggestion.ToDefinition("proposal", string.Empty), demand, now, ask.Days, ask.Seed);
        if (today.Value is not { } todayInput || proposed.Value is not { } proposedInput)
        {
            var error = today.Error ?? proposed.Error!;
            return (null, string.Create(CultureInfo.InvariantCulture, $"The simulated effect could not be computed ({error.Field}: {error.Message})."));
        }

        var first = Simulator.Run(todayInput, new Part(progress, 0, 0.5), cancellationToken);
        var second = Simulator.Run(proposedInput, new Part(progress, 0.5, 1), cancellationToken);
        var note = ask.DemandSource == RebalancingAsk.Recorded
            ? "The simulated effect uses synthetic demand with the ask's parameters for both layouts."
            : null;
        return (new SimulatedEffect(ask.Days, ask.Seed, Figures(first), Figures(second), Stale: false), note);
    }

    public static SimulatedFigures Figures(SimulationResult result) => new(
        result.Parking.Requests,
        result.Parking.Served,
        result.Parking.Refused.Sum(r => r.Count),
        Math.Round(result.Parking.MeanWaitMinutes, 1),
        Math.Round(result.Parking.P95WaitMinutes, 1),
        Math.Round(result.Charging.DeliveredPercent / 100, 4),
        result.Buildings.Where(b => b.ResidentsUnserved > 0).ToDictionary(b => b.BuildingId, b => b.ResidentsUnserved, StringComparer.Ordinal));

    private sealed class Part(IProgress<double> progress, double from, double to) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => progress.Report(from + ((to - from) * Math.Clamp(value.Percent / 100, 0, 1)));
    }
}
