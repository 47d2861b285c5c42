using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Spaces;

/// <summary>A host of its own: these tests retype, block and reassign spaces and move the clock, which would change other tests' searches.</summary>
public sealed class SpaceAdminHostFixture : IAsyncLifetime
{
    private ParkingHost? _host;

    public ParkingHost Host => _host ?? throw new InvalidOperationException("The space admin host has not started.");

    public async Task InitializeAsync() => _host = await ParkingHost.StartAsync(ParkingHost.NewClock());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>Staff retype, block and reassign spaces of the small demo compound's visitor lot T1, each test its own spaces; and the no-show list.</summary>
public sealed class SpaceAdminApiTests(SpaceAdminHostFixture fixture) : IClassFixture<SpaceAdminHostFixture>
{
    private const string Staff = "staff01";
    private readonly ParkingHost _host = fixture.Host;

    private static string Space(string spaceId, string what) => ParkingHost.CompoundPath($"spaces/{spaceId}/{what}");

    private async Task<SpaceAdminDto> PutOk(string spaceId, string what, object body)
    {
        using var response = await _host.SendAsync(HttpMethod.Put, Space(spaceId, what), Staff, body);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<SpaceAdminDto>(ParkingHost.Json))!;
    }

    [Fact]
    public async Task A_retyped_space_is_found_by_its_new_kind_and_every_open_lot_map_hears_of_it()
    {
        await using var staff = await _host.ConnectHubAsync(Staff);
        await staff.WatchLotAsync("T1");
        var start = _host.Now.AddHours(30);

        var retyped = await PutOk("T1-004", "kind", new SpaceKindBody("accessible"));

        Assert.Equal(("T1-004", "accessible"), (retyped.SpaceId, retyped.Kind.WireName()));
        var change = await staff.WaitForLotChangeAsync(c => c.Space?.SpaceId == "T1-004" && c.Space!.Kind.WireName() == "accessible", "T1-004 retyped");
        Assert.Equal("T1", change.LotId);
        var accessible = await _host.GetOkAsync<AvailabilityResultDto>(
            ParkingHost.CompoundPath($"availability?start={ParkingHost.Q(start)}&end={ParkingHost.Q(start.AddHours(1))}&kind=accessible&limit=100"), "r00011");
        Assert.Contains(accessible.Spaces, s => s.SpaceId == "T1-004" && s.Kind.WireName() == "accessible");
        Assert.Equal("accessible", (await _host.SpaceAsync("T1-004")).Kind.WireName());

        var back = await PutOk("T1-004", "kind", new SpaceKindBody("Standard"));
        Assert.Equal("standard", back.Kind.WireName());
    }

