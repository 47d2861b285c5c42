using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parking.Planning.Charging;

/// <summary>The instance file format (camelCase JSON, documented in docs/planning-charging.md).</summary>
public static class ChargingJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static ChargingInstance ReadInstance(string path) =>
        JsonSerializer.Deserialize<ChargingInstance>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} holds no charging instance.");

    public static void WriteInstance(string path, ChargingInstance instance) =>
        File.WriteAllText(path, JsonSerializer.Serialize(instance, Options));
}
