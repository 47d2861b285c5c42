using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>Reservation commands through the HTTP API: ownership, concurrency, idempotency, limits, life cycle, no-shows.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class ReservationTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task Resident_cannot_cancel_or_read_another_residents_reservation()
    {
        var start = _host.Now.AddHours(4);
        var reservation = await _host.ReserveOkAsync("r00003", "G1-002", start, start.AddHours(2));

        using (var cancel = await _host.CommandAsync("r00004", reservation.Id, "cancel"))
        {
            await ProblemAssert.Expect(cancel, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var read = await _host.GetAsync(ParkingHost.CompoundPath($"reservations/{reservation.Id}"), "r00004"))
        {
            await ProblemAssert.Expect(read, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var checkIn = await _host.CommandAsync("r00004", reservation.Id, "check-in"))
        {
            await ProblemAssert.Expect(checkIn, HttpStatusCode.Forbidden, "forbidden");
        }

        // Nothing changed: the owner still holds it, at the same revision.
        var unchanged = await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{reservation.Id}"), "r00003");
        Assert.Equal("reserved", unchanged.Status.WireName());
        Assert.Equal(reservation.Revision, unchanged.Revision);
        Assert.Contains((await _host.SpaceAsync("G1-002")).Held, w => w.Start == start);
        Assert.DoesNotContain(await _host.MineAsync("r00004"), r => r.Id == reservation.Id);

        // Staff may read it; its owner may cancel it, which frees the space.
        var asStaff = await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{reservation.Id}"), "staff03");
        Assert.Equal(reservation.Id, asStaff.Id);
        var cancelled = await _host.CommandOkAsync("r00003", reservation.Id, "cancel");
        Assert.Equal("cancelled", cancelled.Status.WireName());
        Assert.Empty((await _host.SpaceAsync("G1-002")).Held);
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_for_one_space_and_window_make_exactly_one_reservation()
    {
        const string space = "G1-003";
        var residents = Enumerable.Range(31, 30).Select(i => $"r{i:00000}").ToArray();
        await Task.WhenAll(residents.Select(_host.TokenFor));
        var versionBefore = (await _host.SpaceAsync(space)).Version;
        var start = _host.Now.AddHours(5);
        var end = start.AddHours(1);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _host.ReserveAsync(residents[i % residents.Length], space, start, end)));
        try
        {
            var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            foreach (var refused in responses.Where(r => r != created))
            {
                await ProblemAssert.Expect(refused, HttpStatusCode.Conflict, "space-taken");
            }

            var reservation = (await created.Content.ReadFromJsonAsync<ReservationDto>(ParkingHost.Json))!;
            var held = (await _host.SpaceAsync(space)).Held;
            Assert.Equal(new TimeWindowDto(start, end), Assert.Single(held));
            Assert.Equal(versionBefore + 1, (await _host.SpaceAsync(space)).Version);

            var mine = (await Task.WhenAll(residents.Select(_host.MineAsync))).SelectMany(r => r).Where(r => r.SpaceId == space).ToList();
            Assert.Equal(reservation.Id, Assert.Single(mine).Id);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Retry_with_the_same_Idempotency_Key_returns_the_same_reservation()
    {
        var start = _host.Now.AddHours(6);
        var key = Guid.NewGuid().ToString("N");

        using var first = await _host.ReserveAsync("r00006", "G1-005", start, start.AddHours(1), idempotencyKey: key);
        await ParkingHost.Expect(first, HttpStatusCode.Created);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var made = (await first.Content.ReadFromJsonAsync<ReservationDto>(ParkingHost.Json))!;

        using var retry = await _host.ReserveAsync("r00006", "G1-005", start, start.AddHours(1), idempotencyKey: key);
        await ParkingHost.Expect(retry, HttpStatusCode.Created);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        var replayed = (await retry.Content.ReadFromJsonAsync<ReservationDto>(ParkingHost.Json))!;
        Assert.Equal(made.Id, replayed.Id);
        Assert.Equal(made, replayed);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);

        // The same key for another request is refused, and so is the same request under a new key.
        using var otherBody = await _host.ReserveAsync("r00006", "G1-006", start, start.AddHours(1), idempotencyKey: key);
        await ProblemAssert.Expect(otherBody, (HttpStatusCode)422, "idempotency-key-reused", "Idempotency-Key");
        using var otherWindow = await _host.ReserveAsync("r00006", "G1-005", start, start.AddHours(2), idempotencyKey: key);
        await ProblemAssert.Expect(otherWindow, (HttpStatusCode)422, "idempotency-key-reused", "Idempotency-Key");
        using var newKey = await _host.ReserveAsync("r00006", "G1-005", start, start.AddHours(1), idempotencyKey: Guid.NewGuid().ToString("N"));
        await ProblemAssert.Expect(newKey, HttpStatusCode.Conflict, "space-taken");

        Assert.Equal(made.Id, Assert.Single(await _host.MineAsync("r00006")).Id);
        Assert.Single((await _host.SpaceAsync("G1-005")).Held);
        Assert.Empty((await _host.SpaceAsync("G1-006")).Held);
    }

    [Fact]
    public async Task A_resident_holds_at_most_three_active_reservations()
    {
        var start = _host.Now.AddHours(7);
        var held = new List<ReservationDto>();
        foreach (var space in new[] { "G1-007", "G1-008", "G1-009" })
        {
            held.Add(await _host.ReserveOkAsync("r00007", space, start, start.AddHours(1)));
        }

        using (var fourth = await _host.ReserveAsync("r00007", "G1-010", start, start.AddHours(1)))
        {
            await ProblemAssert.Expect(fourth, HttpStatusCode.Conflict, "reservation-limit");
        }

        Assert.Empty((await _host.SpaceAsync("G1-010")).Held);
        Assert.Equal(3, (await _host.MineAsync("r00007")).Length);

        // Cancelling one makes room again.
        await _host.CommandOkAsync("r00007", held[0].Id, "cancel");
        var fourthAgain = await _host.ReserveOkAsync("r00007", "G1-010", start, start.AddHours(1));
        Assert.Equal("G1-010", fourthAgain.SpaceId);
    }

    [Fact]
    public async Task Check_in_and_check_out_life_cycle_frees_the_rest_of_the_window()
    {
        const string space = "G1-011";
        await using var owner = await _host.ConnectHubAsync("r00008");
        var start = _host.Now.AddMinutes(5);
        var end = start.AddHours(2);
        var reservation = await _host.ReserveOkAsync("r00008", space, start, end);
        Assert.Equal("reserved", reservation.Status.WireName());
        Assert.DoesNotContain((await _host.SearchAsync("r00012", start.AddMinutes(30), start.AddMinutes(90))).Spaces, s => s.SpaceId == space);

        using (var early = await _host.CommandAsync("r00008", reservation.Id, "check-out"))
        {
            await ProblemAssert.Expect(early, HttpStatusCode.Conflict, "reservation-not-checked-in");
        }

        // Five minutes before the start is within the early check-in allowance.
        var checkedIn = await _host.CommandOkAsync("r00008", reservation.Id, "check-in");
        Assert.Equal("checkedIn", checkedIn.Status.WireName());
        Assert.Equal(_host.Now, checkedIn.CheckedInAt);
        Assert.True(checkedIn.Revision > reservation.Revision);
        using (var twice = await _host.CommandAsync("r00008", reservation.Id, "check-in"))
        {
            await ProblemAssert.Expect(twice, HttpStatusCode.Conflict, "reservation-checked-in");
        }

        using (var cancel = await _host.CommandAsync("r00008", reservation.Id, "cancel"))
        {
            await ProblemAssert.Expect(cancel, HttpStatusCode.Conflict, "reservation-checked-in");
        }

        var occupied = await _host.OccupancyAsync("G1");
        Assert.Equal("occupied", Assert.Single(occupied.Spaces, s => s.SpaceId == space).Status.WireName());
        Assert.True(occupied.Counts["occupied"] >= 1);
        Assert.Equal(28, occupied.Counts.Values.Sum());

        // Half an hour into the window the car leaves: the rest of the window is free for others.
        _host.Time.Advance(TimeSpan.FromMinutes(35));
        var completed = await _host.CommandOkAsync("r00008", reservation.Id, "check-out");
        Assert.Equal("completed", completed.Status.WireName());
        Assert.Equal(_host.Now, completed.EndedAt);
        await owner.WaitForReservationAsync(r => r.Id == reservation.Id && r.Status.WireName() == "completed", "the owner hears of the check-out");

        var rest = await _host.SearchAsync("r00012", _host.Now, end);
        Assert.Contains(rest.Spaces, s => s.SpaceId == space);
        var after = await _host.SpaceAsync(space);
        Assert.Equal("free", after.Status.WireName());
        Assert.DoesNotContain(after.Held, w => w.End > _host.Now);
        var next = await _host.ReserveOkAsync("r00012", space, _host.Now, end);
        Assert.Equal(end, next.End);

        using var checkOutAgain = await _host.CommandAsync("r00008", reservation.Id, "check-out");
        await ProblemAssert.Expect(checkOutAgain, HttpStatusCode.Conflict, "reservation-not-checked-in");
    }

    [Fact]
    public async Task Reservation_not_checked_in_within_grace_becomes_no_show_and_watchers_hear_of_it()
    {
        const string space = "G1-012";
        await using var watcher = await _host.ConnectHubAsync("staff01");
        await using var owner = await _host.ConnectHubAsync("r00009");
        var start = _host.Now.AddMinutes(20);
        var reservation = await _host.ReserveOkAsync("r00009", space, start, start.AddHours(1));
        var before = await watcher.WatchLotAsync("G1");
        Assert.Single(Assert.Single(before.Spaces, s => s.SpaceId == space).Held);

        // Past start + 15 minutes' grace; then any look at the space releases the reservation.
        _host.Time.Advance(TimeSpan.FromMinutes(36));
        var noShow = await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{reservation.Id}"), "r00009");

        Assert.Equal("noShow", noShow.Status.WireName());
        Assert.Equal(start.AddMinutes(15), noShow.EndedAt);
        Assert.True(noShow.Revision > reservation.Revision);
        var change = await watcher.WaitForLotChangeAsync(
            c => c.Space?.SpaceId == space && c.Sequence > before.Sequence && c.Space!.Held.Count == 0,
            "the G1 watcher hears that G1-012 is free again");
        Assert.Equal("free", change.Space!.Status.WireName());
        await owner.WaitForReservationAsync(r => r.Id == reservation.Id && r.Status.WireName() == "noShow", "the owner hears of the no-show");
        Assert.Contains((await _host.SearchAsync("r00012", _host.Now, start.AddHours(1))).Spaces, s => s.SpaceId == space);

        using var lateCheckIn = await _host.CommandAsync("r00009", reservation.Id, "check-in");
        await ProblemAssert.Expect(lateCheckIn, HttpStatusCode.Conflict, "reservation-not-active");
    }
}
