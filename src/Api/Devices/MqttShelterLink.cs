using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using Parking.Grains.Shelters;

namespace Parking.Api.Devices;

/// <summary>
/// This host's MQTT client: subscribes to every shelter controller's telemetry, port states and
/// acknowledgements, checks each payload and hands it to the controller's grain with this host's link
/// reference; the grains send their commands back through it. It reconnects when the broker goes away.
/// </summary>
public sealed partial class MqttShelterLink(
    IGrainFactory grains,
    MqttBrokerEndpoint endpoint,
    IOptions<MqttOptions> options,
    ILogger<MqttShelterLink> logger) : BackgroundService, IShelterLink
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    private readonly MqttOptions _options = options.Value;
    private IMqttClient? _client;
    private IShelterLink? _reference;

    /// <summary>Why the last attempt to connect failed (the broker's refusal, a TLS or network error); null once connected.</summary>
    public string? LastConnectError { get; private set; }

    /// <summary>Becomes true once subscribed (tests and the benchmark wait for it).</summary>
    public Task Subscribed => _subscribed.Task;

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var address = await endpoint.Address.WaitAsync(stoppingToken);
        _reference = grains.CreateObjectReference<IShelterLink>(this);
        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload.ToArray();
            var topic = e.ApplicationMessage.Topic;

            // Not awaited: one slow grain call must not hold up the next controller's message.
            _ = Handle(topic, payload);
            return Task.CompletedTask;
        };

        var filter = string.IsNullOrWhiteSpace(_options.SharedSubscriptionGroup)
            ? $"{ShelterTopics.Root}/+/shelters/#"
            : $"$share/{_options.SharedSubscriptionGroup}/{ShelterTopics.Root}/+/shelters/#";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    var builder = new MqttClientOptionsBuilder()
                        .WithTcpServer(address.Host, address.Port)
                        .WithCredentials(address.Username, address.Password)
                        .WithClientId(ClientId(Environment.MachineName, Environment.ProcessId, Guid.NewGuid()))
                        .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                        .WithCleanSession()
                        .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
                    if (address.UseTls)
                    {
                        builder.WithTlsOptions(tls =>
                        {
                            tls.UseTls().WithTargetHost(address.Host);
                            if (address.CaCertificatePath is { } ca)
                            {
                                // The broker's chain must end at this CA (and still name the host).
                                tls.WithTrustChain(LoadPem(ca));
                            }
                        });
                    }

                    var connected = await client.ConnectAsync(builder.Build(), stoppingToken);
                    if (connected.ResultCode != MqttClientConnectResultCode.Success)
                    {
                        Refused(address, $"{connected.ResultCode} {connected.ReasonString}".TrimEnd());
                    }
                    else
                    {
                        await client.SubscribeAsync(
                            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                            stoppingToken);
                        LastConnectError = null;
                        LogConnected(address.Host, address.Port, filter);
                        _subscribed.TrySetResult();
                    }
                }
            }
            catch (MqttConnectingFailedException refused)
            {
                Refused(address, refused.Message);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LastConnectError = exception.Message;
                LogConnectFailed(exception, address.Host, address.Port);
            }

            try
            {
                await Task.Delay(Retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            }
            catch (MqttCommunicationException)
            {
                // The broker closed the connection first (the embedded one stops with the same host): there is nobody
                // left to say goodbye to, and the link's own reference must still be released below.
            }
        }

        grains.DeleteObjectReference<IShelterLink>(_reference);
    }

    /// <summary>The broker answered and said no: wrong user name or password, or not authorized.</summary>
    private void Refused(MqttBrokerAddress address, string reason)
    {
        LastConnectError = reason;
        LogRefused(address.Host, address.Port, address.Username, reason);
    }

    public async Task<bool> Send(Parking.Domain.Shelters.ShelterCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_client is not { IsConnected: true } client)
        {
            return false;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(ShelterTopics.Commands(command.CompoundId, command.ShelterId))
            .WithPayload(ShelterMessages.Serialize(command.ToMessage()))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .Build();
        var result = await client.PublishAsync(message);
        return result.IsSuccess;
    }

    private async Task Handle(string topic, byte[] payload)
    {
        try
        {
            if (ShelterTopic.Parse(topic) is not { } parsed)
            {
                return;
            }

            var controller = grains.ShelterController(parsed.CompoundId, parsed.ShelterId);
            var link = _reference!;
            switch (parsed.Kind)
            {
                case "telemetry":
                    var telemetry = ShelterMessages.Telemetry(payload);
                    if (!telemetry.IsValid)
                    {
                        await Reject(controller, topic, telemetry.Field!, telemetry.Reason!);
                        return;
                    }

                    await Refused(controller, topic, await controller.Telemetry(telemetry.Value!, link));
                    break;
                case "state":
                    var state = ShelterMessages.PortState(payload);
                    if (!state.IsValid)
                    {
                        await Reject(controller, topic, state.Field!, state.Reason!);
                        return;
                    }

                    await Refused(controller, topic, await controller.PortState(parsed.PortId!, state.Value!, link));
                    break;
                case "acks":
                    var ack = ShelterMessages.Ack(payload);
                    if (!ack.IsValid)
                    {
                        await Reject(controller, topic, ack.Field!, ack.Reason!);
                        return;
                    }

                    await controller.Acknowledge(ack.Value!, link);
                    break;
            }
        }
        catch (Exception exception)
        {
            LogHandleFailed(exception, topic);
        }
    }

    private async Task Refused(IShelterControllerGrain controller, string topic, Outcome<bool> outcome)
    {
        if (outcome.Error is { } error)
        {
            await Reject(controller, topic, error.Field ?? "topic", error.Message);
        }
    }

    /// <summary>A refused message is logged here and recorded on the controller's link, where staff see it.</summary>
    private async Task Reject(IShelterControllerGrain controller, string topic, string field, string reason)
    {
        LogInvalid(topic, field, reason);
        await controller.Rejected(topic, field, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shelter controllers: connected to MQTT broker {Host}:{Port}, subscribed to {Filter}")]
    private partial void LogConnected(string host, int port, string filter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shelter controllers: cannot reach MQTT broker {Host}:{Port}; retrying")]
    private partial void LogConnectFailed(Exception exception, string host, int port);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shelter controllers: MQTT broker {Host}:{Port} refused user {Username}: {Reason}; check Parking:Mqtt:Username and Password; retrying")]
    private partial void LogRefused(string host, int port, string username, string reason);

    /// <summary>A PEM file of one or more certificates.</summary>
    /// <summary>
    /// This silo's MQTT client id: unique by its Guid, which comes first, then the host and process for people
    /// reading the broker's log; at most 48 characters. (Cutting a longer string to 48 used to throw on a host
    /// whose name and process id were short, e.g. "vm" and a three-digit id, so the link never connected.)
    /// </summary>
    public static string ClientId(string machineName, int processId, Guid id)
    {
        var clientId = $"parking-{id:N}-{machineName}-{processId}";
        return clientId.Length <= 48 ? clientId : clientId[..48];
    }

    private static X509Certificate2Collection LoadPem(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shelter controller message on {Topic} ignored: {Field}: {Reason}")]
    private partial void LogInvalid(string topic, string field, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shelter controller message on {Topic} could not be handled")]
    private partial void LogHandleFailed(Exception exception, string topic);
}
