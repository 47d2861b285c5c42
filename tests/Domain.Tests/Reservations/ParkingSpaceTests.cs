using Parking.Domain.Credits;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Tests.Sharing;
using Xunit;
using static Parking.Domain.Tests.SpaceCalendarTests;

namespace Parking.Domain.Tests.Reservations;

/// <summary>
/// The space's decisions: no-shows are released before any command, and what changed is reported so the grain
/// stores it, also when the command itself is refused.
/// </summary>
public class ParkingSpaceTests
{
    private static readonly Actor Staff = new("staff01", IsStaff: true);

    /// <summary>A space with a booking 09:00–09:30 that nobody checks in: at 09:30 it is past the grace period.</summary>
    private static (ParkingSpace Space, Reservation NoShow, DateTimeOffset Later) WithNoShowDue()
    {
        var calendar = NewCalendar();
        var noShow = calendar.Reserve(new ReserveCommand("a", Hours(1, 1.5), null), Policy, Now, Guid.NewGuid()).Value!;
        return (new ParkingSpace(calendar, Policy), noShow, Now.AddHours(1.5));
    }

    [Fact]
    public void A_refused_command_still_releases_the_no_shows_and_asks_to_store_them()
    {
        var (space, noShow, later) = WithNoShowDue();

        var change = space.Cancel("no-such-reservation", Staff, later);

        Assert.Equal("reservation-not-found", change.Outcome.Error?.Code);
        Assert.True(change.StateChanged);
        var released = Assert.Single(change.Changed);
        Assert.Equal((noShow.Id, ReservationStatus.NoShow), (released.Id, released.Status));
    }

    [Fact]
    public void A_refused_command_with_nothing_to_release_changes_nothing()
    {
        var (space, _, _) = WithNoShowDue();
        var version = space.Calendar.Version;

        var change = space.CheckOut("no-such-reservation", Staff, Now);

        Assert.False(change.StateChanged);
        Assert.Empty(change.Changed);
        Assert.Equal(version, space.Calendar.Version);
    }

    [Fact]
    public void A_command_reports_the_released_no_shows_then_its_own_change()
    {
        var (space, noShow, later) = WithNoShowDue();
        var mine = space.Calendar.Reserve(new ReserveCommand("b", new TimeWindow(later, later.AddHours(1)), null), Policy, later, Guid.NewGuid()).Value!;

        var change = space.CheckIn(mine.Id, new Actor("b", false), later);

        Assert.True(change.StateChanged);
        Assert.Equal([(noShow.Id, ReservationStatus.NoShow), (mine.Id, ReservationStatus.CheckedIn)], change.Changed.Select(r => (r.Id, r.Status)));
    }

    [Fact]
    public async Task A_booking_is_stored_with_the_released_no_shows_and_a_replay_is_not()
    {
        var (space, noShow, later) = WithNoShowDue();
        var requestId = Guid.NewGuid();
        var command = new ReserveCommand("b", new TimeWindow(later, later.AddHours(1)), null, requestId, "H2");
        var charged = 0;
        ValueTask<DomainError?> Pay(BookingPayment payment)
        {
            charged++;
            return ValueTask.FromResult<DomainError?>(null);
        }

        var first = await space.Reserve(command, new CreditPolicy(), later, requestId, Pay);
        var again = await space.Reserve(command, new CreditPolicy(), later, requestId, Pay);

        Assert.Equal([noShow.Id, first.Outcome.Value!.Reservation.Id], first.Changed.Select(r => r.Id));
        Assert.True(first.StateChanged);
        Assert.True(again.Outcome.Value!.Replayed);
        Assert.False(again.StateChanged);
        Assert.Empty(again.Changed);
        Assert.Equal(1, charged);
    }

