using System.Text.Json;
using Parking.Domain.Shelters;
using Parking.Grains.Shelters;

namespace Parking.Api.Devices;

/// <summary>A controller message that is well-formed and makes sense, or why it does not (field and reason).</summary>
public sealed record Parsed<T>(T? Value, string? Field, string? Reason)
{
    public bool IsValid => Reason is null;
}

/// <summary>What one MQTT topic of a shelter names: its compound, shelter, kind (telemetry, state, ack) and port.</summary>
public sealed record ShelterTopic(string CompoundId, string ShelterId, string Kind, string? PortId)
{
    /// <summary>parking/{compound}/shelters/{shelter}/telemetry | acks | ports/{port}/state; null for any other topic.</summary>
    public static ShelterTopic? Parse(string topic)
    {
        var parts = topic.Split('/');
        if (parts.Length < 5 || parts[0] != ShelterTopics.Root || parts[2] != "shelters" || parts[1].Length == 0 || parts[3].Length == 0)
        {
            return null;
        }

        return parts switch
        {
            [_, var c, _, var s, "telemetry"] => new ShelterTopic(c, s, "telemetry", null),
            [_, var c, _, var s, "acks"] => new ShelterTopic(c, s, "acks", null),
            [_, var c, _, var s, "ports", var p, "state"] when p.Length > 0 => new ShelterTopic(c, s, "state", p),
            _ => null,
        };
    }
}

/// <summary>
/// Reads and checks controller payloads against their published JSON Schemas (docs/schemas/mqtt/, see
/// docs/shelters.md). A payload that is not JSON, misses a field or has a value out of range is refused with
/// the field and the reason, and changes nothing.
/// </summary>
public static class ShelterMessages
{
    /// <summary>Larger payloads are refused unread: the biggest valid one is a few hundred bytes.</summary>
    public const int MaxPayloadBytes = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Parsed<ShelterTelemetry> Telemetry(ReadOnlySpan<byte> payload) =>
        Conform<ShelterTelemetryMessage, ShelterTelemetry>(payload, MqttSchemas.Telemetry, m => new ShelterTelemetry(m.PowerW!.Value, m.TemperatureC!.Value, m.Smoke!.Value));

    public static Parsed<PortRelayReport> PortState(ReadOnlySpan<byte> payload) =>
        Conform<PortStateMessage, PortRelayReport>(payload, MqttSchemas.PortState, m => new PortRelayReport(m.On!.Value, m.PowerW!.Value, m.EnergyWh ?? 0));

    public static Parsed<CommandAck> Ack(ReadOnlySpan<byte> payload) =>
        Conform<ShelterAckMessage, CommandAck>(payload, MqttSchemas.Ack, m => new CommandAck(m.CommandId!, m.Ok!.Value, m.Reason));

    /// <summary>Parses the payload, checks it against its schema, then reads it into its message type.</summary>
    private static Parsed<TValue> Conform<TMessage, TValue>(ReadOnlySpan<byte> payload, string schema, Func<TMessage, TValue> read)
        where TMessage : class
    {
        if (payload.Length is 0 or > MaxPayloadBytes)
        {
            return Invalid<TValue>("payload", $"empty or larger than {MaxPayloadBytes} bytes");
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(payload);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            return Invalid<TValue>("payload", $"not JSON: {e.Message}");
        }

        using (document)
        {
            if (MqttSchemas.Check(schema, document.RootElement) is { } breach)
            {
                return Invalid<TValue>(breach.Field, breach.Reason);
            }

            // The schema has vouched for every field the typed message reads.
            return new Parsed<TValue>(read(document.RootElement.Deserialize<TMessage>(Json)!), null, null);
        }
    }

    private static Parsed<T> Invalid<T>(string field, string reason) => new(default, field, reason);

    public static ShelterCommandMessage ToMessage(this ShelterCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new ShelterCommandMessage(command.CommandId, command.Action.Wire(), command.PortId, command.MaxPowerW, command.IssuedAt);
    }

    public static string Wire(this ShelterCommandAction action) => action switch
    {
        ShelterCommandAction.PortOn => ShelterTopics.Actions.PortOn,
        ShelterCommandAction.PortOff => ShelterTopics.Actions.PortOff,
        _ => ShelterTopics.Actions.AllOff,
    };

    public static byte[] Serialize<T>(T message) => JsonSerializer.SerializeToUtf8Bytes(message, Json);

    public static T? Read<T>(ReadOnlySpan<byte> payload)
        where T : class
    {
        try
        {
            return payload.Length is > 0 and <= 4096 ? JsonSerializer.Deserialize<T>(payload, Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
