using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>
/// The OCPP 1.6J central system through the real Kestrel server with a real WebSocket client: the handshake,
/// every kind of bad frame, a whole session that follows the plan, offline transactions and commands.
/// </summary>
[Collection(OcppHostCollection.Name)]
public sealed class OcppCentralSystemTests(OcppHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    private static string OcppPath(string chargerId, string rest = "") => ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp{rest}");

    private Task<ChargePointDto> View(string chargerId) => _host.GetOkAsync<ChargePointDto>(OcppPath(chargerId), "staff01");

    private Task<ChargerDto> Charger(string chargerId) => _host.GetOkAsync<ChargerDto>(ParkingHost.CompoundPath($"chargers/{chargerId}"), "staff01");

    [Fact]
    public async Task The_handshake_refuses_a_missing_subprotocol_a_wrong_password_and_an_unknown_id()
    {
        var id = OcppCharger.IdOf(fixture.Chargers[0]);

        var ok = await OcppCharger.HandshakeAsync(_host, id, id, OcppCharger.DemoPassword);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, ok.Status);
        Assert.Equal("ocpp1.6", ok.SubProtocol);

        Assert.Equal(HttpStatusCode.BadRequest, (await OcppCharger.HandshakeAsync(_host, id, id, OcppCharger.DemoPassword, subProtocol: null)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await OcppCharger.HandshakeAsync(_host, id, id, OcppCharger.DemoPassword, subProtocol: "ocpp2.0.1")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OcppCharger.HandshakeAsync(_host, id, id, "not-the-password-at-all")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OcppCharger.HandshakeAsync(_host, id, user: null, password: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OcppCharger.HandshakeAsync(_host, id, OcppCharger.IdOf(fixture.Chargers[1]), OcppCharger.DemoPassword)).Status);
        var unknown = OcppCharger.IdOf("C-NOPE-1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await OcppCharger.HandshakeAsync(_host, unknown, unknown, OcppCharger.DemoPassword)).Status);

        // Staff rotate the password: the old one stops working, the new one works; only a hash is kept.
        var chargerId = fixture.Chargers[0];
        using (var weak = await _host.SendAsync(HttpMethod.Put, OcppPath(chargerId, "/password"), "staff01", new ChargePointPasswordBody("short")))
        {
            await ProblemAssert.Expect(weak, HttpStatusCode.BadRequest, "password-length", "password");
        }

        using (var resident = await _host.SendAsync(HttpMethod.Put, OcppPath(chargerId, "/password"), "r00050", new ChargePointPasswordBody("a-resident-cannot-do-this")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        }

        using (var rotate = await _host.SendAsync(HttpMethod.Put, OcppPath(chargerId, "/password"), "staff01", new ChargePointPasswordBody("rotated-secret-0123456789")))
        {
            await ParkingHost.Expect(rotate, HttpStatusCode.OK);
        }

        try
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await OcppCharger.HandshakeAsync(_host, id, id, OcppCharger.DemoPassword)).Status);
            Assert.Equal(HttpStatusCode.SwitchingProtocols, (await OcppCharger.HandshakeAsync(_host, id, id, "rotated-secret-0123456789")).Status);
        }
        finally
        {
            using var back = await _host.SendAsync(HttpMethod.Put, OcppPath(chargerId, "/password"), "staff01", new ChargePointPasswordBody(OcppCharger.DemoPassword));
            await ParkingHost.Expect(back, HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Every_kind_of_bad_frame_gets_the_error_the_spec_names_and_changes_nothing()
    {
        var chargerId = fixture.Chargers[3];
        await using var charger = await OcppCharger.ConnectAsync(_host, chargerId);
        Assert.Equal("Accepted", (await charger.BootAsync()).GetProperty("status").GetString());
        var before = await Charger(chargerId);

        Assert.Equal("FormationViolation", (await charger.ErrorOfAsync("this is not json", messageId: null)).Code);
        Assert.Equal("FormationViolation", (await charger.ErrorOfAsync("{\"a\":1}", messageId: null)).Code);
        Assert.Equal("FormationViolation", (await charger.ErrorOfAsync("[2,\"f1\",\"Heartbeat\"]", "f1")).Code);
        Assert.Equal("FormationViolation", (await charger.ErrorOfAsync("[2,\"f2\",\"Heartbeat\",{\"extra\":1}]", "f2")).Code);
        Assert.Equal("NotImplemented", (await charger.ErrorOfAsync("[2,\"f3\",\"MakeCoffee\",{}]", "f3")).Code);
        Assert.Equal("NotSupported", (await charger.ErrorOfAsync("[2,\"f4\",\"Reset\",{\"type\":\"Hard\"}]", "f4")).Code);
        Assert.Equal("OccurenceConstraintViolation", (await charger.ErrorOfAsync("[2,\"f5\",\"BootNotification\",{\"chargePointVendor\":\"V\"}]", "f5")).Code);

        var type = await charger.ErrorOfAsync("[2,\"f6\",\"StatusNotification\",{\"connectorId\":\"one\",\"errorCode\":\"NoError\",\"status\":\"Faulted\"}]", "f6");
        Assert.Equal("TypeConstraintViolation", type.Code);
        Assert.Contains("connectorId", type.Description, StringComparison.Ordinal);

        var property = await charger.ErrorOfAsync("[2,\"f7\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Exploded\"}]", "f7");
        Assert.Equal("PropertyConstraintViolation", property.Code);
        Assert.Contains("status", property.Description, StringComparison.Ordinal);
        Assert.Equal("PropertyConstraintViolation", (await charger.ErrorOfAsync($"[2,\"f8\",\"Authorize\",{{\"idTag\":\"{new string('x', 21)}\"}}]", "f8")).Code);
        Assert.Equal("PropertyConstraintViolation", (await charger.ErrorOfAsync("[2,\"f9\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"T\",\"meterStart\":1,\"timestamp\":\"yesterday\"}]", "f9")).Code);

        // Business checks past the schema: a status from the future, an unknown transaction, meterStop below meterStart.
        var future = await Assert.ThrowsAsync<Parking.Devices.OcppCallErrorException>(() => charger.StatusAsync("Faulted", timestamp: _host.Now.AddDays(1)));
        Assert.Equal("PropertyConstraintViolation", future.Code);
        Assert.Contains("future", future.Description, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<Parking.Devices.OcppCallErrorException>(() => charger.StopAsync(987654, 10, _host.Now));
        Assert.Equal("PropertyConstraintViolation", unknown.Code);
        Assert.Contains("transactionId", unknown.Description, StringComparison.Ordinal);

        var sessionsBefore = (await View(chargerId)).Sessions.Length;
        var meter = (long)(before.EnergyMeterKwh * 1000) + 1000;
        var started = await charger.StartAsync("UNKNOWN-CARD", meter, _host.Now, messageId: "dup-1");
        Assert.Equal("Invalid", started.GetProperty("idTagInfo").GetProperty("status").GetString());
        var transactionId = started.GetProperty("transactionId").GetInt32();
        var backwards = await Assert.ThrowsAsync<Parking.Devices.OcppCallErrorException>(() => charger.StopAsync(transactionId, meter - 1, _host.Now));
        Assert.Equal("PropertyConstraintViolation", backwards.Code);
        Assert.Contains("meterStop", backwards.Description, StringComparison.Ordinal);

        // A repeated message id: the same CALL again gets the same answer and starts nothing; another CALL under it is refused.
        var again = await charger.StartAsync("UNKNOWN-CARD", meter, _host.Now, messageId: "dup-1");
        Assert.Equal(transactionId, again.GetProperty("transactionId").GetInt32());
        var reused = await Assert.ThrowsAsync<Parking.Devices.OcppCallErrorException>(() => charger.CallAsync("Heartbeat", new JsonObject(), "dup-1"));
        Assert.Equal("ProtocolError", reused.Code);

        var view = await View(chargerId);
        var session = Assert.Single(view.Sessions, s => s.TransactionId == transactionId);
        Assert.Null(session.StoppedAt);
        Assert.Equal(sessionsBefore + 1, view.Sessions.Length);
        var after = await Charger(chargerId);
        Assert.Equal(before.Status, after.Status);

        await charger.StopAsync(transactionId, meter + 10, _host.Now);
        Assert.NotNull(Assert.Single((await View(chargerId)).Sessions, s => s.TransactionId == transactionId).StoppedAt);
    }

    [Fact]
    public async Task A_whole_session_follows_the_plan_from_boot_to_stop()
    {
        await using var staff = await _host.ConnectHubAsync("staff01");
        using var asked = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("charging/areas/CA-G1/requests"), "r00051", new ChargingRequestBody("沪E51", 5, null, null, null, null, _host.Now.AddHours(8), true));
        await ParkingHost.Expect(asked, HttpStatusCode.Created);
        var stored = (await asked.Content.ReadFromJsonAsync<ChargingRequestDto>(ParkingHost.Json))!;
        var request = await _host.GetOkAsync<ChargingRequestDto>(ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{stored.Id}?planned=true"), "r00051");
        var turn = request.Turn!;
        var chargerId = turn.ChargerId;
        if (turn.Start > _host.Now)
        {
            _host.Time.Advance(turn.Start - _host.Now);
        }

        await using var charger = await OcppCharger.ConnectAsync(_host, chargerId);
        var boot = await charger.BootAsync();
        Assert.Equal("Accepted", boot.GetProperty("status").GetString());
        Assert.True(boot.GetProperty("interval").GetInt32() > 0);
        await charger.ExpectCallAsync("TriggerMessage", p => p.GetProperty("requestedMessage").GetString() == "StatusNotification", "status asked for after the connect");
        await charger.StatusAsync("Available", connectorId: 0);
        await charger.StatusAsync("Available");

        // The car is plugged in for its turn: the plan's profile arrives, and the central system starts the transaction.
        await charger.StatusAsync("Preparing");
        var profile = await charger.ExpectCallAsync(
            "SetChargingProfile",
            p => p.GetProperty("csChargingProfiles").GetProperty("chargingProfilePurpose").GetString() == "ChargePointMaxProfile",
            "the charger's share of the plan");
        Assert.Equal(0, profile.GetProperty("connectorId").GetInt32());
        var schedule = profile.GetProperty("csChargingProfiles").GetProperty("chargingSchedule");
        Assert.Equal("W", schedule.GetProperty("chargingRateUnit").GetString());
        var start = schedule.GetProperty("startSchedule").GetDateTimeOffset();
        var limitNow = schedule.GetProperty("chargingSchedulePeriod").EnumerateArray().Last(p => start.AddSeconds(p.GetProperty("startPeriod").GetInt32()) <= _host.Now).GetProperty("limit").GetDouble();
        // The planner's power for this period of the turn: up to the charger's 7 kW.
        Assert.InRange(limitNow, 1, 7000);

        var remoteStart = await charger.ExpectCallAsync("RemoteStartTransaction", what: "the turn's transaction is started remotely");
        var idTag = remoteStart.GetProperty("idTag").GetString()!;
        Assert.Equal("Accepted", (await charger.CallAsync("Authorize", new JsonObject { ["idTag"] = idTag })).GetProperty("idTagInfo").GetProperty("status").GetString());
        var meterStart = (long)Math.Round((await Charger(chargerId)).EnergyMeterKwh * 1000);
        var started = await charger.StartAsync(idTag, meterStart, _host.Now);
        Assert.Equal("Accepted", started.GetProperty("idTagInfo").GetProperty("status").GetString());
        var transactionId = started.GetProperty("transactionId").GetInt32();
        var tx = await charger.ExpectCallAsync("SetChargingProfile", p => p.GetProperty("csChargingProfiles").TryGetProperty("transactionId", out var t) && t.GetInt32() == transactionId, "a TxProfile for the transaction");
        Assert.Equal("TxProfile", tx.GetProperty("csChargingProfiles").GetProperty("chargingProfilePurpose").GetString());
        await charger.StatusAsync("Charging");

        _host.Time.Advance(TimeSpan.FromMinutes(15));
        await charger.MeterAsync(transactionId, meterStart + 1750, 7000, _host.Now);
        var charging = await _host.GetOkAsync<ChargingRequestDto>(ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{request.Id}"), "r00051");
        Assert.Equal("charging", charging.Status.WireName());
        Assert.Equal(1.75, charging.DeliveredKwh, 3);
        var live = await View(chargerId);
        Assert.True(live.Connected);
        Assert.False(live.Overdrawing);
        Assert.InRange(live.Profile.First().LimitKw, 0.001, 7);
        Assert.Equal(1.75, Assert.Single(live.Sessions, s => s.TransactionId == transactionId).EnergyKwh, 3);

        _host.Time.Advance(TimeSpan.FromMinutes(10));
        await charger.StopAsync(transactionId, meterStart + 2900, _host.Now, "EVDisconnected");
        await charger.StatusAsync("Finishing");
        await charger.StatusAsync("Available");
        var done = Assert.Single((await View(chargerId)).Sessions, s => s.TransactionId == transactionId);
        Assert.Equal(2.9, done.EnergyKwh, 3);
        Assert.Equal(request.Id, done.RequestId);
        Assert.Equal("available", (await Charger(chargerId)).Status.WireName());
        var ended = await _host.GetOkAsync<ChargingRequestDto>(ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{request.Id}"), "r00051");
        Assert.Equal(2.9, ended.DeliveredKwh, 3);

        // A charger drawing above its profile (nothing is planned on it any more) for two intervals is flagged to staff.
        await charger.ExpectCallAsync(
            "SetChargingProfile",
            p => p.GetProperty("csChargingProfiles").GetProperty("chargingProfilePurpose").GetString() == "ChargePointMaxProfile"
                && p.GetProperty("csChargingProfiles").GetProperty("chargingSchedule").GetProperty("chargingSchedulePeriod")[0].GetProperty("limit").GetDouble() == 0,
            "the turn is over: the charger may draw nothing now");
        await charger.StatusAsync("Charging");
        await charger.MeterAsync(null, meterStart + 3000, 7000, _host.Now);
        await charger.MeterAsync(null, meterStart + 3100, 7000, _host.Now);
        var alert = await staff.WaitForChargerAlertAsync(a => a.ChargerId == chargerId && a.Kind == ChargerAlertKindDto.Overdraw, "staff hear of the overdraw");
        Assert.Contains("above its profile", alert.Message, StringComparison.Ordinal);
        Assert.True((await View(chargerId)).Overdrawing);
        await charger.MeterAsync(null, meterStart + 3100, 0, _host.Now);
        await charger.StatusAsync("Available");
        Assert.False((await View(chargerId)).Overdrawing);
    }

    [Fact]
    public async Task Transactions_kept_offline_are_accepted_in_order_and_commands_wait_for_the_reconnect()
    {
        var chargerId = fixture.Chargers[2];
        var meter = (long)((await Charger(chargerId)).EnergyMeterKwh * 1000) + 10_000;
        await using (var first = await OcppCharger.ConnectAsync(_host, chargerId))
        {
            await first.BootAsync();
            first.Client.Abort();
        }

        await WaitUntil(async () => !(await View(chargerId)).Connected, "the central system sees the charger gone");

        using (var offline = await _host.SendAsync(HttpMethod.Post, OcppPath(chargerId, "/commands"), "staff01", new ChargerCommandBody("ChangeConfiguration", Key: "MeterValueSampleInterval", Value: "30")))
        {
            await ParkingHost.Expect(offline, HttpStatusCode.Accepted);
            Assert.Equal(OcppCommandStatusDto.Queued, (await offline.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!.Status);
        }

        using (var bad = await _host.SendAsync(HttpMethod.Post, OcppPath(chargerId, "/commands"), "staff01", new ChargerCommandBody("Reset", Type: "Gentle")))
        {
            await ProblemAssert.Expect(bad, HttpStatusCode.BadRequest, "command-invalid", "type");
        }

        await using var again = await OcppCharger.ConnectAsync(_host, chargerId);
        var delivered = await again.ExpectCallAsync("ChangeConfiguration", what: "the command kept while offline");
        Assert.Equal("30", delivered.GetProperty("value").GetString());
        await again.BootAsync();

        // Two sessions the charger stored while offline, sent in the order they happened.
        var t0 = _host.Now.AddMinutes(-50);
        var a = (await again.StartAsync("OFFLINE-CARD", meter, t0)).GetProperty("transactionId").GetInt32();
        await again.StopAsync(a, meter + 4000, t0.AddMinutes(20));
        var b = (await again.StartAsync("OFFLINE-CARD", meter + 4000, t0.AddMinutes(25))).GetProperty("transactionId").GetInt32();
        await again.StopAsync(b, meter + 5500, t0.AddMinutes(40));
        Assert.True(b > a);

        var view = await View(chargerId);
        var sessions = view.Sessions.Where(s => s.TransactionId == a || s.TransactionId == b).ToList();
        Assert.Equal([a, b], sessions.Select(s => s.TransactionId));
        Assert.Equal([4.0, 1.5], sessions.Select(s => s.EnergyKwh));
        Assert.Equal(OcppCommandStatusDto.Accepted, view.Commands.Last(c => c.Action == "ChangeConfiguration").Status);
        Assert.Equal((meter + 5500) / 1000.0, (await Charger(chargerId)).EnergyMeterKwh, 3);

        // A command answered at once: 200 with the charger's answer.
        using var get = await _host.SendAsync(HttpMethod.Post, OcppPath(chargerId, "/commands"), "staff01", new ChargerCommandBody("GetConfiguration", Keys: ["MeterValueSampleInterval"]));
        await ParkingHost.Expect(get, HttpStatusCode.OK);
        var answered = (await get.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!;
        Assert.Equal(OcppCommandStatusDto.Accepted, answered.Status);
        Assert.Contains("MeterValueSampleInterval", answered.Result, StringComparison.Ordinal);

        // A refusal is reported as such, not assumed done.
        again.Answer = (_, _) => new JsonObject { ["status"] = "Rejected" };
        using var reset = await _host.SendAsync(HttpMethod.Post, OcppPath(chargerId, "/commands"), "staff01", new ChargerCommandBody("Reset", Type: "Soft"));
        await ParkingHost.Expect(reset, HttpStatusCode.OK);
        Assert.Equal(OcppCommandStatusDto.Rejected, (await reset.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!.Status);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(100);
        }
    }
}
