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

    /// <summary>Reads an instance; <paramref name="source"/> names the input in the error when it holds none.</summary>
    public static ChargingInstance ReadInstance(Stream json, string source = "the input") =>
        JsonSerializer.Deserialize<ChargingInstance>(json, Options)
        ?? throw new InvalidDataException($"{source} holds no charging instance.");

    public static void WriteInstance(Stream json, ChargingInstance instance) =>
        JsonSerializer.Serialize(json, instance, Options);
}
