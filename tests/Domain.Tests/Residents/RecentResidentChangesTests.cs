using Parking.Domain.Reservations;
using Parking.Domain.Residents;
using Xunit;

namespace Parking.Domain.Tests.Residents;

/// <summary>
/// A resident's list stores the reservations and keys it gained or changed since it was stored whole, and replays them
/// onto it when read back: anything that left the list is stored whole, and changes made from an earlier whole list
/// never apply to a later one.
/// </summary>
public class RecentResidentChangesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan History = TimeSpan.FromDays(7);

    private static Reservation Made(int slot, ReservationStatus status = ReservationStatus.Reserved, int revision = 1) =>
        new($"r{slot}", "c1", "L1", "S1", "ann", null, new TimeWindow(Now.AddHours(1 + slot), Now.AddHours(2 + slot)), status, Now, null, null, revision);

    /// <summary>The same list each time it is called: one copy plays storage.</summary>
    private static ResidentState ListOf(int bookings)
    {
        var list = new ResidentState();
        for (var i = 0; i < bookings; i++)
        {
            list.Booked(Made(i), $"k{i}", "f", Now, History);
        }

        return list;
    }

    [Fact]
    public void The_changes_of_a_long_list_are_its_new_and_replaced_reservations_and_new_keys_and_replayed_give_the_same_list()
    {
        var list = ListOf(40);
        var stored = StoredResidentList.Of(list);
        var storedCopy = ListOf(40);

        list.Upsert(Made(3, ReservationStatus.Cancelled, revision: 2));
        list.Booked(Made(40), "k40", "f", Now, History);
        var changes = stored.ChangesTo(list);

        Assert.NotNull(changes);
        Assert.Equal(["r3", "r40"], changes.Changed.Select(r => r.Id));
        Assert.Equal(["k40"], changes.Keys.Keys);
        Assert.True(storedCopy.Replay(changes));
        Assert.Equal(list.Reservations, storedCopy.Reservations);
        Assert.Equal(list.IdempotencyKeys.OrderBy(k => k.Key), storedCopy.IdempotencyKeys.OrderBy(k => k.Key));
    }

    [Fact]
    public void A_removal_too_many_changes_or_a_short_list_are_stored_whole_and_stale_changes_never_apply()
    {
        var archived = ListOf(40);
        var stored = StoredResidentList.Of(archived);
        archived.Upsert(Made(0, ReservationStatus.Completed, revision: 2));
        archived.Archived([archived.Reservations[0]]);
        Assert.Null(stored.ChangesTo(archived));

        var keysPruned = ListOf(40);
        stored = StoredResidentList.Of(keysPruned);
        keysPruned.Prune(Now.AddDays(-30), Now.AddSeconds(1));
        Assert.Null(stored.ChangesTo(keysPruned));

        var busy = ListOf(80);
        stored = StoredResidentList.Of(busy);
        for (var i = 80; i < 80 + (RecentResidentChanges.MaxChanges / 2); i++)
        {
            busy.Booked(Made(i), $"k{i}", "f", Now, History);
        }

        Assert.Equal(RecentResidentChanges.MaxChanges / 2, stored.ChangesTo(busy)?.Changed.Count);
        busy.Booked(Made(99), "k99", "f", Now, History);
        Assert.Null(stored.ChangesTo(busy));

        var small = ListOf(2);
        stored = StoredResidentList.Of(small);
        small.Booked(Made(2), "k2", "f", Now, History);
        Assert.Null(stored.ChangesTo(small));

        // Changes made from whole version 0 do not apply once version 1 was stored; those made from version 1 do.
        var list = ListOf(40);
        stored = StoredResidentList.Of(list);
        list.Booked(Made(40), "k40", "f", Now, History);
        var stale = stored.ChangesTo(list)!;
        list.StoringWhole(stored.Version);
        var storedAgain = StoredResidentList.Of(list);
        list.Booked(Made(41), "k41", "f", Now, History);
        var fresh = storedAgain.ChangesTo(list)!;

        var reread = ListOf(41);
        reread.StoringWhole(0);
        Assert.False(reread.Replay(stale));
        Assert.True(reread.Replay(fresh));
        Assert.Equal(list.Reservations, reread.Reservations);
    }
}
