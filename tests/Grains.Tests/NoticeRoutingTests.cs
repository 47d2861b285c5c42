using Parking.Domain;
using Parking.Domain.Reservations;
using Parking.Grains.Notices;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The notifier sends a push to the notice router only when <see cref="NoticeTexts.Concerns"/> says it can make a
/// notice. Every booking publishes a reservation change, so the filter keeps bookings off the router, and it must never
/// hold back a change that does make a notice.
/// </summary>
public sealed class NoticeRoutingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static ReservationChangedPush Change(ReservationStatus status) => new(new Reservation(
        "S-001." + Guid.Empty.ToString("N"), "c1", "A", "S-001", "r00001", null,
        new TimeWindow(Now.AddHours(1), Now.AddHours(2)), status, Now, null, null, Revision: 1));

    [Theory]
    [InlineData(ReservationStatus.Reserved)]
    [InlineData(ReservationStatus.CheckedIn)]
    [InlineData(ReservationStatus.Completed)]
    [InlineData(ReservationStatus.Cancelled)]
    public void A_reservation_change_that_makes_no_notice_is_not_sent_to_the_router(ReservationStatus status)
    {
        var push = Change(status);

        Assert.Empty(NoticeTexts.From(push, Now, TimeSpan.FromHours(8)));
        Assert.False(NoticeTexts.Concerns(push));
    }

    [Fact]
    public void A_no_show_is_sent_to_the_router_and_becomes_the_drivers_notice()
    {
        var push = Change(ReservationStatus.NoShow);

        Assert.True(NoticeTexts.Concerns(push));
        var notice = Assert.Single(NoticeTexts.From(push, Now, TimeSpan.FromHours(8)));
        Assert.Equal("r00001", notice.UserId);
    }

    [Fact]
    public void No_reservation_change_that_makes_a_notice_is_held_back()
    {
        foreach (var status in Enum.GetValues<ReservationStatus>())
        {
            var push = Change(status);
            Assert.True(NoticeTexts.Concerns(push) || NoticeTexts.From(push, Now, TimeSpan.FromHours(8)).Count == 0, $"{status} makes a notice but is not routed");
        }
    }
}
