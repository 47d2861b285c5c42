using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests;

public class SpaceCalendarTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(8));
    internal static readonly ReservationPolicy Policy = new();

    internal static SpaceCalendar NewCalendar()
    {
        var calendar = new SpaceCalendar();
        calendar.Configure(new SpaceDefinition("c", "G1", "G1-001", "G1-001", SpaceKind.Standard, SpaceOwnership.Common, 0));
        return calendar;
    }

    internal static TimeWindow Hours(double fromHours, double toHours) => new(Now.AddHours(fromHours), Now.AddHours(toHours));

    private static Reservation Reserve(SpaceCalendar calendar, string resident, TimeWindow window)
    {
        var outcome = calendar.Reserve(new ReserveCommand(resident, window, null), Policy, Now, Guid.NewGuid());
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    [Fact]
    public void Overlapping_reservation_is_refused_and_changes_nothing()
    {
        var calendar = NewCalendar();
        Reserve(calendar, "a", Hours(1, 3));
        var version = calendar.Version;

        var outcome = calendar.Reserve(new ReserveCommand("b", Hours(2, 4), null), Policy, Now, Guid.NewGuid());

        Assert.Equal("space-taken", outcome.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, outcome.Error?.Kind);
        Assert.Equal(version, calendar.Version);
        Assert.Single(calendar.Reservations);
    }

    [Fact]
    public void The_same_request_sent_again_returns_the_reservation_it_made()
    {
        var calendar = NewCalendar();
        var requestId = Guid.NewGuid();
        var command = new ReserveCommand("a", Hours(1, 3), null, requestId);

        var first = calendar.Reserve(command, Policy, Now, requestId);
        var version = calendar.Version;
        var again = calendar.Reserve(command, Policy, Now.AddMinutes(1), requestId);
        var someoneElse = calendar.Reserve(command with { ResidentId = "b" }, Policy, Now, requestId);

        Assert.Equal(first.Value, again.Value);
        Assert.Equal(version, calendar.Version);
        Assert.Single(calendar.Reservations);
        Assert.Equal("space-taken", someoneElse.Error?.Code);
    }

    [Fact]
    public void Adjacent_windows_do_not_overlap()
    {
        var calendar = NewCalendar();
        Reserve(calendar, "a", Hours(1, 3));
        Reserve(calendar, "b", Hours(3, 5));
        Assert.Equal(2, calendar.Reservations.Count);
    }

    [Theory]
    [InlineData(2, 2, "window-empty", "end")]
    [InlineData(3, 2, "window-reversed", "end")]
    [InlineData(-2, -1, "window-in-past", "start")]
    [InlineData(1, 1.1, "window-too-short", "end")]
    [InlineData(1, 26, "window-too-long", "end")]
    [InlineData(15 * 24, 15 * 24 + 1, "window-too-far-ahead", "start")]
    public void Bad_windows_are_refused_with_the_field_at_fault(double from, double to, string code, string field)
    {
        var calendar = NewCalendar();
        var outcome = calendar.Reserve(new ReserveCommand("a", Hours(from, to), null), Policy, Now, Guid.NewGuid());

        Assert.Equal(code, outcome.Error?.Code);
        Assert.Equal(field, outcome.Error?.Field);
        Assert.Empty(calendar.Reservations);
    }

    [Fact]
    public void Unconfigured_space_is_not_found()
    {
        var outcome = new SpaceCalendar().Reserve(new ReserveCommand("a", Hours(1, 2), null), Policy, Now, Guid.NewGuid());
        Assert.Equal(ErrorKind.NotFound, outcome.Error?.Kind);
    }

    [Fact]
    public void Out_of_service_space_refuses_new_reservations()
    {
        var calendar = NewCalendar();
        calendar.SetOutOfService(true);
        var outcome = calendar.Reserve(new ReserveCommand("a", Hours(1, 2), null), Policy, Now, Guid.NewGuid());
        Assert.Equal("space-out-of-service", outcome.Error?.Code);
        Assert.Equal(SpaceStatus.OutOfService, calendar.StatusAt(Now));
    }

    [Fact]
    public void Held_windows_come_in_order_of_start_without_the_cancelled_or_the_past_and_cost_one_array()
    {
        // Booked out of order, one cancelled, one already over: what the lot hears is the rest, in order. The space
        // builds this on every report to its lot (once per booking) over its whole calendar, so it must not allocate
        // per reservation: the query it replaced boxed each window and buffered them again to sort.
        var calendar = NewCalendar();
        var booked = new List<Reservation>();
        for (var hour = 40; hour >= 2; hour -= 2)
        {
            booked.Add(Reserve(calendar, $"r{hour}", Hours(hour, hour + 1)));
        }

        calendar.Cancel(booked[5].Id, new Actor("staff01", IsStaff: true), Now);
        var later = Now.AddHours(4);
        var expected = booked.Where((r, i) => i != 5 && r.Window.End > later).Select(r => r.Window).OrderBy(w => w.Start).ToList();

        Assert.Equal(expected, calendar.HeldFrom(later));
        Assert.Equal(18, expected.Count);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var held = calendar.HeldFrom(later);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One array of 18 windows (two DateTimeOffsets each, 32 bytes) with its header, and a little for the sort; the old
        // query took over 2 KB here.
        Assert.Equal(18, held.Count);
        Assert.InRange(allocated, 1, (18 * 32) + 128);
    }

    [Fact]
    public void Another_resident_cannot_cancel_but_staff_can()
    {
        var calendar = NewCalendar();
        var reservation = Reserve(calendar, "a", Hours(1, 2));

        Assert.Equal(ErrorKind.Forbidden, calendar.Cancel(reservation.Id, new Actor("b", IsStaff: false), Now).Error?.Kind);
        Assert.Equal(ReservationStatus.Reserved, calendar.Reservations.Single().Status);

        var cancelled = calendar.Cancel(reservation.Id, new Actor("staff01", IsStaff: true), Now);
        Assert.Equal(ReservationStatus.Cancelled, cancelled.Value?.Status);
        Assert.Empty(calendar.HeldFrom(Now));
    }

    [Fact]
    public void Check_in_then_check_out_frees_the_rest_of_the_window()
    {
        var calendar = NewCalendar();
        var reservation = Reserve(calendar, "a", Hours(1, 5));
        var me = new Actor("a", IsStaff: false);

        Assert.Equal("check-in-too-early", calendar.CheckIn(reservation.Id, me, Now, Policy).Error?.Code);

        var arrived = Now.AddHours(1).AddMinutes(5);
        var checkedIn = calendar.CheckIn(reservation.Id, me, arrived, Policy);
        Assert.Equal(ReservationStatus.CheckedIn, checkedIn.Value?.Status);
        Assert.Equal(SpaceStatus.Occupied, calendar.StatusAt(arrived));

        var left = Now.AddHours(2);
        var completed = calendar.CheckOut(reservation.Id, me, left);
        Assert.Equal(ReservationStatus.Completed, completed.Value?.Status);
        Assert.Equal(left, completed.Value?.EndedAt);

        var later = calendar.Reserve(new ReserveCommand("b", new TimeWindow(left, Now.AddHours(5)), null), Policy, left, Guid.NewGuid());
        Assert.True(later.IsSuccess);
    }

    [Fact]
    public void Early_check_in_is_allowed_only_when_nobody_holds_the_space_before_the_start()
    {
        var calendar = NewCalendar();
        var first = Reserve(calendar, "a", Hours(1, 2));
        var second = Reserve(calendar, "b", Hours(2, 3));
        var tenToTwo = Now.AddHours(2).AddMinutes(-10);

        Assert.Equal("space-still-held", calendar.CheckIn(second.Id, new Actor("b", false), tenToTwo, Policy).Error?.Code);

        calendar.CheckIn(first.Id, new Actor("a", false), Now.AddHours(1), Policy);
        calendar.CheckOut(first.Id, new Actor("a", false), Now.AddHours(1.5));
        Assert.Equal(ReservationStatus.CheckedIn, calendar.CheckIn(second.Id, new Actor("b", false), tenToTwo, Policy).Value?.Status);
    }

    [Fact]
    public void No_show_releases_the_space_after_the_grace_period()
    {
        var calendar = NewCalendar();
        var reservation = Reserve(calendar, "a", Hours(1, 3));

        Assert.Empty(calendar.ReleaseNoShows(Now.AddHours(1) + Policy.GracePeriod - TimeSpan.FromSeconds(1), Policy));
        Assert.Equal(Now.AddHours(1) + Policy.GracePeriod, calendar.NextNoShowDeadline(Policy));

        var released = calendar.ReleaseNoShows(Now.AddHours(1) + Policy.GracePeriod, Policy);

        Assert.Equal(reservation.Id, Assert.Single(released).Id);
        Assert.Equal(ReservationStatus.NoShow, calendar.Reservations.Single().Status);
        Assert.Null(calendar.NextNoShowDeadline(Policy));
        Assert.Empty(calendar.HeldFrom(Now));
        Assert.Equal("reservation-not-active", calendar.CheckIn(reservation.Id, new Actor("a", false), Now.AddHours(1.5), Policy).Error?.Code);
    }

    [Fact]
    public void A_booking_is_warned_of_at_its_start_while_its_grace_runs_and_not_once_checked_in_or_warned()
    {
        var calendar = NewCalendar();
        var absent = Reserve(calendar, "a", Hours(1, 2));
        var present = Reserve(calendar, "b", Hours(3, 4));
        var late = Reserve(calendar, "c", Hours(5, 6));
        Assert.True(calendar.CheckIn(present.Id, new Actor("b", false), Now.AddHours(3), Policy).IsSuccess);

        // Nothing before a start; the next warning is the first start not yet warned through.
        Assert.Empty(calendar.NoShowWarningsDue(DateTimeOffset.MinValue, Now.AddHours(1) - TimeSpan.FromSeconds(1), Policy));
        Assert.Equal(Now.AddHours(1), calendar.NextNoShowWarning(DateTimeOffset.MinValue));

        // At the start and until the grace period ends, once per "warned through" mark.
        Assert.Equal(absent.Id, Assert.Single(calendar.NoShowWarningsDue(DateTimeOffset.MinValue, Now.AddHours(1), Policy)).Id);
        Assert.Equal(absent.Id, Assert.Single(calendar.NoShowWarningsDue(DateTimeOffset.MinValue, Now.AddHours(1) + Policy.GracePeriod - TimeSpan.FromSeconds(1), Policy)).Id);
        Assert.Empty(calendar.NoShowWarningsDue(Now.AddHours(1), Now.AddHours(1.1), Policy));
        Assert.Empty(calendar.NoShowWarningsDue(DateTimeOffset.MinValue, Now.AddHours(1) + Policy.GracePeriod, Policy));

        // A checked-in booking is not warned of; the next warning after the first is the third booking's start.
        Assert.Empty(calendar.NoShowWarningsDue(Now.AddHours(2), Now.AddHours(3.1), Policy));
        Assert.Equal(Now.AddHours(5), calendar.NextNoShowWarning(Now.AddHours(1)));

        // A booking made after its window began (within the clock skew allowed) is the driver at the gate: never warned of.
        var walkInAt = Now.AddHours(7) + TimeSpan.FromSeconds(30);
        var walkIn = calendar.Reserve(new ReserveCommand("d", Hours(7, 8), null), Policy, walkInAt, Guid.NewGuid());
        Assert.True(walkIn.IsSuccess, walkIn.Error?.Message);
        Assert.Empty(calendar.NoShowWarningsDue(Now.AddHours(6), walkInAt, Policy));
        Assert.Null(calendar.NextNoShowWarning(Now.AddHours(5)));
        Assert.Equal(late.Id, Assert.Single(calendar.NoShowWarningsDue(Now.AddHours(4), Now.AddHours(5), Policy)).Id);
    }

    [Fact]
    public void Revisions_grow_with_each_change()
    {
        var calendar = NewCalendar();
        var reservation = Reserve(calendar, "a", Hours(1, 3));
        var checkedIn = calendar.CheckIn(reservation.Id, new Actor("a", false), Now.AddHours(1), Policy).Value!;
        var completed = calendar.CheckOut(reservation.Id, new Actor("a", false), Now.AddHours(2)).Value!;
        Assert.True(reservation.Revision < checkedIn.Revision && checkedIn.Revision < completed.Revision);
    }

    [Fact]
    public void Finished_reservations_are_pruned_after_the_keep_period()
    {
        var calendar = NewCalendar();
        var reservation = Reserve(calendar, "a", Hours(1, 3));
        calendar.Cancel(reservation.Id, new Actor("a", false), Now);

        Assert.Equal(0, calendar.Prune(Now + Policy.SpaceHistory - TimeSpan.FromMinutes(1), Policy));
        Assert.Equal(1, calendar.Prune(Now + Policy.SpaceHistory + TimeSpan.FromMinutes(1), Policy));
    }

    [Theory]
    [InlineData("G1-001.abc", true, "G1-001")]
    [InlineData("G1-001", false, "")]
    [InlineData(".abc", false, "")]
    [InlineData("G1-001.", false, "G1-001")]
    public void Reservation_ids_carry_their_space(string id, bool valid, string space)
    {
        Assert.Equal(valid, Reservation.TryParseSpaceId(id, out var parsed));
        if (valid)
        {
            Assert.Equal(space, parsed);
        }
    }
}
