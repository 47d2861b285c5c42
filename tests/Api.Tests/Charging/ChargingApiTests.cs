using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Charging;

/// <summary>
/// In-turn charging through HTTP and the hub on the small demo compound (area CA-G1: four 7 kW chargers on
/// a 14 kW feed). Each test uses residents of its own; a test that breaks a charger repairs it.
/// </summary>
[Collection(SharedHostCollection.Name)]
public sealed class ChargingApiTests(SharedHostFixture fixture)
{
    private const string Area = "CA-G1";
    private readonly ParkingHost _host = fixture.Host;

    private static string Requests(string areaId = Area) => ParkingHost.CompoundPath($"charging/areas/{areaId}/requests");

    private Task<HttpResponseMessage> Ask(string userId, ChargingRequestBody body, string areaId = Area) =>
        _host.SendAsync(HttpMethod.Post, Requests(areaId), userId, body);

    private async Task<ChargingRequestDto> AskOk(string userId, double energyKwh = 7, double hours = 6, string? plate = null)
    {
        using var response = await Ask(userId, new ChargingRequestBody(plate ?? "沪E" + userId, energyKwh, null, null, null, null, _host.Now.AddHours(hours), true));
        await ParkingHost.Expect(response, HttpStatusCode.Created);
        var stored = (await response.Content.ReadFromJsonAsync<ChargingRequestDto>(ParkingHost.Json))!;
        Assert.Equal("waiting", stored.Status.WireName());

        // The area plans in the background: the request as planned.
        return await _host.GetOkAsync<ChargingRequestDto>($"{Requests()}/{stored.Id}?planned=true", userId);
    }

    private Task<ChargingRequestDto[]> Mine(string userId) => _host.GetOkAsync<ChargingRequestDto[]>(ParkingHost.CompoundPath("charging/requests/mine"), userId);

