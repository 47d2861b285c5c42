using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;
using Parking.Api.Devices;
using Parking.Contracts;

namespace Parking.Api.Tests.Shelters;

/// <summary>
/// A shelter controller as a test plays it: a real MQTTnet client with the shelter's credentials, publishing
/// the documented payloads and recording the commands it receives. It switches nothing by itself: the test
/// decides what it confirms.
/// </summary>
public sealed class MqttController : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<ShelterCommandMessage> _commands = Channel.CreateUnbounded<ShelterCommandMessage>();

    private MqttController(string compoundId, string shelterId)
    {
        CompoundId = compoundId;
        ShelterId = shelterId;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var command = JsonSerializer.Deserialize<ShelterCommandMessage>(e.ApplicationMessage.Payload.ToArray(), Json)!;
            _commands.Writer.TryWrite(command);
            return Task.CompletedTask;
        };
    }

    public string CompoundId { get; }

    public string ShelterId { get; }

    public static async Task<MqttClientConnectResultCode> TryConnectAsync(MqttBrokerAddress broker, string username, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(Options(broker, username, password, $"probe-{Guid.NewGuid():N}"));
            await client.DisconnectAsync();
            return result.ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException failed)
        {
            // MQTTnet 5 names the broker's reason code only in the message.
            return Enum.GetValues<MqttClientConnectResultCode>().First(code => code != MqttClientConnectResultCode.Success && failed.Message.Contains(code.ToString(), StringComparison.Ordinal));
        }
    }

    public static async Task<MqttController> ConnectAsync(MqttBrokerAddress broker, string compoundId, string shelterId, string password)
    {
        var controller = new MqttController(compoundId, shelterId);
        await controller._client.ConnectAsync(Options(broker, ShelterTopics.ControllerUser(compoundId, shelterId), password, $"test-{shelterId}-{Guid.NewGuid():N}"));
        var subscribed = await controller._client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ShelterTopics.Commands(compoundId, shelterId), MqttQualityOfServiceLevel.AtLeastOnce).Build());
        if (subscribed.Items.Single().ResultCode != MqttClientSubscribeResultCode.GrantedQoS1)
        {
            throw new InvalidOperationException($"Subscription refused: {subscribed.Items.Single().ResultCode}");
        }

        return controller;
    }

    /// <summary>Tries to subscribe to a topic filter; the broker's answer.</summary>
    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.Items.Single().ResultCode;
    }

    public Task<MqttClientPublishResult> TelemetryAsync(double powerW = 0, double temperatureC = 25, double smoke = 0.1) =>
        PublishAsync(ShelterTopics.Telemetry(CompoundId, ShelterId), new ShelterTelemetryMessage(powerW, temperatureC, smoke));

    public Task<MqttClientPublishResult> PortStateAsync(string portId, bool on, double powerW, double energyWh = 0) =>
        PublishAsync(ShelterTopics.PortState(CompoundId, ShelterId, portId), new PortStateMessage(on, powerW, energyWh));

    public Task<MqttClientPublishResult> AckAsync(string commandId, bool ok = true, string? reason = null) =>
        PublishAsync(ShelterTopics.Acks(CompoundId, ShelterId), new ShelterAckMessage(commandId, ok, reason));

    public Task<MqttClientPublishResult> PublishRawAsync(string topic, string payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>The next command Parking sent (10 s at most, real time: it is a wait, not a timing assert).</summary>
    public async Task<ShelterCommandMessage> NextCommandAsync(string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _commands.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No command arrived: expected {what}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private Task<MqttClientPublishResult> PublishAsync<T>(string topic, T message) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(message, Json))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    private static MqttClientOptions Options(MqttBrokerAddress broker, string username, string password, string clientId) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithCredentials(username, password)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanSession()
            .Build();
}
