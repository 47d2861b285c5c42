using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Parking.Api.Devices;

/// <summary>
/// The JSON Schemas of the shelter controllers' MQTT payloads, published in docs/schemas/mqtt/ and embedded here,
/// evaluated with JsonSchema.Net. A payload that breaks its schema is refused with the field and the reason.
/// </summary>
public static class MqttSchemas
{
    public const string Telemetry = "shelter-telemetry";
    public const string PortState = "shelter-port-state";
    public const string Ack = "shelter-ack";
    public const string Command = "shelter-command";

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private static readonly Lazy<IReadOnlyDictionary<string, (JsonSchema Schema, JsonNode Text)>> Schemas = new(Load);

    /// <summary>Null when <paramref name="payload"/> conforms to the named schema; else the first breach as a field and a reason.</summary>
    public static (string Field, string Reason)? Check(string name, JsonElement payload)
    {
        var (schema, text) = Schemas.Value[name];
        var result = schema.Evaluate(payload, Options);
        if (result.IsValid)
        {
            return null;
        }

        (string Field, string Reason)? first = null;
        foreach (var detail in (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }))
        {
            foreach (var (keyword, message) in detail.Errors!)
            {
                var breach = Describe(text, payload, keyword, message, detail.InstanceLocation.ToString(), detail.EvaluationPath.ToString());

                // A breach of a field is clearer than the root's "then failed" or "allOf failed" summaries.
                if (first is null || (first.Value.Field == "payload" && breach.Field != "payload"))
                {
                    first = breach;
                }
            }
        }

        return first ?? ("payload", $"does not conform to the {name} schema");
    }

    /// <summary>The schema's text, as published.</summary>
    public static string Text(string name) => Schemas.Value[name].Text.ToJsonString();

    private static (string Field, string Reason) Describe(JsonNode schema, JsonElement payload, string keyword, string message, string instance, string evaluation)
    {
        if (keyword == "required" && payload.ValueKind == JsonValueKind.Object)
        {
            // Required at the root, or under a then: name the first required field the payload lacks.
            var at = Node(schema, evaluation);
            var missing = (at?["required"] as JsonArray ?? [])
                .Select(n => n!.GetValue<string>())
                .FirstOrDefault(f => !payload.TryGetProperty(f, out _));
            if (missing is not null)
            {
                return (missing, $"required: {Description(at?["properties"]?[missing] ?? schema["properties"]?[missing])}");
            }
        }

        var field = instance.Trim('/').Replace('/', '.');
        if (field.Length == 0)
        {
            return ("payload", payload.ValueKind == JsonValueKind.Object ? message : $"not a JSON object: {message}");
        }

        var described = Node(schema, evaluation) ?? schema["properties"]?[field];
        return (field, $"{message}; expected {Description(described)}");
    }

    /// <summary>The subschema an evaluation path leads to (a detail's path names the subschema, its errors the keywords).</summary>
    private static JsonNode? Node(JsonNode schema, string evaluation)
    {
        JsonNode? node = schema;
        foreach (var segment in evaluation.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject o => o[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)],
                JsonArray a when int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    private static string Description(JsonNode? node) => node?["description"]?.GetValue<string>() ?? "a value as documented";

    private static Dictionary<string, (JsonSchema, JsonNode)> Load()
    {
        var assembly = typeof(MqttSchemas).Assembly;
        var schemas = new Dictionary<string, (JsonSchema, JsonNode)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("mqtt.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            schemas[resource["mqtt.".Length..^".schema.json".Length]] = (JsonSchema.FromText(text), JsonNode.Parse(text)!);
        }

        return schemas;
    }
}