    [Fact]
    public async Task A_driver_hears_their_turn_over_the_hub_and_no_one_else_does()
    {
        await using var driver = await ChargingHubClient.ConnectAsync(_host, "r00031");
        await using var neighbour = await ChargingHubClient.ConnectAsync(_host, "r00032");

        var request = await AskOk("r00031");

        Assert.Equal("r00031", request.ResidentId);
        Assert.Equal(Area, request.AreaId);
        Assert.NotNull(request.Turn);
        Assert.True(request.Status.WireName() is "scheduled" or "called", request.Status.WireName());
        var notice = await driver.WaitForNotice(n => n.Request.Id == request.Id && n.Kind == ChargingNoticeKindDto.TurnScheduled, "r00031 hears of the turn");
        Assert.Equal(request.Turn!.ChargerId, notice.Request.Turn!.ChargerId);
        Assert.Contains(request.Turn.ChargerId, notice.Message, StringComparison.Ordinal);

        // The sentence gives the turn's times of day in the compound's local time (UTC+8 by default).
        var localStart = request.Turn.Start.ToOffset(TimeSpan.FromHours(8)).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"at {localStart},", notice.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("UTC", notice.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(neighbour.Notices, n => n.Request.Id == request.Id);
        Assert.Contains(await Mine("r00031"), r => r.Id == request.Id);
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_naming_the_field_and_changes_nothing()
    {
        var now = _host.Now;
        using (var reversed = await Ask("r00033", new ChargingRequestBody("沪E1", 10, null, null, null, now.AddHours(3), now.AddHours(2), true)))
        {
            await ProblemAssert.Expect(reversed, HttpStatusCode.BadRequest, "departure-before-start", "departure");
        }

        using (var negative = await Ask("r00033", new ChargingRequestBody("沪E1", -4, null, null, null, null, now.AddHours(2), true)))
        {
            await ProblemAssert.Expect(negative, HttpStatusCode.BadRequest, "energy-not-positive", "energyKwh");
        }

        using (var soc = await Ask("r00033", new ChargingRequestBody("沪E1", null, 60, 80, 40, null, now.AddHours(2), true)))
        {
            await ProblemAssert.Expect(soc, HttpStatusCode.BadRequest, "target-not-above-current", "targetSocPercent");
        }

        using (var noArea = await Ask("r00033", new ChargingRequestBody("沪E1", 10, null, null, null, null, now.AddHours(2), true), "CA-Z9"))
        {
            await ProblemAssert.Expect(noArea, HttpStatusCode.NotFound, "area-not-found");
        }

        using (var malformed = await _host.SendAsync(HttpMethod.Post, Requests(), "r00033", new StringContent("{\"energyKwh\": \"lots\"", System.Text.Encoding.UTF8, "application/json")))
        {
            await ProblemAssert.Expect(malformed, HttpStatusCode.BadRequest);
        }

        Assert.Empty(await Mine("r00033"));

        using (var unknownCharger = await _host.GetAsync(ParkingHost.CompoundPath("chargers/C-NOPE"), "staff01"))
        {
            await ProblemAssert.Expect(unknownCharger, HttpStatusCode.NotFound, "charger-not-found");
        }

        // A charger's status comes from the charger over OCPP; a person's token cannot report it.
        using (var staffReport = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("chargers/C-G1-025/status"), "staff01", new { status = "charging" }))
        {
            Assert.Contains(staffReport.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
        }

        using (var capacity = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath($"charging/areas/{Area}/site-capacity"), "staff01", new SiteCapacityBody(0)))
        {
            await ProblemAssert.Expect(capacity, HttpStatusCode.BadRequest, "capacity-invalid", "siteCapacityKw");
        }

        var plan = await _host.GetOkAsync<ChargingPlanDto>(ParkingHost.CompoundPath($"charging/areas/{Area}/plan?planned=true"), "staff01");
        Assert.Equal(14, plan.SiteCapacityKw);
    }

    [Fact]
    public async Task Staff_pick_what_the_areas_plans_put_first_and_bad_values_are_refused_by_field()
    {
        var path = ParkingHost.CompoundPath($"charging/areas/{Area}/objective");
        var before = await _host.GetOkAsync<ChargingPlanDto>(ParkingHost.CompoundPath($"charging/areas/{Area}/plan?planned=true"), "staff01");
        Assert.Equal("least-share-first", before.ObjectiveOrder);

        using (var unknown = await _host.SendAsync(HttpMethod.Put, path, "staff01", new ObjectiveBody("most-energy")))
        {
            await ProblemAssert.Expect(unknown, HttpStatusCode.BadRequest, "order-invalid", "order");
        }

        using (var noMinimum = await _host.SendAsync(HttpMethod.Put, path, "staff01", new ObjectiveBody("minimum-need-first")))
        {
            await ProblemAssert.Expect(noMinimum, HttpStatusCode.BadRequest, "minimum-need-invalid", "minimumNeedKwh");
        }

        using (var negative = await _host.SendAsync(HttpMethod.Put, path, "staff01", new ObjectiveBody("minimum-need-first", -3)))
        {
            await ProblemAssert.Expect(negative, HttpStatusCode.BadRequest, "minimum-need-invalid", "minimumNeedKwh");
        }

        using (var resident = await _host.SendAsync(HttpMethod.Put, path, "r00047", new ObjectiveBody("fully-served-first")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        }

        // Refused values changed nothing.
        Assert.Equal("least-share-first", (await _host.GetOkAsync<ChargingPlanDto>(ParkingHost.CompoundPath($"charging/areas/{Area}/plan?planned=true"), "staff01")).ObjectiveOrder);
        try
        {
            using var set = await _host.SendAsync(HttpMethod.Put, path, "staff01", new ObjectiveBody("minimum-need-first", 8));
            await ParkingHost.Expect(set, HttpStatusCode.OK);
            var answer = (await set.Content.ReadFromJsonAsync<ChargingPlanDto>(ParkingHost.Json))!;
            Assert.Equal(("minimum-need-first", (double?)8), (answer.ObjectiveOrder, answer.MinimumNeedKwh));

            var stored = await _host.GetOkAsync<ChargingPlanDto>(ParkingHost.CompoundPath($"charging/areas/{Area}/plan?planned=true"), "staff02");
            Assert.Equal(("minimum-need-first", (double?)8), (stored.ObjectiveOrder, stored.MinimumNeedKwh));
        }
        finally
        {
            using var reset = await _host.SendAsync(HttpMethod.Put, path, "staff01", new ObjectiveBody("least-share-first"));
            await ParkingHost.Expect(reset, HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Another_drivers_request_can_be_neither_read_nor_cancelled()
    {
        var request = await AskOk("r00034");
        var path = $"{Requests()}/{request.Id}";

        using (var read = await _host.GetAsync(path, "r00035"))
        {
            await ProblemAssert.Expect(read, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var cancel = await _host.SendAsync(HttpMethod.Delete, path, "r00035"))
        {
            await ProblemAssert.Expect(cancel, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var wrongArea = await _host.SendAsync(HttpMethod.Delete, $"{ParkingHost.CompoundPath("charging/areas/CA-Z9/requests")}/{request.Id}", "r00034"))
        {
            await ProblemAssert.Expect(wrongArea, HttpStatusCode.NotFound, "charging-request-not-found");
        }

        Assert.Empty(await Mine("r00035"));
        var still = await _host.GetOkAsync<ChargingRequestDto>(path, "r00034");
        Assert.Equal(request.Revision, still.Revision);
        Assert.NotEqual("cancelled", still.Status.WireName());

        using var own = await _host.SendAsync(HttpMethod.Delete, path, "r00034");
        await ParkingHost.Expect(own, HttpStatusCode.OK);
        Assert.Equal("cancelled", (await own.Content.ReadFromJsonAsync<ChargingRequestDto>(ParkingHost.Json))!.Status.WireName());
        Assert.Equal("cancelled", Assert.Single(await Mine("r00034"), r => r.Id == request.Id).Status.WireName());
    }

    [Fact]
    public async Task Staff_only_endpoints_and_the_area_watch_refuse_residents()
    {
        using (var plan = await _host.GetAsync(ParkingHost.CompoundPath($"charging/areas/{Area}/plan?planned=true"), "r00036"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, plan.StatusCode);
        }

        using (var capacity = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath($"charging/areas/{Area}/site-capacity"), "r00036", new SiteCapacityBody(100)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, capacity.StatusCode);
        }

        using (var ocpp = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("chargers/C-G1-025/ocpp/commands"), "r00036", new ChargerCommandBody("Reset", Type: "Hard")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, ocpp.StatusCode);
        }

        await using var resident = await ChargingHubClient.ConnectAsync(_host, "r00036");
        var refused = await Assert.ThrowsAsync<HubException>(() => resident.WatchAreaAsync(Area));
        Assert.Contains("Forbidden", refused.Message, StringComparison.Ordinal);

        var areas = await _host.GetOkAsync<ChargingAreaDto[]>(ParkingHost.CompoundPath("charging/areas"), "r00036");
        var area = Assert.Single(areas);
        Assert.Equal(Area, area.AreaId);
        Assert.Equal(4, area.Chargers);
        Assert.Equal(14, area.SiteCapacityKw);
    }

    [Fact]
    public async Task Staff_watch_the_area_live_and_a_faulted_charger_loses_its_turns()
    {
        await using var staff = await ChargingHubClient.ConnectAsync(_host, "staff02");
        var before = await staff.WatchAreaAsync(Area);
        Assert.Equal(4, before.Chargers.Count);

        var request = await AskOk("r00037", energyKwh: 5, hours: 8);
        await staff.WaitForArea(a => a.Chargers.Any(c => c.Turns.Any(t => t.RequestId == request.Id)), "staff see the new turn on the timeline");

        // The charger itself reports the fault, over OCPP.
        var broken = request.Turn!.ChargerId;
        await using var charger = await OcppCharger.ConnectAsync(_host, broken);
        await charger.BootAsync();
        await charger.StatusAsync("Faulted");

        try
        {
            var after = await staff.WaitForArea(
                a => a.Chargers.Single(c => c.Charger.ChargerId == broken).Charger.Status.WireName() == "faulted",
                "staff see the faulted charger");
            Assert.DoesNotContain(after.Chargers.Single(c => c.Charger.ChargerId == broken).Turns, t => t.RequestId == request.Id && t.Status.WireName() is "scheduled" or "called");
            var moved = await _host.GetOkAsync<ChargingRequestDto>($"{Requests()}/{request.Id}?planned=true", "r00037");
            Assert.NotEqual(broken, moved.Turn?.ChargerId);
        }
        finally
        {
            await charger.StatusAsync("Available");
            Assert.Equal("available", (await _host.GetOkAsync<ChargerDto>(ParkingHost.CompoundPath($"chargers/{broken}"), "staff01")).Status.WireName());
        }
    }
}
