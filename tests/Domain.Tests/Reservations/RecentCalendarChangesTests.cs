using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Reservations;

/// <summary>
/// A space stores the reservations it changed since its whole calendar was stored, and replays them onto it when it
/// reads it back: the changes are the new and replaced reservations only, anything else is stored whole, and changes
/// made from an earlier whole calendar never apply to a later one.
/// </summary>
public class RecentCalendarChangesTests
{
    private static readonly Actor Staff = new("staff01", IsStaff: true);

    /// <summary>The same calendar each time it is called (same requests, ids and times): one copy plays storage.</summary>
    private static SpaceCalendar CalendarOf(int bookings)
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        for (var i = 0; i < bookings; i++)
        {
            Book(calendar, i);
        }

        return calendar;
    }

    private static Reservation Book(SpaceCalendar calendar, int slot)
    {
        var window = SpaceCalendarTests.Hours(1 + (slot * 0.5), 1.5 + (slot * 0.5));
        var id = new Guid(slot, 0, 0, new byte[8]);
        var outcome = calendar.Reserve(new ReserveCommand($"r{slot % 5}", window, null, id), SpaceCalendarTests.Policy, SpaceCalendarTests.Now, id);
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    [Fact]
    public void The_changes_of_a_large_calendar_are_its_new_and_replaced_reservations_and_replayed_give_the_same_calendar()
    {
        var calendar = CalendarOf(40);
        var stored = StoredCalendar.Of(calendar);
        var storedCopy = CalendarOf(40);

        Book(calendar, 40);
        var cancelled = calendar.Cancel(calendar.Reservations[3].Id, Staff, SpaceCalendarTests.Now).Value!;
        var changes = stored.ChangesTo(calendar);

        Assert.NotNull(changes);
        Assert.Equal(new[] { cancelled.Id, calendar.Reservations[^1].Id }, changes.Changed.Select(r => r.Id));
        Assert.Equal((stored.Version, calendar.Version), (changes.BaseVersion, changes.Version));
        Assert.True(storedCopy.Replay(changes));
        Assert.Equal(calendar.Reservations, storedCopy.Reservations);
        Assert.Equal(calendar.Version, storedCopy.Version);
    }

    [Fact]
    public void A_removal_a_change_besides_reservations_too_many_changes_or_a_small_calendar_are_stored_whole()
    {
        var forgotten = CalendarOf(40);
        var stored = StoredCalendar.Of(forgotten);
        forgotten.Cancel(forgotten.Reservations[0].Id, Staff, SpaceCalendarTests.Now);
        Assert.Equal(1, forgotten.Forget(SpaceCalendarTests.Now.AddMinutes(1)));
        Assert.Null(stored.ChangesTo(forgotten));

        var blocked = CalendarOf(40);
        stored = StoredCalendar.Of(blocked);
        Assert.True(blocked.SetOutOfService(true));
        Assert.Null(stored.ChangesTo(blocked));

        var busy = CalendarOf(80);
        stored = StoredCalendar.Of(busy);
        for (var i = 0; i < RecentCalendarChanges.MaxChanges; i++)
        {
            Book(busy, 80 + i);
        }

        Assert.Equal(RecentCalendarChanges.MaxChanges, stored.ChangesTo(busy)?.Changed.Count);
        Book(busy, 80 + RecentCalendarChanges.MaxChanges);
        Assert.Null(stored.ChangesTo(busy));

        var small = CalendarOf(2);
        stored = StoredCalendar.Of(small);
        Book(small, 2);
        Assert.Null(stored.ChangesTo(small));
    }

    [Fact]
    public void Changes_made_from_an_earlier_whole_calendar_never_apply_to_a_later_one()
    {
        var calendar = CalendarOf(40);
        var first = StoredCalendar.Of(calendar);
        Book(calendar, 40);
        var early = first.ChangesTo(calendar)!;

        // Stored whole again after a forgetting only (the version did not move): it gets a version of its own.
        calendar.Cancel(calendar.Reservations[0].Id, Staff, SpaceCalendarTests.Now);
        var second = StoredCalendar.Of(calendar);
        calendar.Forget(SpaceCalendarTests.Now.AddMinutes(1));
        calendar.StoringWhole(second.Version);
        Assert.True(calendar.Version > second.Version);
        var reservations = calendar.Reservations.ToList();
        var version = calendar.Version;

        Assert.False(calendar.Replay(early));
        Assert.Equal(reservations, calendar.Reservations);
        Assert.Equal(version, calendar.Version);

        // A version already moved by a change since the last whole calendar is kept.
        Book(calendar, 41);
        var moved = calendar.Version;
        calendar.StoringWhole(version);
        Assert.Equal(moved, calendar.Version);
    }
}
