using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Api.Tests.Sharing;

/// <summary>Owners publish sharing windows; drivers book inside them only; withdrawals move bookings and push.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class SharingApiTests(SharedHostFixture fixture)
{
    private static readonly CompoundLayout Layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly ParkingHost _host = fixture.Host;

    /// <summary>A private standard space of G1 that the other test classes leave alone (they use G1-001 to G1-019), and its owner.</summary>
    internal static (string SpaceId, string OwnerId) PrivateSpace(int skip)
    {
        var space = Layout.Lots.Single(l => l.LotId == "G1").Spaces
            .Where(s => s.Ownership == SpaceOwnership.Private && s.Kind == SpaceKind.Standard && string.CompareOrdinal(s.SpaceId, "G1-020") >= 0)
            .Skip(skip)
            .First();
        return (space.SpaceId, Layout.Users.First(u => u.HouseholdId == space.OwnerHouseholdId).UserId);
    }

    internal static string DriverNot(string ownerId, int n) =>
        Layout.Users.Where(u => u.Role == UserRole.Resident && u.UserId != ownerId && u.HouseholdId != Layout.Users.First(o => o.UserId == ownerId).HouseholdId).Skip(n).First().UserId;

    private static string SharingPath(string spaceId) => ParkingHost.CompoundPath($"spaces/{spaceId}/sharing");

    private DateOnly Today => DateOnly.FromDateTime(_host.Now.ToOffset(China).DateTime);

    private static SharingPlanDto Plan(DateOnly from, DateOnly until, params WeeklyPatternDto[] patterns) => new(patterns, from, until, null, null);

    private static WeeklyPatternDto Pattern(string days, string start, string end) => new([days], start, end);

    private Task<HttpResponseMessage> PublishAsync(string userId, string spaceId, object body) =>
        _host.SendAsync(HttpMethod.Put, SharingPath(spaceId), userId, body);

    private async Task<SpaceSharingDto> PublishOkAsync(string userId, string spaceId, object body)
    {
        using var response = await PublishAsync(userId, spaceId, body);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<SpaceSharingDto>(ParkingHost.Json))!;
    }

    public static TheoryData<string, string, string> BadPlans => new()
    {
        { "past", "until", "sharing-in-past" },
        { "reversed", "until", "sharing-reversed" },
        { "overlapping", "patterns[1]", "sharing-patterns-overlap" },
        { "beyond-end-date", "added[0].end", "sharing-beyond-end-date" },
        { "bad-day", "patterns[0].days", "invalid-request" },
        { "bad-time", "patterns[0].start", "invalid-request" },
        { "no-until", "until", "invalid-request" },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public async Task Bad_windows_are_refused_with_problem_details_and_change_nothing(string name, string field, string code)
    {
        var (spaceId, ownerId) = PrivateSpace(0);
        var weekdays = Pattern("weekdays", "08:00", "18:00");
        object body = name switch
        {
            "past" => Plan(Today.AddDays(-10), Today.AddDays(-3), weekdays),
            "reversed" => Plan(Today.AddDays(6), Today.AddDays(2), weekdays),
            "overlapping" => Plan(Today, Today.AddDays(20), weekdays, Pattern("friday", "17:00", "23:00")),
            "beyond-end-date" => Plan(Today, Today.AddDays(7), weekdays) with
            {
                Added = [new LocalWindowDto(Today.AddDays(9).ToDateTime(new TimeOnly(9, 0)), Today.AddDays(9).ToDateTime(new TimeOnly(12, 0)))],
            },
            "bad-day" => Plan(Today, Today.AddDays(7), Pattern("funday", "08:00", "18:00")),
            "bad-time" => Plan(Today, Today.AddDays(7), Pattern("monday", "8 o'clock", "18:00")),
            "no-until" => Plan(Today, Today, weekdays) with { Until = null },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var before = await _host.GetOkAsync<SpaceSharingDto>(SharingPath(spaceId), ownerId);

        using var response = await PublishAsync(ownerId, spaceId, body);

        await ProblemAssert.Expect(response, HttpStatusCode.BadRequest, code, field);
        var after = await _host.GetOkAsync<SpaceSharingDto>(SharingPath(spaceId), ownerId);
        Assert.Equal(before.Record, after.Record);
        Assert.Equal(before.Plan?.Until, after.Plan?.Until);
        Assert.Equal(before.Upcoming, after.Upcoming);
    }

    [Fact]
    public async Task Publishing_windows_on_a_space_you_do_not_own_is_forbidden_and_changes_nothing()
    {
        var (spaceId, ownerId) = PrivateSpace(0);
        var stranger = DriverNot(ownerId, 20);
        var before = await _host.GetOkAsync<SpaceSharingDto>(SharingPath(spaceId), "staff01");

        using (var publish = await PublishAsync(stranger, spaceId, Plan(Today, Today.AddDays(3), Pattern("daily", "00:00", "24:00"))))
        {
            await ProblemAssert.Expect(publish, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var withdraw = await _host.SendAsync(HttpMethod.Delete, SharingPath(spaceId), stranger))
        {
            await ProblemAssert.Expect(withdraw, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var common = await PublishAsync(ownerId, "T1-001", Plan(Today, Today.AddDays(3), Pattern("daily", "00:00", "24:00"))))
        {
            await ProblemAssert.Expect(common, HttpStatusCode.Forbidden, "forbidden");
        }

        var after = await _host.GetOkAsync<SpaceSharingDto>(SharingPath(spaceId), "staff01");
        Assert.Equal(before.Record, after.Record);
        Assert.Equal(before.Upcoming, after.Upcoming);
    }

    [Fact]
    public async Task Drivers_book_a_private_space_only_inside_its_windows_and_owners_never_book_their_own()
    {
        var (spaceId, ownerId) = PrivateSpace(1);
        var driver = DriverNot(ownerId, 21);

        // Shared on weekdays 08:00-18:00 Shanghai time only.
        var view = await PublishOkAsync(ownerId, spaceId, Plan(Today, Today.AddDays(13), Pattern("weekdays", "08:00", "18:00")));
        var window = view.Upcoming.First(w => w.Start > _host.Now.AddHours(1));
        Assert.Equal(new TimeOnly(8, 0), TimeOnly.FromDateTime(window.Start.ToOffset(China).DateTime));
        Assert.Equal(TimeSpan.FromHours(10), window.End - window.Start);

        // Outside: the evening after a shared day; across: the last hour and the first one after.
        using (var outside = await _host.ReserveAsync(driver, spaceId, window.End.AddHours(1), window.End.AddHours(3)))
        {
            await ProblemAssert.Expect(outside, HttpStatusCode.Conflict, "outside-sharing-window", "start");
        }

        using (var across = await _host.ReserveAsync(driver, spaceId, window.End.AddHours(-1), window.End.AddHours(1)))
        {
            await ProblemAssert.Expect(across, HttpStatusCode.Conflict, "outside-sharing-window");
        }

        using (var own = await _host.ReserveAsync(ownerId, spaceId, window.Start.AddHours(1), window.Start.AddHours(2)))
        {
            await ProblemAssert.Expect(own, HttpStatusCode.Conflict, "own-space");
        }

        Assert.Empty((await _host.SpaceAsync(spaceId)).Held);

        // The search offers the space inside the window and not outside it.
        var inside = await _host.SearchAsync(driver, window.Start.AddHours(1), window.Start.AddHours(3));
        var evening = await _host.SearchAsync(driver, window.End.AddHours(1), window.End.AddHours(3));
        Assert.Contains(inside.Spaces, s => s.SpaceId == spaceId);
        Assert.DoesNotContain(evening.Spaces, s => s.SpaceId == spaceId);

        var booked = await _host.ReserveOkAsync(driver, spaceId, window.Start.AddHours(1), window.Start.AddHours(3));
        Assert.Equal("reserved", booked.Status.WireName());
        await _host.CommandOkAsync(driver, booked.Id, "cancel");
    }

    [Fact]
    public async Task Withdrawing_a_booked_window_moves_the_driver_and_tells_them_live()
    {
        var (spaceId, ownerId) = PrivateSpace(2);
        var driver = DriverNot(ownerId, 22);
        await using var hub = await _host.ConnectHubAsync(driver);
        var start = _host.Now.AddHours(3);
        var booked = await _host.ReserveOkAsync(driver, spaceId, start, start.AddHours(2), plate: "沪C55555");

        using var withdraw = await _host.SendAsync(HttpMethod.Delete, SharingPath(spaceId), ownerId);
        await ParkingHost.Expect(withdraw, HttpStatusCode.OK);
        var view = (await withdraw.Content.ReadFromJsonAsync<SpaceSharingDto>(ParkingHost.Json))!;

        Assert.Equal(1, view.BrokenNow);
        Assert.True(view.Record.BrokenBookings >= 1);
        Assert.True(view.Record.LateBrokenBookings >= 1, "the booking started within the 24 h notice");
        Assert.Empty(view.Upcoming);
        var notice = await hub.WaitForDriverNoticeAsync(n => n.Broken.Id == booked.Id, "the driver hears that their booking moved");
        Assert.Equal(BrokenBookingReasonDto.Withdrawn, notice.Reason);
        Assert.NotNull(notice.Replacement);
        Assert.NotEqual(spaceId, notice.Replacement.SpaceId);
        Assert.Equal((start, start.AddHours(2)), (notice.Replacement.Start, notice.Replacement.End));

        var mine = await _host.MineAsync(driver);
        Assert.Equal("cancelled", mine.Single(r => r.Id == booked.Id).Status.WireName());
        Assert.Equal("reserved", mine.Single(r => r.Id == notice.Replacement.Id).Status.WireName());
        Assert.Empty((await _host.SpaceAsync(spaceId)).Held);

        // Staff see the owner's record too.
        var asStaff = await _host.GetOkAsync<SpaceSharingDto>(SharingPath(spaceId), "staff02");
        Assert.Equal(view.Record, asStaff.Record);
        await _host.CommandOkAsync(driver, notice.Replacement.Id, "cancel");
    }
}
