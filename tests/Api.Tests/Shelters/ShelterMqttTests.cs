using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using Parking.Api.Devices;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Shelters;

/// <summary>
/// Shelter E01 of the small demo compound run by a controller over MQTT: a real MQTTnet client against the
/// host's embedded broker, with the credentials staff issued. Each test has a host of its own (they move its clock).
/// </summary>
public sealed class ShelterMqttTests
{
    private const string Staff = "staff01";
    private const string Shelter = "E01";

    private static string Path(string relative) => ParkingHost.CompoundPath($"shelters/{relative.TrimStart('/')}");

    [Fact]
    public async Task A_smoke_reading_cuts_every_port_by_command_and_a_port_that_does_not_confirm_raises_the_second_alarm()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var broker = await Broker(host);
        var credentials = await Provision(host);
        await using var controller = await MqttController.ConnectAsync(broker, ParkingHost.Compound, Shelter, credentials.Password);
        await using var staff = await host.ConnectHubAsync(Staff);
        var pushes = ShelterPushes.On(staff);

        await controller.TelemetryAsync();
        await Eventually(host, c => c.Status == ShelterControllerStatusDto.Online, "the controller online after its first telemetry");

        // A session starts: its port is switched on by command, with its share of the power limit.
        using (var started = await host.SendAsync(HttpMethod.Post, Path($"{Shelter}/sessions"), "r00031", new StartShelterSessionRequest("E01-P02", null)))
        {
            await ParkingHost.Expect(started, HttpStatusCode.Created);
        }

        var on = await controller.NextCommandAsync("port-on for E01-P02");
        Assert.Equal((ShelterTopics.Actions.PortOn, "E01-P02"), (on.Action, on.Port));
        Assert.True(on.MaxPowerW is > 0 and <= 400);
        await controller.PortStateAsync("E01-P02", on: true, powerW: 180, energyWh: 12);
        await controller.AckAsync(on.CommandId);
        await Eventually(host, c => c.Pending.Count == 0 && c.CommandsIssued == 1, "the port-on confirmed");
        var shelter = await host.GetOkAsync<ShelterDto>(Path(Shelter), Staff);
        Assert.Equal(180, Assert.Single(shelter.Ports, p => p.PortId == "E01-P02").PowerW);

        // Smoke: every port is cut by one all-off command. E01-P07's relay never confirms.
        await controller.TelemetryAsync(smoke: 4.5);
        var allOff = await controller.NextCommandAsync("all-off after smoke");
        Assert.Equal(ShelterTopics.Actions.AllOff, allOff.Action);
        var ports = Enumerable.Range(1, 10).Select(i => $"E01-P{i:00}").ToList();
        foreach (var port in ports.Where(p => p != "E01-P07"))
        {
            await controller.PortStateAsync(port, on: false, powerW: 0);
        }

        var waiting = await Eventually(host, c => c.Pending.Count == 1 && c.Pending[0].Ports.SequenceEqual(["E01-P07"]), "only E01-P07 unconfirmed");
        Assert.Equal(allOff.CommandId, waiting.Pending[0].CommandId);
        Assert.Empty(pushes.Received<ShelterCommandFailedDto>());

        host.Time.Advance(TimeSpan.FromSeconds(6));
        var failed = await pushes.WaitFor<ShelterCommandFailedDto>(f => f.CommandId == allOff.CommandId, "the port-did-not-cut alarm");
        Assert.Equal((ShelterCommandFailureKindDto.PortDidNotCut, "no-ack"), (failed.Kind, failed.Reason));
        Assert.Equal(["E01-P07"], failed.Ports);
        var view = await Eventually(host, c => c.RecentFailures.Count == 1, "the failure in the controller's view");
        Assert.Equal(allOff.CommandId, view.RecentFailures[0].CommandId);

