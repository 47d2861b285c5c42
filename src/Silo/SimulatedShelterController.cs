using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;
using Parking.Api.Devices;
using Parking.Contracts;

namespace Parking.Silo;

/// <summary>
/// A simulated e-bike shelter controller speaking the documented MQTT protocol, as a real one would: it
/// connects with its shelter's credentials, switches port relays on the commands it receives and
/// acknowledges them, and on every tick publishes the shelter's telemetry and each port's state. A port
/// switched on charges a simulated battery at most at the power the command allows, tapering at the end and
/// drawing almost nothing once full, so the shelter's full-battery cut-off ends the session.
/// </summary>
public sealed class SimulatedShelterController(
    string compoundId,
    string shelterId,
    IReadOnlyList<string> portIds,
    double speedUp,
    Random random) : IAsyncDisposable
{
    private const double FullBatteryWatts = 2;

    private readonly ConcurrentDictionary<string, Battery> _batteries = new(StringComparer.Ordinal);
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Lock _randomGate = new();

    public string ShelterId => shelterId;

    /// <summary>Raised for every command received, before it is carried out (the benchmark times it).</summary>
    public event Action<ShelterCommandMessage>? CommandReceived;

    /// <summary>Smoke obscuration the next telemetry reports (% per metre); normal air is about 0.1.</summary>
    public double Smoke { get; set; } = 0.1;

    /// <summary>Ports whose relay the controller pretends to switch but cannot switch off (a stuck relay).</summary>
    public HashSet<string> StuckPorts { get; } = new(StringComparer.Ordinal);

    public bool IsConnected => _client.IsConnected;

    public async Task ConnectAsync(MqttBrokerAddress broker, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        _client.ApplicationMessageReceivedAsync += e => OnCommand(e.ApplicationMessage.Payload.ToArray());
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithCredentials(ShelterTopics.ControllerUser(compoundId, shelterId), password)
            .WithClientId($"controller-{compoundId}-{shelterId}")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanSession()
            .Build();
        var connected = await _client.ConnectAsync(options, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"The broker refused controller {compoundId}/{shelterId}: {connected.ResultCode} {connected.ReasonString}");
        }

        await _client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ShelterTopics.Commands(compoundId, shelterId), MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken);
    }

    /// <summary>Publishes the telemetry and every port's state, after charging the batteries for <paramref name="elapsed"/>.</summary>
    public async Task TickAsync(TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var total = 0.0;
        var states = new List<(string Port, PortStateMessage State)>(portIds.Count);
        foreach (var port in portIds)
        {
            if (_batteries.TryGetValue(port, out var battery))
            {
                var power = battery.PowerW();
                battery.DeliveredWh += power * elapsed.TotalHours * speedUp;
                total += power;
                states.Add((port, new PortStateMessage(true, Math.Round(power, 1), Math.Round(battery.DeliveredWh, 1))));
            }
            else
            {
                states.Add((port, new PortStateMessage(false, 0, 0)));
            }
        }

        double temperature;
        lock (_randomGate)
        {
            temperature = Math.Round(24 + (random.NextDouble() * 4), 1);
        }

        await PublishAsync(ShelterTopics.Telemetry(compoundId, shelterId), new ShelterTelemetryMessage(Math.Round(total, 1), temperature, Smoke), cancellationToken);
        foreach (var (port, state) in states)
        {
            await PublishAsync(ShelterTopics.PortState(compoundId, shelterId, port), state, cancellationToken);
        }
    }

    /// <summary>Publishes telemetry with a smoke reading now (the alarm path), whatever the tick.</summary>
    public Task PublishSmokeAsync(double smoke, CancellationToken cancellationToken) =>
        PublishAsync(ShelterTopics.Telemetry(compoundId, shelterId), new ShelterTelemetryMessage(0, 25, smoke), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
        }

        _client.Dispose();
    }

    private async Task OnCommand(byte[] payload)
    {
        if (ShelterMessages.Read<ShelterCommandMessage>(payload) is not { } command)
        {
            return;
        }

        CommandReceived?.Invoke(command);
        var switched = new List<(string Port, bool On)>();
        switch (command.Action)
        {
            case ShelterTopics.Actions.PortOn when command.Port is { } port && portIds.Contains(port):
                lock (_randomGate)
                {
                    _batteries[port] = Battery.Random(random, command.MaxPowerW ?? 400);
                }

                switched.Add((port, true));
                break;
            case ShelterTopics.Actions.PortOff when command.Port is { } port && portIds.Contains(port):
                if (!StuckPorts.Contains(port))
                {
                    _batteries.TryRemove(port, out _);
                    switched.Add((port, false));
                }

                break;
            case ShelterTopics.Actions.AllOff:
                foreach (var port in portIds.Where(p => !StuckPorts.Contains(p)))
                {
                    _batteries.TryRemove(port, out _);
                    switched.Add((port, false));
                }

                break;
        }

        foreach (var (port, on) in switched)
        {
            var power = on && _batteries.TryGetValue(port, out var battery) ? Math.Round(battery.PowerW(), 1) : 0;
            await PublishAsync(ShelterTopics.PortState(compoundId, shelterId, port), new PortStateMessage(on, power, 0), CancellationToken.None);
        }

        var stuck = command.Action == ShelterTopics.Actions.AllOff ? StuckPorts.Count > 0 : command.Port is { } p && StuckPorts.Contains(p);
        await PublishAsync(
            ShelterTopics.Acks(compoundId, shelterId),
            new ShelterAckMessage(command.CommandId, !stuck, stuck ? "relay did not open" : null),
            CancellationToken.None);
    }

    private Task PublishAsync<T>(string topic, T message, CancellationToken cancellationToken) =>
        _client.IsConnected
            ? _client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(ShelterMessages.Serialize(message)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(),
                cancellationToken)
            : Task.CompletedTask;

    /// <summary>A 48 V e-bike battery behind its charger: constant power, then a taper over the last part of the charge.</summary>
    private sealed class Battery(double needWh, double chargerW)
    {
        private const double TaperShare = 0.15;

        public double DeliveredWh { get; set; }

        public static Battery Random(Random random, double maxW) =>
            new(150 + (random.NextDouble() * 550), Math.Min(maxW, 150 + (random.NextDouble() * 100)));

        public double PowerW()
        {
            var remaining = needWh - DeliveredWh;
            if (remaining <= 0)
            {
                return FullBatteryWatts;
            }

            var taper = needWh * TaperShare;
            return remaining >= taper ? chargerW : Math.Max(FullBatteryWatts * 3, chargerW * remaining / taper);
        }
    }
}