    [Fact]
    public void Blocking_is_stored_even_when_already_blocked_and_reopening_only_when_it_changes()
    {
        var calendar = NewCalendar();
        var booked = calendar.Reserve(new ReserveCommand("a", Hours(1, 2), null), Policy, Now, Guid.NewGuid()).Value!;
        var space = new ParkingSpace(calendar, Policy);

        var blocked = space.SetService(true, Now);
        var again = space.SetService(true, Now);
        var reopened = space.SetService(false, Now);
        var reopenedAgain = space.SetService(false, Now);

        Assert.Equal([booked.Id], blocked.Outcome.Value!.Select(r => r.Id));
        Assert.Equal(ReservationStatus.Cancelled, blocked.Changed.Single().Status);
        Assert.True(blocked.StateChanged);
        Assert.True(again.StateChanged);
        Assert.Empty(again.Outcome.Value!);
        Assert.True(reopened.StateChanged);
        Assert.False(reopenedAgain.StateChanged);
        Assert.False(calendar.OutOfService);
    }

    [Fact]
    public void Only_the_owning_household_may_publish_and_a_refusal_releases_nothing()
    {
        var calendar = new SpaceCalendar();
        calendar.Configure(new SpaceDefinition("c", "G1", "G1-002", "G1-002", SpaceKind.Standard, SpaceOwnership.Private, 0, "H9"));
        var space = new ParkingSpace(calendar, Policy);
        var plan = SharingPlanTests.Plan(SharingPlanTests.Pattern(SharingPlanTests.Weekdays, 8, 18));

        var stranger = space.PublishSharing(plan, "H1", Now, TimeSpan.Zero);
        var nobody = space.PublishSharing(plan, null, Now, TimeSpan.Zero);
        var owner = space.PublishSharing(plan, "H9", Now, TimeSpan.Zero);

        Assert.Equal(ErrorKind.Forbidden, stranger.Outcome.Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, nobody.Outcome.Error?.Kind);
        Assert.False(stranger.StateChanged);
        Assert.True(owner.StateChanged);
        Assert.Equal(plan, calendar.Sharing);
    }

    [Fact]
    public void An_unconfigured_space_is_not_found_and_stores_nothing()
    {
        var space = new ParkingSpace(new SpaceCalendar(), Policy);

        Assert.Equal("space-not-found", space.SetService(true, Now).Outcome.Error?.Code);
        Assert.Equal("space-not-found", space.SetOutOfService(true).Outcome.Error?.Code);
        Assert.Equal("space-not-found", space.PublishSharing(SharingPlanTests.Plan(), "H1", Now, TimeSpan.Zero).Outcome.Error?.Code);
        Assert.False(space.SetService(true, Now).StateChanged);
    }

    [Fact]
    public void A_redefinition_from_a_stale_read_is_refused_with_space_changed()
    {
        var calendar = NewCalendar();
        var read = calendar.Definition!;
        var space = new ParkingSpace(calendar, Policy);
        Assert.True(space.Redefine(read with { Kind = SpaceKind.Accessible }, read).StateChanged);

        var stale = space.Redefine(read with { Kind = SpaceKind.EV }, read);
        var same = space.Redefine(calendar.Definition!, calendar.Definition!);

        Assert.Equal("space-changed", stale.Outcome.Error?.Code);
        Assert.Equal(SpaceKind.Accessible, calendar.Definition!.Kind);
        Assert.False(same.StateChanged);
    }

    [Fact]
    public void A_sweep_releases_no_shows_and_flags_overstaying_cars()
    {
        var calendar = NewCalendar();
        var staying = calendar.Reserve(new ReserveCommand("b", Hours(0, 1), null), Policy, Now, Guid.NewGuid()).Value!;
        calendar.CheckIn(staying.Id, new Actor("b", false), Now, Policy);
        var noShow = calendar.Reserve(new ReserveCommand("a", Hours(1, 2), null), Policy, Now, Guid.NewGuid()).Value!;
        var space = new ParkingSpace(calendar, Policy);

        var sweep = space.Sweep(Now.AddHours(1.5));
        var quiet = space.Sweep(Now.AddHours(1.5));

        Assert.Equal([noShow.Id], sweep.Changed.Select(r => r.Id));
        Assert.Equal([staying.Id], sweep.Outcome.Value!.Select(r => r.Id));
        Assert.True(sweep.StateChanged);
        Assert.False(quiet.StateChanged);
    }
}
