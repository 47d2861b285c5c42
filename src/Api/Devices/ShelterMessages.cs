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
/// Reads and checks controller payloads (documented in docs/shelters.md). A payload that is not JSON, misses
/// a field or has a value out of range is refused with the field and the reason, and changes nothing.
/// </summary>
public static class ShelterMessages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Parsed<ShelterTelemetry> Telemetry(ReadOnlySpan<byte> payload)
    {
        if (Read<ShelterTelemetryMessage>(payload) is not { } m)
        {
            return Invalid<ShelterTelemetry>("payload", "not a JSON object of the telemetry message");
        }

        if (m.PowerW is not { } power || !double.IsFinite(power) || power < 0)
        {
            return Invalid<ShelterTelemetry>("powerW", "required, a number of watts, 0 or more");
        }

        if (m.TemperatureC is not { } temperature || !double.IsFinite(temperature) || temperature < -60 || temperature > 400)
        {
            return Invalid<ShelterTelemetry>("temperatureC", "required, degrees Celsius between -60 and 400");
        }

        if (m.Smoke is not { } smoke || !double.IsFinite(smoke) || smoke < 0 || smoke > 100)
        {
            return Invalid<ShelterTelemetry>("smoke", "required, an obscuration in % per metre between 0 and 100");
        }

        return new Parsed<ShelterTelemetry>(new ShelterTelemetry(power, temperature, smoke), null, null);
    }

    public static Parsed<PortRelayReport> PortState(ReadOnlySpan<byte> payload)
    {
        if (Read<PortStateMessage>(payload) is not { } m)
        {
            return Invalid<PortRelayReport>("payload", "not a JSON object of the port state message");
        }

        if (m.On is not { } on)
        {
            return Invalid<PortRelayReport>("on", "required, true or false");
        }

        if (m.PowerW is not { } power || !double.IsFinite(power) || power < 0 || power > 10_000)
        {
            return Invalid<PortRelayReport>("powerW", "required, a number of watts between 0 and 10000");
        }

        var energy = m.EnergyWh ?? 0;
        if (!double.IsFinite(energy) || energy < 0)
        {
            return Invalid<PortRelayReport>("energyWh", "a number of watt-hours, 0 or more");
        }

        if (!on && power > 0)
        {
            return Invalid<PortRelayReport>("powerW", "a port whose relay is off draws no power");
        }

        return new Parsed<PortRelayReport>(new PortRelayReport(on, power, energy), null, null);
    }

    public static Parsed<CommandAck> Ack(ReadOnlySpan<byte> payload)
    {
        if (Read<ShelterAckMessage>(payload) is not { } m)
        {
            return Invalid<CommandAck>("payload", "not a JSON object of the acknowledgement message");
        }

        if (string.IsNullOrWhiteSpace(m.CommandId) || m.CommandId.Length > 64)
        {
            return Invalid<CommandAck>("commandId", "required, the id of the command (at most 64 characters)");
        }

        if (m.Ok is not { } ok)
        {
            return Invalid<CommandAck>("ok", "required, true or false");
        }

        if (m.Reason is { Length: > 200 })
        {
            return Invalid<CommandAck>("reason", "at most 200 characters");
        }

        return new Parsed<CommandAck>(new CommandAck(m.CommandId, ok, m.Reason), null, null);
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
