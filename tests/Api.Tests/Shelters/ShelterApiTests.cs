using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Shelters;

/// <summary>A host of its own: these tests move its clock by hours (the maximum session length).</summary>
public sealed class ShelterHostFixture : IAsyncLifetime
{
    private ParkingHost? _host;

    public ParkingHost Host => _host ?? throw new InvalidOperationException("The shelter host has not started.");

    public async Task InitializeAsync() => _host = await ParkingHost.StartAsync(ParkingHost.NewClock());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>
/// The small demo compound's shelter E01 (10 ports, 2 kW) over HTTP and the real SignalR client. The tests
/// share it and run one after another, each on its own ports, leaving no alarm on.
/// </summary>
public sealed class ShelterApiTests(ShelterHostFixture fixture) : IClassFixture<ShelterHostFixture>
{
    private const string Staff = "staff01";
    private readonly ParkingHost _host = fixture.Host;

    private static string Path(string relative) => ParkingHost.CompoundPath($"shelters/{relative.TrimStart('/')}");

    private async Task<ShelterSessionDto> StartOk(string userId, string portId)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, Path("E01/sessions"), userId, new StartShelterSessionRequest(portId, "blue bike"));
        await ParkingHost.Expect(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ShelterSessionDto>(ParkingHost.Json))!;
    }

    private Task<HttpResponseMessage> Report(string portId, double power, double energy, string userId = Staff) =>
        _host.SendAsync(HttpMethod.Post, Path($"E01/ports/{portId}/report"), userId, new PortReportRequest(power, energy));

    [Fact]
    public async Task A_driver_finds_a_nearby_shelter_with_free_ports_and_sees_their_session()
    {
        var nearby = await _host.GetOkAsync<ShelterSummaryDto[]>(Path(""), "r00021");
        var shelter = Assert.Single(nearby);
        Assert.Equal("E01", shelter.ShelterId);
        Assert.True(shelter.FreePorts > 0);
        Assert.True(shelter.WalkMeters > 0);

        var session = await StartOk("r00021", "E01-P01");
        Assert.Equal("charging", session.Status.WireName());
        Assert.Equal(8 * 3600, session.TimeLeftSeconds);
        using (var reported = await Report("E01-P01", 190, 120))
        {
            await ParkingHost.Expect(reported, HttpStatusCode.OK);
        }

        var mine = await _host.GetOkAsync<ShelterSessionDto[]>(Path("sessions/mine"), "r00021");
        var seen = Assert.Single(mine, s => s.SessionId == session.SessionId);
        Assert.Equal(120, seen.EnergyWh);
        Assert.Equal(190, seen.PowerW);

        using var stopped = await _host.SendAsync(HttpMethod.Post, Path($"E01/sessions/{session.SessionId}/stop"), "r00021");
        await ParkingHost.Expect(stopped, HttpStatusCode.OK);
        var ended = (await stopped.Content.ReadFromJsonAsync<ShelterSessionDto>(ParkingHost.Json))!;
        Assert.Equal(("ended", (SessionEndReasonDto?)SessionEndReasonDto.Driver), (ended.Status.WireName(), ended.EndReason));
    }

    [Fact]
    public async Task A_driver_charging_at_the_shelter_hears_of_the_alarm_that_cuts_their_port()
    {
        await using var driver = await _host.ConnectHubAsync("r00022");
        var driverPushes = ShelterPushes.On(driver);
        await using var staff = await _host.ConnectHubAsync(Staff);
        var staffPushes = ShelterPushes.On(staff);
        var watched = await staff.Connection.InvokeAsync<ShelterDto>(ParkingHub.WatchShelter, ParkingHost.Compound, "E01");
        Assert.Equal(10, watched.Ports.Count);
        await using var other = await _host.ConnectHubAsync("r00023");
        var otherPushes = ShelterPushes.On(other);
        var session = await StartOk("r00022", "E01-P02");
        await driverPushes.WaitFor<ShelterSessionDto>(s => s.SessionId == session.SessionId && s.Status.WireName() == "charging", "the driver hears their session started");

        using var raised = await _host.SendAsync(HttpMethod.Post, Path("E01/alarm"), Staff, new ShelterAlarmRequest("smoke", 5.2));
        await ParkingHost.Expect(raised, HttpStatusCode.OK);
        var result = (await raised.Content.ReadFromJsonAsync<ShelterAlarmResultDto>(ParkingHost.Json))!;
        Assert.True(result.Raised);
        Assert.Contains(result.Cut, s => s.SessionId == session.SessionId);

        var alarm = await driverPushes.WaitFor<ShelterAlarmDto>(a => a.ShelterId == "E01" && a.ClearedAt is null, "the driver hears of the alarm");
        Assert.Equal((ShelterAlarmKindDto.Smoke, 5.2), (alarm.Kind, alarm.Value));
        var ended = await driverPushes.WaitFor<ShelterSessionDto>(s => s.SessionId == session.SessionId && s.Status.WireName() == "ended", "the driver hears their session was cut");
        Assert.Equal(SessionEndReasonDto.Alarm, ended.EndReason);
        await staffPushes.WaitFor<ShelterAlarmDto>(a => a.ShelterId == "E01" && a.ClearedAt is null, "staff hear of the alarm");
        await staffPushes.WaitFor<ShelterDto>(s => s.Alarm is not null && s.Ports.All(p => p.Status.WireName() == "cut"), "staff watching see every port cut");

        // A cut port stays off: a new session is refused until staff clear the alarm.
        using (var refused = await _host.SendAsync(HttpMethod.Post, Path("E01/sessions"), "r00023", new StartShelterSessionRequest("E01-P03", null)))
        {
            await ProblemAssert.Expect(refused, HttpStatusCode.Conflict, "port-cut");
        }

        using var cleared = await _host.SendAsync(HttpMethod.Post, Path("E01/alarm/clear"), Staff);
        await ParkingHost.Expect(cleared, HttpStatusCode.OK);
        await staffPushes.WaitFor<ShelterAlarmDto>(a => a.ShelterId == "E01" && a.ClearedBy == Staff, "staff hear the alarm cleared");
        var after = await _host.GetOkAsync<ShelterDto>(Path("E01"), Staff);
        Assert.Null(after.Alarm);
        Assert.All(after.Ports, p => Assert.NotEqual("cut", p.Status.WireName()));

        // The alarm went to the staff and to the driver it cut, not to a resident who was not charging.
        Assert.Empty(otherPushes.Received<ShelterAlarmDto>());
    }

    [Fact]
    public async Task A_session_reaching_the_maximum_length_is_cut_by_the_timer_and_the_driver_is_told()
    {
        await using var driver = await _host.ConnectHubAsync("r00024");
        var pushes = ShelterPushes.On(driver);
        var session = await StartOk("r00024", "E01-P04");

        _host.Time.Advance(TimeSpan.FromHours(8));

        // No request touches the shelter: the timer on the domain clock ends the session and pushes it.
        var ended = await pushes.WaitFor<ShelterSessionDto>(s => s.SessionId == session.SessionId && s.Status.WireName() == "ended", "the driver hears their session hit the maximum length");
        Assert.Equal(SessionEndReasonDto.MaxLength, ended.EndReason);
        Assert.Equal(0, ended.TimeLeftSeconds);
    }

    [Fact]
    public async Task Power_held_under_the_threshold_ends_a_full_battery()
    {
        var session = await StartOk("r00025", "E01-P05");
        (await Report("E01-P05", 200, 300)).Dispose();
        (await Report("E01-P05", 4, 610)).Dispose();

        using (var early = await Report("E01-P05", 3, 611))
        {
            await ParkingHost.Expect(early, HttpStatusCode.OK);
            Assert.Null((await early.Content.ReadFromJsonAsync<PortReportResultDto>(ParkingHost.Json))!.Ended);
        }

        // Five minutes under 10 W: the shelter's timer (or the next request, whichever comes first) ends it.
        _host.Time.Advance(TimeSpan.FromMinutes(5));
        var ended = await _host.GetOkAsync<ShelterSessionDto>(Path($"E01/sessions/{session.SessionId}"), "r00025");

        Assert.Equal(("ended", (SessionEndReasonDto?)SessionEndReasonDto.Full), (ended.Status.WireName(), ended.EndReason));
        Assert.Equal(611, ended.EnergyWh);
        var port = Assert.Single((await _host.GetOkAsync<ShelterDto>(Path("E01"), Staff)).Ports, p => p.PortId == "E01-P05");
        Assert.Equal("free", port.Status.WireName());
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_and_changes_nothing()
    {
        var session = await StartOk("r00026", "E01-P06");
        (await Report("E01-P06", 150, 40)).Dispose();
        var before = await _host.GetOkAsync<ShelterDto>(Path("E01"), Staff);

        async Task Expect(HttpMethod method, string path, string userId, object? body, HttpStatusCode status, string code, string? field = null)
        {
            using var response = await _host.SendAsync(method, path, userId, body);
            await ProblemAssert.Expect(response, status, code, field);
        }

        await Expect(HttpMethod.Post, Path("E99/sessions"), "r00027", new StartShelterSessionRequest("E99-P01", null), HttpStatusCode.NotFound, "shelter-not-found");
        await Expect(HttpMethod.Post, Path("E01/sessions"), "r00027", new StartShelterSessionRequest("E01-P99", null), HttpStatusCode.NotFound, "port-not-found");
        await Expect(HttpMethod.Post, Path("E01/sessions"), "r00027", new StartShelterSessionRequest("E01-P06", null), HttpStatusCode.Conflict, "port-busy");
        await Expect(HttpMethod.Post, Path("E01/sessions"), "r00027", new StartShelterSessionRequest(null, null), HttpStatusCode.BadRequest, "invalid-request", "portId");
        await Expect(HttpMethod.Get, Path($"E01/sessions/{session.SessionId}"), "r00027", null, HttpStatusCode.Forbidden, "forbidden");
        await Expect(HttpMethod.Post, Path($"E01/sessions/{session.SessionId}/stop"), "r00027", null, HttpStatusCode.Forbidden, "forbidden");
        await Expect(HttpMethod.Get, Path("E01/sessions/E01-P06-999999"), "r00026", null, HttpStatusCode.NotFound, "session-not-found");
        await Expect(HttpMethod.Post, Path("E01/ports/E01-P06/report"), Staff, new PortReportRequest(-5, 10), HttpStatusCode.BadRequest, "power-invalid", "powerW");
        await Expect(HttpMethod.Post, Path("E01/ports/E01-P06/report"), Staff, new PortReportRequest(null, 10), HttpStatusCode.BadRequest, "invalid-request", "powerW");
        await Expect(HttpMethod.Post, Path("E01/ports/E01-P06/report"), Staff, new PortReportRequest(10, -1), HttpStatusCode.BadRequest, "energy-invalid", "energyWh");
        await Expect(HttpMethod.Post, Path("E01/ports/E01-P99/report"), Staff, new PortReportRequest(10, 1), HttpStatusCode.NotFound, "port-not-found");
        await Expect(HttpMethod.Post, Path("E01/ports/E01-P06/report"), "r00026", new PortReportRequest(0, 0), HttpStatusCode.Forbidden, "forbidden");
        await Expect(HttpMethod.Post, Path("E01/alarm"), Staff, new ShelterAlarmRequest("fire", 1), HttpStatusCode.BadRequest, "invalid-request", "kind");
        await Expect(HttpMethod.Post, Path("E01/alarm"), Staff, new ShelterAlarmRequest("smoke", -1), HttpStatusCode.BadRequest, "alarm-value-invalid", "value");
        await Expect(HttpMethod.Post, Path("E01/alarm"), "r00026", new ShelterAlarmRequest("smoke", 9), HttpStatusCode.Forbidden, "forbidden");
        await Expect(HttpMethod.Post, Path("E01/alarm/clear"), Staff, null, HttpStatusCode.Conflict, "no-alarm");
        await Expect(HttpMethod.Get, Path("E01"), "r00026", null, HttpStatusCode.Forbidden, "forbidden");
        await Expect(HttpMethod.Get, Path("?building=B99"), "r00026", null, HttpStatusCode.BadRequest, "invalid-request", "building");

        var after = await _host.GetOkAsync<ShelterDto>(Path("E01"), Staff);
        Assert.Equal(before.Version, after.Version);
        var port = Assert.Single(after.Ports, p => p.PortId == "E01-P06");
        Assert.Equal(("charging", session.SessionId, 150.0), (port.Status.WireName(), port.Session?.SessionId, port.PowerW));
        Assert.Null(after.Alarm);
    }

    [Fact]
    public async Task Only_staff_may_watch_a_shelter()
    {
        await using var resident = await _host.ConnectHubAsync("r00028");

        var refused = await Assert.ThrowsAsync<HubException>(() => resident.Connection.InvokeAsync<ShelterDto>(ParkingHub.WatchShelter, ParkingHost.Compound, "E01"));

        Assert.Contains("Forbidden", refused.Message, StringComparison.Ordinal);
        await using var staff = await _host.ConnectHubAsync(Staff);
        var unknown = await Assert.ThrowsAsync<HubException>(() => staff.Connection.InvokeAsync<ShelterDto>(ParkingHub.WatchShelter, ParkingHost.Compound, "E99"));
        Assert.Contains("Not found", unknown.Message, StringComparison.Ordinal);
    }
}
