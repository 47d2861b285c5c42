using System.Text.Json;
using System.Text.Json.Serialization;
using Parking.Domain.Scenarios;
using Parking.Domain.Simulation;

namespace Parking.Planning.Simulation;

/// <summary>
/// The simulation's files: a scenario (<see cref="ScenarioDefinition"/>: camelCase, enums as <c>ev</c>,
/// <c>private</c>, durations as <c>hh:mm:ss</c>, times of day as <c>HH:mm:ss</c>), demand parameters, and results.
/// </summary>
public static class SimulationJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>A scenario file; missing change lists are empty and missing rules keep the live ones.</summary>
    public static ScenarioDefinition ReadScenario(string json)
    {
        var scenario = JsonSerializer.Deserialize<ScenarioDefinition>(json, Options)
            ?? throw new InvalidDataException("The file holds no scenario.");
        var changes = scenario.Changes ?? LayoutChanges.None;
        return scenario with
        {
            Name = scenario.Name ?? "scenario",
            Description = scenario.Description ?? string.Empty,
            Changes = new LayoutChanges(changes.Spaces ?? [], changes.Chargers ?? [], changes.Shelters ?? [], changes.AreaCapacities ?? []),
            Rules = scenario.Rules ?? ScenarioRules.Live,
        };
    }

    public static DemandParameters ReadDemand(string json) =>
        JsonSerializer.Deserialize<DemandParameters>(json, Options) ?? throw new InvalidDataException("The file holds no demand parameters.");

    public static string Write(SimulationResult result) => JsonSerializer.Serialize(result, Options);

    public static SimulationResult ReadResult(string json) =>
        JsonSerializer.Deserialize<SimulationResult>(json, Options) ?? throw new InvalidDataException("The file holds no simulation result.");
}
