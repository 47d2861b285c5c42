using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Xunit;
using static Parking.Domain.Tests.SpaceCalendarTests;

namespace Parking.Domain.Tests.Reservations;

/// <summary>Decisions the space grain made itself before: who gets a cancellation refunded, who sees an archived booking, when the space wakes.</summary>
public class SpaceRulesMovedTests
{
    private static readonly CreditPolicy Credits = new() { RefundNotice = TimeSpan.FromHours(2) };

    private static Reservation Booked(string resident, TimeWindow window, DateTimeOffset? endedAt = null) =>
        new("r1", "c1", "L1", "S1", resident, null, window, ReservationStatus.Cancelled, Now, null, endedAt, 2);

    [Fact]
    public void Staff_cancelling_always_refunds_a_driver_only_with_enough_notice_counted_from_when_it_ended()
    {
        var window = Hours(3, 4);
        var driver = new Actor("ann", IsStaff: false);
        var staff = new Actor("staff1", IsStaff: true);

        Assert.True(Credits.RefundsCancellation(Booked("ann", window, endedAt: Now), driver, Now.AddHours(5)));
        Assert.False(Credits.RefundsCancellation(Booked("ann", window, endedAt: Now.AddHours(1.5)), driver, Now));
        Assert.False(Credits.RefundsCancellation(Booked("ann", window), driver, Now.AddHours(1.5)));
        Assert.True(Credits.RefundsCancellation(Booked("ann", window), driver, Now.AddHours(1)));
        Assert.True(Credits.RefundsCancellation(Booked("ann", window, endedAt: Now.AddHours(3.5)), staff, Now));
    }

    [Fact]
    public void An_archived_booking_is_shown_to_its_driver_and_staff_only()
    {
        var booking = Booked("ann", Hours(1, 2));

        Assert.Same(booking, SpaceCalendar.Visible(booking, new Actor("ann", false)).Value);
        Assert.Same(booking, SpaceCalendar.Visible(booking, new Actor("staff1", true)).Value);
        Assert.Equal("forbidden", SpaceCalendar.Visible(booking, new Actor("bob", false)).Error!.Code);
    }

    [Fact]
    public void The_space_wakes_at_the_first_no_show_deadline_and_not_at_all_when_nothing_is_due()
    {
        var calendar = NewCalendar();
        Assert.Null(calendar.NextWake(Policy, DateTimeOffset.MinValue));

        Assert.True(calendar.Reserve(new ReserveCommand("a", Hours(3, 4), null), Policy, Now, Guid.NewGuid()).IsSuccess);
        Assert.True(calendar.Reserve(new ReserveCommand("b", Hours(1, 2), null), Policy, Now, Guid.NewGuid()).IsSuccess);

        var expected = new[] { calendar.NextNoShowDeadline(Policy), calendar.NextOverstayDeadline(), calendar.NextNoShowWarning(DateTimeOffset.MinValue) }
            .Where(d => d is not null).Min();
        Assert.Equal(Now.AddHours(1) + Policy.GracePeriod, calendar.NextNoShowDeadline(Policy));
        Assert.Equal(expected, calendar.NextWake(Policy, DateTimeOffset.MinValue));
        Assert.True(calendar.NextWake(Policy, DateTimeOffset.MinValue) <= Now.AddHours(1) + Policy.GracePeriod);
        Assert.Equal(Now.AddHours(1) + Policy.GracePeriod, calendar.NextWake(Policy, DateTimeOffset.MaxValue));
    }
}
