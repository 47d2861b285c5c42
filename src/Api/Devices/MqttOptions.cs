namespace Parking.Api.Devices;

/// <summary>
/// Where Parking's MQTT client finds the broker of the shelter controllers (<c>Parking:Mqtt</c>). Without a
/// <see cref="Server"/>, the embedded default starts a broker of its own on loopback.
/// </summary>
public sealed class MqttOptions
{
    public const string SectionName = "Parking:Mqtt";

    /// <summary>False: no broker and no MQTT client at all (shelters are run through HTTP only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>An external broker's host name (EMQX, Mosquitto); empty: the embedded broker.</summary>
    public string? Server { get; set; }

    /// <summary>The external broker's port.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Connect to the external broker over TLS (port 8883, usually); the broker's certificate must name <see cref="Server"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// With TLS: a PEM file of the certificate authority that signed the broker's certificate, for a broker
    /// whose certificate the machine's trust store does not know (a compound's own CA). Empty: the machine's
    /// trust store.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Parking's own user on the external broker: it subscribes to every shelter's topics and publishes commands.</summary>
    public string Username { get; set; } = "parking";

    /// <summary>Its password on the external broker (the embedded broker makes one up per process).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// With several silos on one external broker, a shared-subscription group (MQTT 5 <c>$share/{group}/...</c>,
    /// which EMQX and Mosquitto 2 support) so each controller message reaches one silo, not all of them.
    /// </summary>
    public string? SharedSubscriptionGroup { get; set; }

    /// <summary>The embedded broker's loopback port; when it is taken, a free one is used and logged. 0: always a free one.</summary>
    public int EmbeddedPort { get; set; } = 1883;
}

/// <summary>How this host reaches its broker: set from configuration, or by the embedded broker once it listens.</summary>
public sealed record MqttBrokerAddress(string Host, int Port, bool UseTls, string Username, string Password, string? CaCertificatePath = null)
{
    /// <summary>The external broker named by <c>Parking:Mqtt</c>; null without a <see cref="MqttOptions.Server"/> (the embedded broker sets its own).</summary>
    public static MqttBrokerAddress? FromOptions(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Server)
            ? null
            : new MqttBrokerAddress(
                options.Server.Trim(),
                options.Port,
                options.UseTls,
                options.Username,
                options.Password ?? string.Empty,
                string.IsNullOrWhiteSpace(options.CaCertificatePath) ? null : options.CaCertificatePath);
    }

    /// <summary>Never print the password (logs, exceptions).</summary>
    public override string ToString() => $"{Username}@{Host}:{Port}{(UseTls ? " (TLS)" : string.Empty)}";
}

/// <summary>The broker this host's MQTT client connects to, known once the broker (embedded or external) is ready.</summary>
public sealed class MqttBrokerEndpoint
{
    private readonly TaskCompletionSource<MqttBrokerAddress> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<MqttBrokerAddress> Address => _address.Task;

    public void Set(MqttBrokerAddress address) => _address.TrySetResult(address);
}