        shelter = await host.GetOkAsync<ShelterDto>(Path(Shelter), Staff);
        Assert.Equal(ShelterAlarmKindDto.Smoke, shelter.Alarm?.Kind);
        Assert.All(shelter.Ports, p => Assert.Equal("cut", p.Status.WireName()));
    }

    [Fact]
    public async Task A_controller_that_falls_silent_goes_offline_and_its_shelter_refuses_sessions_until_it_reports_again()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var broker = await Broker(host);
        var first = await Provision(host);

        // Own credentials, checked by the broker; rotating them retires the old password.
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await MqttController.TryConnectAsync(broker, ShelterTopics.ControllerUser(ParkingHost.Compound, Shelter), "guess")));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await MqttController.TryConnectAsync(broker, Staff, "anything")));
        var credentials = await Provision(host);
        Assert.Equal(2, credentials.Version);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await MqttController.TryConnectAsync(broker, credentials.Username, first.Password)));
        await using var controller = await MqttController.ConnectAsync(broker, ParkingHost.Compound, Shelter, credentials.Password);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await controller.SubscribeAsync("parking/#"));

        // Bad payloads break their published schema: each is refused and recorded with its field and reason, and
        // changes nothing (a smoke reading of 50 without a temperature raises no alarm; the controller stays unheard).
        await controller.PublishRawAsync(ShelterTopics.Telemetry(ParkingHost.Compound, Shelter), """{"powerW":0,"temperatureC":25,"smoke":"lots"}""");
        await controller.PublishRawAsync(ShelterTopics.Telemetry(ParkingHost.Compound, Shelter), """{"powerW":0,"smoke":50}""");
        await controller.PublishRawAsync(ShelterTopics.PortState(ParkingHost.Compound, Shelter, "E01-P03"), """{"on":false,"powerW":250}""");
        await controller.PublishRawAsync(ShelterTopics.Telemetry(ParkingHost.Compound, Shelter), "not json");
        await controller.PublishRawAsync(ShelterTopics.Acks(ParkingHost.Compound, Shelter), """{"commandId":"E01-c000001","ok":"yes"}""");
        var rejected = (await Eventually(host, c => c.RecentRejected.Count == 5, "five messages refused")).RecentRejected;
        Assert.Equal(ShelterControllerStatusDto.None, (await host.GetOkAsync<ShelterControllerDto>(Path($"{Shelter}/controller"), Staff)).Status);
        Assert.Contains(rejected, r => r.Field == "smoke" && r.Reason.Contains("number", StringComparison.Ordinal) && r.Topic.EndsWith("/telemetry", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Field == "temperatureC" && r.Reason.StartsWith("required", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Field == "powerW" && r.Reason.Contains("draws no power", StringComparison.Ordinal) && r.Topic.EndsWith("/ports/E01-P03/state", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Field == "payload" && r.Reason.StartsWith("not JSON", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Field == "ok" && r.Topic.EndsWith("/acks", StringComparison.Ordinal));
        await controller.TelemetryAsync();
        await Eventually(host, c => c.Status == ShelterControllerStatusDto.Online, "online after valid telemetry");
        var shelter = await host.GetOkAsync<ShelterDto>(Path(Shelter), Staff);
        Assert.Null(shelter.Alarm);
        Assert.Equal(0, Assert.Single(shelter.Ports, p => p.PortId == "E01-P03").PowerW);

        host.Time.Advance(TimeSpan.FromSeconds(61));
        await Eventually(host, c => c.Status == ShelterControllerStatusDto.Offline, "offline after 60 s of silence");
        shelter = await host.GetOkAsync<ShelterDto>(Path(Shelter), Staff);
        Assert.True(shelter.ControllerOffline);
        Assert.Equal(0, shelter.FreePorts);
        using (var refused = await host.SendAsync(HttpMethod.Post, Path($"{Shelter}/sessions"), "r00032", new StartShelterSessionRequest("E01-P04", null)))
        {
            await ProblemAssert.Expect(refused, HttpStatusCode.Conflict, "shelter-offline");
        }

        await controller.TelemetryAsync();
        await Eventually(host, c => c.Status == ShelterControllerStatusDto.Online, "online again when it reports");
        using var started = await host.SendAsync(HttpMethod.Post, Path($"{Shelter}/sessions"), "r00032", new StartShelterSessionRequest("E01-P04", null));
        await ParkingHost.Expect(started, HttpStatusCode.Created);
    }

    private static async Task<MqttBrokerAddress> Broker(ParkingHost host)
    {
        await host.Factory.Services.GetRequiredService<MqttShelterLink>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        return await host.Factory.Services.GetRequiredService<MqttBrokerEndpoint>().Address;
    }

    private static async Task<ControllerCredentialsDto> Provision(ParkingHost host)
    {
        using var response = await host.SendAsync(HttpMethod.Post, Path($"{Shelter}/controller/credentials"), Staff);
        await ParkingHost.Expect(response, HttpStatusCode.Created);
        var credentials = (await response.Content.ReadFromJsonAsync<ControllerCredentialsDto>(ParkingHost.Json))!;
        Assert.Equal($"{ParkingHost.Compound}/shelters/{Shelter}", credentials.Username);
        return credentials;
    }

    /// <summary>Polls the controller's view until it matches (a wait of at most 10 s, not a timing assert).</summary>
    private static async Task<ShelterControllerDto> Eventually(ParkingHost host, Func<ShelterControllerDto, bool> match, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            var view = await host.GetOkAsync<ShelterControllerDto>(Path($"{Shelter}/controller"), Staff);
            if (match(view))
            {
                return view;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Expected {what}; the controller is {System.Text.Json.JsonSerializer.Serialize(view)}");
            }

            await Task.Delay(50);
        }
    }
}
