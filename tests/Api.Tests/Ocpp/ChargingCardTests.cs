using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>Registered RFID cards at a real OCPP client, and a driver starting their turn's charging from the app.</summary>
[Collection(OcppHostCollection.Name)]
public sealed class ChargingCardTests(OcppHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    private static string Cards(string rest = "") => ParkingHost.CompoundPath("charging/cards" + rest);

    private static async Task<string> StatusOf(OcppCharger charger, string idTag) =>
        (await charger.CallAsync("Authorize", new JsonObject { ["idTag"] = idTag })).GetProperty("idTagInfo").GetProperty("status").GetString()!;

    [Fact]
    public async Task A_registered_card_is_accepted_for_its_resident_an_unknown_one_invalid_a_blocked_one_blocked()
    {
        using (var register = await _host.SendAsync(HttpMethod.Put, Cards("/CARD-0056"), "staff01", new ChargingCardBody("r00056")))
        {
            await ParkingHost.Expect(register, HttpStatusCode.OK);
        }

        using (var notResident = await _host.SendAsync(HttpMethod.Put, Cards("/CARD-X"), "staff01", new ChargingCardBody("nobody-here")))
        {
            await ProblemAssert.Expect(notResident, HttpStatusCode.BadRequest, "resident-not-found", "residentId");
        }

        using (var badTag = await _host.SendAsync(HttpMethod.Put, Cards("/" + new string('x', 21)), "staff01", new ChargingCardBody("r00056")))
        {
            await ProblemAssert.Expect(badTag, HttpStatusCode.BadRequest, "card-invalid", "idTag");
        }

        using (var resident = await _host.SendAsync(HttpMethod.Put, Cards("/CARD-0057"), "r00056", new ChargingCardBody("r00056")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        }

        Assert.Contains(await _host.GetOkAsync<ChargingCardDto[]>(Cards(), "staff01"), c => c.IdTag == "CARD-0056" && c.ResidentId == "r00056" && !c.Blocked);

        var chargerId = fixture.Chargers[3];
        await using var charger = await OcppCharger.ConnectAsync(_host, chargerId);
        await charger.BootAsync();
        Assert.Equal("Accepted", await StatusOf(charger, "CARD-0056"));
        Assert.Equal("Accepted", await StatusOf(charger, "card-0056"));
        Assert.Equal("Invalid", await StatusOf(charger, "CARD-UNKNOWN"));

        // A session on the card is the resident's: it shows among their sessions with its energy.
        var meter = (long)Math.Round((await _host.GetOkAsync<ChargerDto>(ParkingHost.CompoundPath($"chargers/{chargerId}"), "staff01")).EnergyMeterKwh * 1000) + 500;
        var started = await charger.StartAsync("CARD-0056", meter, _host.Now);
        Assert.Equal("Accepted", started.GetProperty("idTagInfo").GetProperty("status").GetString());
        var transactionId = started.GetProperty("transactionId").GetInt32();
        await charger.StopAsync(transactionId, meter + 1200, _host.Now);
        var session = Assert.Single(await _host.GetOkAsync<ChargingSessionDto[]>(ParkingHost.CompoundPath("charging/sessions/mine"), "r00056"), s => s.TransactionId == transactionId && s.ChargerId == chargerId);
        Assert.Equal(1.2, session.EnergyKwh, 3);

        using (var block = await _host.SendAsync(HttpMethod.Put, Cards("/CARD-0056"), "staff01", new ChargingCardBody("r00056", Blocked: true)))
        {
            await ParkingHost.Expect(block, HttpStatusCode.OK);
        }

        Assert.Equal("Blocked", await StatusOf(charger, "CARD-0056"));
        var refused = await charger.StartAsync("CARD-0056", meter + 1200, _host.Now);
        Assert.Equal("Blocked", refused.GetProperty("idTagInfo").GetProperty("status").GetString());
        await charger.StopAsync(refused.GetProperty("transactionId").GetInt32(), meter + 1200, _host.Now);
    }

    [Fact]
    public async Task A_driver_starts_charging_from_the_app_when_plugged_in_for_their_turn()
    {
        const string driver = "r00057";
        using var asked = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("charging/areas/CA-G1/requests"), driver, new ChargingRequestBody("沪E57", 3, null, null, null, null, _host.Now.AddHours(8), true));
        await ParkingHost.Expect(asked, HttpStatusCode.Created);
        var stored = (await asked.Content.ReadFromJsonAsync<ChargingRequestDto>(ParkingHost.Json))!;
        var request = await _host.GetOkAsync<ChargingRequestDto>(ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{stored.Id}?planned=true"), driver);
        var startPath = ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{request.Id}/start");
        try
        {
            using (var early = await _host.SendAsync(HttpMethod.Post, startPath, driver))
            {
                await ProblemAssert.Expect(early, HttpStatusCode.Conflict, "not-plugged-in");
            }

            if (request.Turn!.Start > _host.Now)
            {
                _host.Time.Advance(request.Turn.Start - _host.Now);
            }

            await using var charger = await OcppCharger.ConnectAsync(_host, request.Turn.ChargerId);

            // The charger turns down the plan's own remote start (say the car was not ready): the driver starts again from the app.
            charger.Answer = (action, _) => new JsonObject { ["status"] = action == "RemoteStartTransaction" ? "Rejected" : "Accepted" };
            await charger.BootAsync();
            await charger.StatusAsync("Available");
            await charger.StatusAsync("Preparing");
            await charger.ExpectCallAsync("RemoteStartTransaction", what: "the plan's remote start at the plug-in");

            using (var other = await _host.SendAsync(HttpMethod.Post, startPath, "r00058"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            }

            charger.Answer = (_, _) => new JsonObject { ["status"] = "Accepted" };
            using var start = await _host.SendAsync(HttpMethod.Post, startPath, driver);
            await ParkingHost.Expect(start, HttpStatusCode.OK);
            var command = (await start.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!;
            Assert.Equal(("RemoteStartTransaction", OcppCommandStatusDto.Accepted), (command.Action, command.Status));
            var idTag = (await charger.ExpectCallAsync("RemoteStartTransaction", what: "the driver's start from the app")).GetProperty("idTag").GetString()!;
            var transactionId = (await charger.StartAsync(idTag, 0, _host.Now)).GetProperty("transactionId").GetInt32();
            var view = await _host.GetOkAsync<ChargePointDto>(ParkingHost.CompoundPath($"chargers/{request.Turn.ChargerId}/ocpp"), "staff01");
            Assert.Equal(request.Id, Assert.Single(view.Sessions, s => s.TransactionId == transactionId).RequestId);

            using (var twice = await _host.SendAsync(HttpMethod.Post, startPath, driver))
            {
                await ProblemAssert.Expect(twice, HttpStatusCode.Conflict, "transaction-running");
            }

            await charger.StopAsync(transactionId, 10, _host.Now);
            await charger.StatusAsync("Available");
        }
        finally
        {
            using var cancel = await _host.SendAsync(HttpMethod.Delete, ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{request.Id}"), driver);
        }
    }
}
