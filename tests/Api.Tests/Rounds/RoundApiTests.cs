using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Api.Tests.Rounds;

/// <summary>Round requests and runs over HTTP; each driver hears their result over the real SignalR client.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class RoundApiTests(SharedHostFixture fixture)
{
    private static readonly CompoundLayout Layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
    private readonly ParkingHost _host = fixture.Host;

    private static readonly string RequestsPath = ParkingHost.CompoundPath("rounds/requests");

    /// <summary>Residents from the end of the list, which the other test classes leave alone.</summary>
    private static string Resident(int n) =>
        Layout.Users.Where(u => u.Role == UserRole.Resident).Reverse().Skip(n).First().UserId;

    private RoundWindowDto Window(double fromHours, double toHours) => new(_host.Now.AddHours(fromHours), _host.Now.AddHours(toHours));

    [Fact]
    public async Task A_driver_hears_their_round_result_over_the_hub_and_holds_the_reservation()
    {
        var driver = Resident(0);
        await using var hub = await _host.ConnectHubAsync(driver);
        var heard = new TaskCompletionSource<RoundResultDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = hub.Connection.On<RoundResultDto>(nameof(IParkingClient.RoundResult), r => heard.TrySetResult(r));

        // Every staff member hears the round's summary, not only the one who started it.
        await using var otherStaff = await _host.ConnectHubAsync("staff02");
        var summary = new TaskCompletionSource<RoundReportDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var summarySubscription = otherStaff.Connection.On<RoundReportDto>(nameof(IParkingClient.RoundSummary), r => summary.TrySetResult(r));
        var driverSummaries = 0;
        using var driverSummary = hub.Connection.On<RoundReportDto>(nameof(IParkingClient.RoundSummary), _ => Interlocked.Increment(ref driverSummaries));

        using var submitted = await _host.SendAsync(HttpMethod.Post, RequestsPath, driver, new RoundRequestDto([Window(101, 104)], null, "standard", null, "沪C55555", null));
        await ParkingHost.Expect(submitted, HttpStatusCode.Created);
        var request = (await submitted.Content.ReadFromJsonAsync<RoundEntryDto>(ParkingHost.Json))!;
        Assert.Contains(await _host.GetOkAsync<RoundEntryDto[]>(ParkingHost.CompoundPath("rounds/requests/mine"), driver), r => r.Id == request.Id);

        using var run = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("rounds/run"), "staff01");
        await ParkingHost.Expect(run, HttpStatusCode.OK);
        var report = (await run.Content.ReadFromJsonAsync<RoundReportDto>(ParkingHost.Json))!;
        var mine = Assert.Single(report.Results, r => r.Request.Id == request.Id);
        Assert.Equal(RoundRequestStatusDto.Served, mine.Status);
        Assert.True(report.Metrics.RequestsBooked >= 1);

        var pushed = await heard.Task.WaitAsync(HubClient.PushTimeout);
        var heardSummary = await summary.Task.WaitAsync(HubClient.PushTimeout);
        Assert.Contains(heardSummary.Results, r => r.Request.Id == request.Id);
        Assert.Equal(request.Id, pushed.Request.Id);
        Assert.Equal(RoundRequestStatusDto.Served, pushed.Status);
        Assert.Equal(mine.SpaceId, pushed.SpaceId);

        var reservationId = Assert.Single(pushed.ReservationIds);
        var reservations = await _host.MineAsync(driver);
        var booked = Assert.Single(reservations, r => r.Id == reservationId);
        Assert.Equal(("reserved", mine.SpaceId, "沪C55555"), (booked.Status.WireName(), booked.SpaceId, booked.Plate));

        // The driver sees their own result of the last round; the request left the open round.
        var last = await _host.GetOkAsync<RoundReportDto>(ParkingHost.CompoundPath("rounds/last"), driver);
        Assert.True(last.Round >= report.Round);
        Assert.All(last.Results, r => Assert.Equal(driver, r.Request.ResidentId));
        Assert.DoesNotContain(await _host.GetOkAsync<RoundEntryDto[]>(ParkingHost.CompoundPath("rounds/requests/mine"), driver), r => r.Id == request.Id);

        // The summary went to the staff group only (the driver's result came before it on the same path).
        Assert.Equal(0, Volatile.Read(ref driverSummaries));

        // The other test classes share the spaces: give it back.
        await _host.CommandOkAsync(driver, reservationId, "cancel");
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "past", "windows[0].start", "window-in-past" },
        { "reversed", "windows[0].end", "window-reversed" },
        { "span", "windows", "round-span-too-long" },
        { "closed", "round", "round-closed" },
        { "kind", "kind", "invalid-request" },
        { "no-windows", "windows", "round-no-windows" },
        { "weekly-day", "weekly.days", "invalid-request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_round_requests_are_refused_with_problem_details_and_change_nothing(string name, string field, string code)
    {
        var driver = Resident(1);
        var open = await _host.GetOkAsync<OpenRoundDto>(ParkingHost.CompoundPath("rounds/next"), driver);
        var body = name switch
        {
            "past" => new RoundRequestDto([Window(-30, -28)], null, null, null, null, null),
            "reversed" => new RoundRequestDto([Window(60, 58)], null, null, null, null, null),
            "span" => new RoundRequestDto([Window(1, 3), Window((13 * 24) + 20, (14 * 24) + 10)], null, null, null, null, null),
            "closed" => new RoundRequestDto([Window(20, 22)], null, null, null, null, open.Round - 1),
            "kind" => new RoundRequestDto([Window(20, 22)], null, "hovercraft", null, null, null),
            "no-windows" => new RoundRequestDto([], null, null, null, null, null),
            "weekly-day" => new RoundRequestDto(null, new WeeklyRequestDto(["funday"], "19:00", "07:30", DateOnly.FromDateTime(_host.Now.DateTime), DateOnly.FromDateTime(_host.Now.DateTime).AddDays(5)), null, null, null, null),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        using var response = await _host.SendAsync(HttpMethod.Post, RequestsPath, driver, body);
        await ProblemAssert.Expect(response, HttpStatusCode.BadRequest, code, field);
        Assert.Empty(await _host.GetOkAsync<RoundEntryDto[]>(ParkingHost.CompoundPath("rounds/requests/mine"), driver));

        if (name == "closed")
        {
            // A round number means nothing to the waitlist.
            return;
        }

        using var waitlisted = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("waitlist"), driver, body);
        await ProblemAssert.Expect(waitlisted, HttpStatusCode.BadRequest, code, field);
        Assert.Empty(await _host.GetOkAsync<RoundEntryDto[]>(ParkingHost.CompoundPath("waitlist"), driver));
    }

    [Fact]
    public async Task A_resident_cannot_start_a_round_nor_withdraw_anothers_request()
    {
        var (owner, other) = (Resident(2), Resident(3));
        using var submitted = await _host.SendAsync(HttpMethod.Post, RequestsPath, owner, new RoundRequestDto([Window(130, 131)], null, null, null, null, null));
        await ParkingHost.Expect(submitted, HttpStatusCode.Created);
        var request = (await submitted.Content.ReadFromJsonAsync<RoundEntryDto>(ParkingHost.Json))!;
        var roundBefore = (await _host.GetOkAsync<OpenRoundDto>(ParkingHost.CompoundPath("rounds/next"), "staff01")).Round;

        using var run = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("rounds/run"), owner);
        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        using var withdraw = await _host.SendAsync(HttpMethod.Delete, $"{RequestsPath}/{request.Id}", other);
        await ProblemAssert.Expect(withdraw, HttpStatusCode.Forbidden);

        var open = await _host.GetOkAsync<OpenRoundDto>(ParkingHost.CompoundPath("rounds/next"), "staff01");
        Assert.Equal(roundBefore, open.Round);
        Assert.Contains(open.Requests, r => r.Id == request.Id);

        using var withdrawn = await _host.SendAsync(HttpMethod.Delete, $"{RequestsPath}/{request.Id}", owner);
        await ParkingHost.Expect(withdrawn, HttpStatusCode.OK);
        Assert.Empty(await _host.GetOkAsync<RoundEntryDto[]>(ParkingHost.CompoundPath("rounds/requests/mine"), owner));
    }
}
