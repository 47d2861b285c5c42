namespace Parking.Planning.Charging;

/// <summary>Every charging planner by its name: <c>online</c>, <c>offline</c>, <c>in-turn</c> and the baselines.</summary>
public static class ChargingAlgorithms
{
    public static IReadOnlyList<IChargingAlgorithm> Baselines { get; } =
    [
        new GreedyBaseline("fcfs", BaselineRule.FirstComeFirstServed),
        new GreedyBaseline("edf", BaselineRule.EarliestDeadlineFirst),
        new GreedyBaseline("llf", BaselineRule.LeastLaxityFirst),
        new GreedyBaseline("round-robin", BaselineRule.RoundRobin),
    ];

    public static IReadOnlyList<IChargingAlgorithm> All { get; } =
    [
        new OnlineRateAllocation(),
        new OfflineOptimum(),
        new InTurnCpSat(),
        .. Baselines,
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(a => a.Name)];

    public static IChargingAlgorithm Get(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown charging algorithm '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
}
