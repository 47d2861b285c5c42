using System.Net;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Sharing;

/// <summary>
/// A car still checked in past its end is flagged to staff, and the next driver on its space is moved and told.
/// Its residents (r00027, r00028) are used by no other test: the move may land on any free standard space.
/// </summary>
[Collection(SharedHostCollection.Name)]
public sealed class OverstayTests(SharedHostFixture fixture)
{
    private const string Space = "T1-012";
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task An_overstaying_car_is_flagged_to_staff_and_the_next_driver_is_moved()
    {
        await using var staff = await _host.ConnectHubAsync("staff03");
        await using var next = await _host.ConnectHubAsync("r00028");
        var start = _host.Now.AddMinutes(5);
        var stay = await _host.ReserveOkAsync("r00027", Space, start, start.AddHours(1));
        var waiting = await _host.ReserveOkAsync("r00028", Space, start.AddHours(1), start.AddHours(2));
        await _host.CommandOkAsync("r00027", stay.Id, "check-in");

        // The car does not leave: a minute past its end, the space's timer flags it.
        _host.Time.Advance(TimeSpan.FromMinutes(66));

        var flagged = await staff.WaitForOverstayAsync(o => o.Overstay.Id == stay.Id, "staff hear of the overstaying car");
        Assert.Equal(waiting.Id, flagged.Next?.Id);
        var notice = await next.WaitForDriverNoticeAsync(n => n.Broken.Id == waiting.Id, "the next driver hears they were moved");
        Assert.Equal(BrokenBookingReasonDto.Overstay, notice.Reason);
        Assert.NotNull(notice.Replacement);
        Assert.NotEqual(Space, notice.Replacement.SpaceId);
        // The waiting booking had begun a minute before: it moves for the rest of its window.
        Assert.Equal((_host.Now, waiting.End), (notice.Replacement.Start, notice.Replacement.End));

        var list = await _host.GetOkAsync<OverstayDto[]>(ParkingHost.CompoundPath("overstays"), "staff01");
        Assert.Contains(list, o => o.Overstay.Id == stay.Id);
        var mine = await _host.MineAsync("r00028");
        Assert.Equal("reserved", mine.Single(r => r.Id == notice.Replacement.Id).Status.WireName());
        Assert.Equal("cancelled", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{waiting.Id}"), "r00028")).Status.WireName());

        using (var asResident = await _host.GetAsync(ParkingHost.CompoundPath("overstays"), "r00028"))
        {
            await ProblemAssert.Expect(asResident, HttpStatusCode.Forbidden);
        }

        // Checking out clears the flag (the registry hears of it one-way: wait, bounded).
        await _host.CommandOkAsync("r00027", stay.Id, "check-out");
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((await _host.GetOkAsync<OverstayDto[]>(ParkingHost.CompoundPath("overstays"), "staff01")).Any(o => o.Overstay.Id == stay.Id))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the overstay was not cleared after check-out");
            await Task.Delay(50);
        }

        await _host.CommandOkAsync("r00028", notice.Replacement.Id, "cancel");
    }
}
