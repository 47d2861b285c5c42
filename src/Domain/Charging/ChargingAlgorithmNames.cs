namespace Parking.Domain.Charging;

/// <summary>
/// The charging planners a scenario or an area may name. Planning implements each (its <c>ChargingAlgorithms</c>;
/// a Planning test keeps the two lists equal), so the API can check a name without reaching into Planning.
/// </summary>
public static class ChargingAlgorithmNames
{
    public static IReadOnlyList<string> All { get; } = ["online", "offline", "in-turn", "fcfs", "edf", "llf", "round-robin"];
}
