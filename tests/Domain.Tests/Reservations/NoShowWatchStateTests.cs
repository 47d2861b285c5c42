using Parking.Domain.Reservations;
using Xunit;
using static Parking.Domain.Tests.SpaceCalendarTests;

namespace Parking.Domain.Tests.Reservations;

/// <summary>A booking made before its start is warned of once, while its grace period runs; anything else leaves the watch.</summary>
public class NoShowWatchStateTests
{
    private static Reservation Booking(string id, TimeWindow window, ReservationStatus status = ReservationStatus.Reserved, DateTimeOffset? createdAt = null) =>
        new(id, "c", "L1", "S1", "ann", null, window, status, createdAt ?? Now, null, null, 1);

    [Fact]
    public void Only_a_booking_still_reserved_and_made_before_its_start_is_watched()
    {
        var watch = new NoShowWatchState();

        Assert.True(watch.Track(Booking("r1", Hours(1, 2))));
        Assert.False(watch.Track(Booking("r1", Hours(1, 2))));
        Assert.False(watch.Track(Booking("r2", Hours(-1, 2))));
        Assert.False(watch.Track(Booking("r3", Hours(1, 2), createdAt: Now.AddHours(1))));

        Assert.Equal(["r1"], watch.Pending.Keys);
        Assert.Equal(Now.AddHours(1), watch.NextWake);
    }

    [Fact]
    public void A_moved_window_replaces_the_one_held_and_a_cancel_leaves()
    {
        var watch = new NoShowWatchState();
        watch.Track(Booking("r1", Hours(1, 2)));

        Assert.True(watch.Track(Booking("r1", Hours(3, 4))));
        Assert.Equal(Now.AddHours(3), watch.NextWake);

        Assert.True(watch.Track(Booking("r1", Hours(3, 4), ReservationStatus.Cancelled)));
        Assert.Empty(watch.Pending);
        Assert.Null(watch.NextWake);
    }

    [Fact]
    public void Waking_warns_of_started_bookings_within_their_grace_and_drops_the_late_ones_unwarned()
    {
        var watch = new NoShowWatchState();
        watch.Track(Booking("started", Hours(1, 3)));
        watch.Track(Booking("late", Hours(0.5, 3)));
        watch.Track(Booking("later", Hours(5, 6)));
        var grace = TimeSpan.FromMinutes(30);

        var warn = watch.Wake(Now.AddHours(1.25), grace, out var changed);

        Assert.True(changed);
        var (reservation, deadline) = Assert.Single(warn);
        Assert.Equal("started", reservation.Id);
        Assert.Equal(Now.AddHours(1.5), deadline);
        Assert.Equal(["later"], watch.Pending.Keys);

        Assert.Empty(watch.Wake(Now.AddHours(2), grace, out changed));
        Assert.False(changed);
    }
}
