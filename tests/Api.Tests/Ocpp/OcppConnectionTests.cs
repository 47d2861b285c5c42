using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>A charger that connects again replaces its old socket; a command it never answers ends as failed and staff hear of it.</summary>
[Collection(OcppHostCollection.Name)]
public sealed class OcppConnectionTests(OcppHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    private static string OcppPath(string chargerId, string rest = "") => ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp{rest}");

    [Fact]
    public async Task A_second_connection_with_the_same_id_takes_over_and_the_old_socket_is_closed()
    {
        var chargerId = fixture.Chargers[1];
        await using var first = await OcppCharger.ConnectAsync(_host, chargerId);
        await first.BootAsync();

        await using var second = await OcppCharger.ConnectAsync(_host, chargerId);
        await second.BootAsync();

        // The old socket is closed by the central system; commands go to the new one.
        await first.Client.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotEqual(System.Net.WebSockets.WebSocketState.Open, first.Client.State);
        using var command = await _host.SendAsync(HttpMethod.Post, OcppPath(chargerId, "/commands"), "staff01", new ChargerCommandBody("UnlockConnector", ConnectorId: 1));
        await ParkingHost.Expect(command, HttpStatusCode.OK);
        Assert.Equal(OcppCommandStatusDto.Accepted, (await command.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!.Status);
        await second.ExpectCallAsync("UnlockConnector", what: "the command goes to the connection that took over");
        Assert.True((await _host.GetOkAsync<ChargePointDto>(OcppPath(chargerId), "staff01")).Connected);
        Assert.True((await second.CallAsync("Heartbeat", new JsonObject())).TryGetProperty("currentTime", out _));
    }
}

/// <summary>A host whose chargers have two seconds to answer a command (<c>Parking:Ocpp:CommandTimeout</c>).</summary>
public sealed class OcppCommandTimeoutTests
{
    [Fact]
    public async Task A_command_the_charger_never_answers_ends_failed_and_staff_are_told()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock(), settings: new Dictionary<string, string> { ["Parking:Ocpp:CommandTimeout"] = "00:00:02" });
        var chargerId = (await host.Grains.Compound(ParkingHost.Compound).GetChargingAreas()).Single(a => a.AreaId == "CA-G1").Chargers[0].ChargerId;
        await using var staff = await host.ConnectHubAsync("staff01");
        await using var charger = await OcppCharger.ConnectAsync(host, chargerId);
        await charger.BootAsync();

        // The charger takes the CALL and never answers it.
        charger.Client.OnCall = (_, _) => new TaskCompletionSource<JsonObject?>().Task;
        using var command = await host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp/commands"), "staff01", new ChargerCommandBody("Reset", Type: "Soft"));
        Assert.True(command.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"got {(int)command.StatusCode}");
        var sent = (await command.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!;

        var alert = await staff.WaitForChargerAlertAsync(a => a.ChargerId == chargerId && a.Kind == ChargerAlertKindDto.CommandFailed && a.Message.StartsWith("Reset", StringComparison.Ordinal), "staff hear that the Reset failed");
        Assert.Contains("failed", alert.Message, StringComparison.Ordinal);
        var view = await host.GetOkAsync<ChargePointDto>(ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp"), "staff01");
        var failed = Assert.Single(view.Commands, c => c.Id == sent.Id);
        Assert.Equal(OcppCommandStatusDto.Failed, failed.Status);
        Assert.Contains("Timeout", failed.Error, StringComparison.Ordinal);
        Assert.NotNull(failed.CompletedAt);
    }
}

/// <summary>A command for a charger that never comes back: kept for <c>Parking:Ocpp:OfflineCommandExpiry</c>, then failed and staff told.</summary>
public sealed class OcppOfflineExpiryTests
{
    [Fact]
    public async Task A_command_for_a_charger_that_stays_offline_fails_when_it_expires_and_staff_are_told()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var chargerId = (await host.Grains.Compound(ParkingHost.Compound).GetChargingAreas()).Single(a => a.AreaId == "CA-G1").Chargers[2].ChargerId;
        await using var staff = await host.ConnectHubAsync("staff01");

        // The charger has never connected: the command is kept for it.
        using var command = await host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp/commands"), "staff01", new ChargerCommandBody("ChangeAvailability", ConnectorId: 0, Type: "Inoperative"));
        await ParkingHost.Expect(command, HttpStatusCode.Accepted);
        var kept = (await command.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!;
        Assert.Equal(OcppCommandStatusDto.Queued, kept.Status);

        // Nothing else happens to the charger; only the clock moves past the expiry (15 minutes by default).
        host.Time.Advance(TimeSpan.FromMinutes(15));
        var alert = await staff.WaitForChargerAlertAsync(a => a.ChargerId == chargerId && a.Kind == ChargerAlertKindDto.CommandFailed && a.Message.StartsWith("ChangeAvailability", StringComparison.Ordinal), "staff hear that the command expired");
        Assert.Contains("offline", alert.Message, StringComparison.Ordinal);
        var view = await host.GetOkAsync<ChargePointDto>(ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp"), "staff01");
        var failed = Assert.Single(view.Commands, c => c.Id == kept.Id);
        Assert.Equal(OcppCommandStatusDto.Failed, failed.Status);
        Assert.Contains("offline", failed.Error, StringComparison.Ordinal);
    }
}
