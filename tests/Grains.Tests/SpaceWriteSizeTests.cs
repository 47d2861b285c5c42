using Orleans.Core.Internal;
using Orleans.Runtime;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Grains.Tests;

/// <summary>
/// A booking stores what it changed: a space holding many bookings writes the new one (with the few changed since its
/// calendar was last stored whole), not every reservation it holds, and yet a new activation reads every booking back.
/// Bytes are counted by the storage the cluster writes through (Orleans' binary form, as a database stores them), for
/// this one space only, on the write-failure cluster's fixed clock: nothing depends on the hour or on other tests.
/// </summary>
[Collection(WriteFailureCollection.Name)]
public class SpaceWriteSizeTests(WriteFailureFixture fixture, ITestOutputHelper output)
{
    private const int Bookings = 160;

    [Fact]
    public async Task A_space_holding_many_bookings_writes_a_small_part_of_its_calendar_per_booking_and_reads_every_booking_back()
    {
        var demo = fixture.Demo;
        var definition = demo.Lots.SelectMany(l => l.Spaces).Last(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard);
        var drivers = demo.Users
            .Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null)
            .GroupBy(u => u.HouseholdId, StringComparer.Ordinal)
            .Select(g => g.First())
            .Take(8)
            .ToList();
        var space = fixture.Grains.Space(definition.CompoundId, definition.SpaceId);
        var grainId = space.GetGrainId();
        var origin = WriteFailureFixture.Clock.GetUtcNow().AddDays(2);
        var made = new List<Reservation>();
        var written = new List<long>();

        for (var i = 0; i < Bookings; i++)
        {
            var driver = drivers[i % drivers.Count];
            var start = origin.AddMinutes(30 * i);
            var before = fixture.Storage.BytesWritten(grainId);
            var booked = await space.Reserve(new ReserveCommand(driver.UserId, new TimeWindow(start, start.AddMinutes(30)), null, Guid.NewGuid(), driver.HouseholdId));
            Assert.True(booked.IsSuccess, booked.Error?.Message);
            made.Add(booked.Value!);
            written.Add(fixture.Storage.BytesWritten(grainId) - before);
        }

        // The whole calendar now, as Orleans serializes it for storage.
        var whole = fixture.Storage.SizeOf(await StoredCalendar(grainId));
        var late = written.Skip(Bookings / 2).ToList();
        output.WriteLine($"whole calendar of {Bookings} bookings: {whole} bytes; written per booking, bookings {(Bookings / 2) + 1}-{Bookings}: mean {late.Average():0} bytes, largest {late.Max()}");
        Assert.All(written, w => Assert.True(w > 0, "every booking is stored"));

        // Storing the whole calendar per booking, the second half's bookings (80 to 160 held) write on average at least
        // half the final calendar; storing what changed, a small part of it.
        Assert.InRange(late.Average(), 0, whole / 4.0);

        // One more change, then a new activation: every booking is read back as it was acknowledged, although the whole
        // calendar in storage misses the newest ones (they are in the changes stored apart).
        var cancelled = await space.Cancel(made[^1].Id, new Actor(made[^1].ResidentId, IsStaff: false));
        Assert.Equal(ReservationStatus.Cancelled, cancelled.Value?.Status);
        await space.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var storedWhole = await fixture.Storage.ReadStored<SpaceCalendar>("space", grainId);
        Assert.NotEqual(ReservationStatus.Cancelled, storedWhole.Reservations.FirstOrDefault(r => r.Id == made[^1].Id)?.Status);
        await AssertEveryBookingHeld(space, made, cancelledId: made[^1].Id);

        // A booking whose write storage refuses is not held after the reload; every acknowledged one still is.
        var refusedStart = origin.AddMinutes(30 * Bookings);
        fixture.Storage.FailNextWrite(grainId);
        await Assert.ThrowsAnyAsync<Exception>(() => space.Reserve(new ReserveCommand(drivers[0].UserId, new TimeWindow(refusedStart, refusedStart.AddMinutes(30)), null, Guid.NewGuid(), drivers[0].HouseholdId)));
        Assert.DoesNotContain((await space.GetAvailability())!.Held, w => w.Start == refusedStart);
        await AssertEveryBookingHeld(space, made, cancelledId: made[^1].Id);
    }

    [Fact]
    public async Task A_resident_anonymised_leaves_no_copy_in_the_changes_stored_apart_from_the_calendar()
    {
        var demo = fixture.Demo;
        var definition = demo.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).SkipLast(1).Last();
        var drivers = demo.Users
            .Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null)
            .GroupBy(u => u.HouseholdId, StringComparer.Ordinal)
            .Select(g => g.First())
            .Skip(8)
            .Take(4)
            .ToList();
        var space = fixture.Grains.Space(definition.CompoundId, definition.SpaceId);
        var grainId = space.GetGrainId();
        var origin = WriteFailureFixture.Clock.GetUtcNow().AddDays(9);
        for (var i = 0; i < 40; i++)
        {
            var driver = drivers[i % drivers.Count];
            var start = origin.AddMinutes(30 * i);
            var booked = await space.Reserve(new ReserveCommand(driver.UserId, new TimeWindow(start, start.AddMinutes(30)), null, Guid.NewGuid(), driver.HouseholdId));
            Assert.True(booked.IsSuccess, booked.Error?.Message);
        }

        // The newest bookings, the anonymised driver's among them, are stored apart from the whole calendar.
        var leaving = drivers[0].UserId;
        var recent = await fixture.Storage.ReadStoredOrNew<RecentCalendarChanges>("space-recent", grainId);
        Assert.Contains(recent.Changed, r => r.ResidentId == leaving);

        await space.Anonymise(leaving, "anon-space-write");

        var whole = await fixture.Storage.ReadStored<SpaceCalendar>("space", grainId);
        recent = await fixture.Storage.ReadStoredOrNew<RecentCalendarChanges>("space-recent", grainId);
        Assert.DoesNotContain(whole.Reservations, r => r.ResidentId == leaving);
        Assert.DoesNotContain(recent.Changed, r => r.ResidentId == leaving);
        Assert.Equal(10, (await StoredCalendar(grainId)).Reservations.Count(r => r.ResidentId == "anon-space-write"));
    }

    private static async Task AssertEveryBookingHeld(IParkingSpaceGrain space, List<Reservation> made, string cancelledId)
    {
        var held = (await space.GetAvailability())!.Held;
        foreach (var reservation in made)
        {
            var read = await space.GetReservation(reservation.Id, new Actor(reservation.ResidentId, IsStaff: false));
            Assert.Equal(reservation.Id == cancelledId ? ReservationStatus.Cancelled : ReservationStatus.Reserved, read.Value?.Status);
            Assert.Equal(reservation.Id != cancelledId, held.Contains(reservation.Window));
        }
    }

    private async Task<SpaceCalendar> StoredCalendar(GrainId grainId)
    {
        var calendar = await fixture.Storage.ReadStored<SpaceCalendar>("space", grainId);
        calendar.Replay(await fixture.Storage.ReadStoredOrNew<RecentCalendarChanges>("space-recent", grainId));
        return calendar;
    }
}