    [Fact]
    public async Task Blocking_a_space_cancels_the_booking_moves_the_driver_and_tells_them()
    {
        var start = _host.Now.AddHours(6);
        var booked = await _host.ReserveOkAsync("r00012", "T1-006", start, start.AddHours(2));
        await using var driver = await _host.ConnectHubAsync("r00012");
        await using var staff = await _host.ConnectHubAsync(Staff);
        await staff.WatchLotAsync("T1");

        var blocked = await PutOk("T1-006", "service", new SpaceServiceBody(true));

        Assert.True(blocked.OutOfService);
        Assert.Equal(booked.Id, Assert.Single(blocked.Cancelled).Id);
        Assert.Empty(blocked.Active);
        var notice = await driver.WaitForDriverNoticeAsync(n => n.Broken.Id == booked.Id, "the blocked booking's notice");
        Assert.Equal(BrokenBookingReasonDto.Blocked, notice.Reason);
        Assert.NotNull(notice.Replacement);
        Assert.NotEqual("T1-006", notice.Replacement.SpaceId);
        Assert.Equal((start, start.AddHours(2)), (notice.Replacement.Start, notice.Replacement.End));
        Assert.Contains("Staff closed space T1-006", notice.Message, StringComparison.Ordinal);
        await staff.WaitForLotChangeAsync(c => c.Space?.SpaceId == "T1-006" && c.Space!.Status.WireName() == "outOfService", "T1-006 out of service");
        Assert.DoesNotContain((await _host.SearchAsync("r00013", start, start.AddHours(1))).Spaces, s => s.SpaceId == "T1-006");
        Assert.Equal("cancelled", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{booked.Id}"), "r00012")).Status.WireName());

        var reopened = await PutOk("T1-006", "service", new SpaceServiceBody(false));
        Assert.False(reopened.OutOfService);
        Assert.Contains((await _host.SearchAsync("r00013", start, start.AddHours(1))).Spaces, s => s.SpaceId == "T1-006");
    }

    [Fact]
    public async Task A_space_reassigned_to_a_household_is_private_and_no_longer_offered()
    {
        var start = _host.Now.AddHours(40);

        var owned = await PutOk("T1-008", "owner", new SpaceOwnerBody("private", "H00003"));

        Assert.Equal(("private", "H00003"), (owned.Ownership.WireName(), owned.OwnerHouseholdId));
        Assert.Equal("private", (await _host.SpaceAsync("T1-008")).Ownership.WireName());
        Assert.DoesNotContain((await _host.SearchAsync("r00014", start, start.AddHours(1))).Spaces, s => s.SpaceId == "T1-008");

        var temporary = await PutOk("T1-008", "owner", new SpaceOwnerBody("temporary", null));
        Assert.Equal(("temporary", (string?)null), (temporary.Ownership.WireName(), temporary.OwnerHouseholdId));
        Assert.Contains((await _host.SearchAsync("r00014", start, start.AddHours(1))).Spaces, s => s.SpaceId == "T1-008");
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_changes_nothing()
    {
        var before = await _host.GetOkAsync<SpaceAdminDto>(Space("T1-010", "admin"), Staff);

        async Task Refused(string what, object? body, HttpStatusCode status, string code, string? field = null, string user = Staff, string space = "T1-010")
        {
            using var response = await _host.SendAsync(HttpMethod.Put, Space(space, what), user, body ?? new StringContent("null", System.Text.Encoding.UTF8, "application/json"));
            var problem = await ProblemAssert.Expect(response, status, code, field);
            Assert.NotNull(problem);
        }

        await Refused("kind", new SpaceKindBody("garage"), HttpStatusCode.BadRequest, "space-kind-invalid", "kind");
        await Refused("kind", new SpaceKindBody("2"), HttpStatusCode.BadRequest, "space-kind-invalid", "kind");
        await Refused("kind", null, HttpStatusCode.BadRequest, "invalid-request", "body");
        await Refused("service", new { }, HttpStatusCode.BadRequest, "invalid-request", "outOfService");
        await Refused("owner", new SpaceOwnerBody("shared", null), HttpStatusCode.BadRequest, "space-ownership-invalid", "ownership");
        await Refused("owner", new SpaceOwnerBody("private", "H99999"), HttpStatusCode.BadRequest, "household-not-found", "householdId");
        await Refused("owner", new SpaceOwnerBody("private", null), HttpStatusCode.BadRequest, "household-required", "householdId");
        await Refused("owner", new SpaceOwnerBody("common", "H00001"), HttpStatusCode.BadRequest, "household-not-allowed", "householdId");
        await Refused("kind", new SpaceKindBody("ev"), HttpStatusCode.NotFound, "space-not-found", space: "Z9-999");
        await Refused("service", new SpaceServiceBody(true), HttpStatusCode.NotFound, "space-not-found", space: "no such space!");
        await Refused("kind", new SpaceKindBody("ev"), HttpStatusCode.Forbidden, "forbidden", user: "r00015");
        await Refused("service", new SpaceServiceBody(true), HttpStatusCode.Forbidden, "forbidden", user: "r00015");
        using (var admin = await _host.GetAsync(Space("T1-010", "admin"), "r00015"))
        {
            await ProblemAssert.Expect(admin, HttpStatusCode.Forbidden);
        }

        var after = await _host.GetOkAsync<SpaceAdminDto>(Space("T1-010", "admin"), Staff);
        Assert.Equal(before, after with { Active = before.Active, Cancelled = before.Cancelled });
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task The_no_show_list_names_the_space_the_resident_and_the_times()
    {
        var start = _host.Now.AddMinutes(5);
        var noShow = await _host.ReserveOkAsync("r00016", "T1-011", start, start.AddHours(1));

        // Nobody comes: past the grace period the space releases the booking when next asked.
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal("noShow", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{noShow.Id}"), "r00016")).Status.WireName());

        var list = await _host.GetOkAsync<NoShowListDto>(ParkingHost.CompoundPath("reports/no-shows/list"), Staff);

        var item = Assert.Single(list.Items, i => i.Id == noShow.Id);
        Assert.Equal(("reservation", "r00016", "T1", "T1-011"), (item.Kind.WireName(), item.ResidentId, item.LotId, item.SpaceId));
        Assert.Equal((noShow.Start, noShow.End), (item.Start, item.End));
        Assert.True(item.At > item.Start && item.At <= _host.Now, $"released at {item.At}");
        Assert.Equal(_host.Now, list.To);

        using var resident = await _host.GetAsync(ParkingHost.CompoundPath("reports/no-shows/list"), "r00016");
        await ProblemAssert.Expect(resident, HttpStatusCode.Forbidden);
        using var bad = await _host.GetAsync(ParkingHost.CompoundPath("reports/no-shows/list?from=yesterday"), Staff);
        await ProblemAssert.Expect(bad, HttpStatusCode.BadRequest, field: "from");
    }
}
