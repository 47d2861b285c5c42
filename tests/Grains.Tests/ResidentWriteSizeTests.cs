using Orleans.Core.Internal;
using Orleans.Runtime;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Residents;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Grains.Tests;

/// <summary>
/// A booking stores what it changed on the resident's list too: a resident who has booked and cancelled often (and holds
/// a day's Idempotency-Keys) writes the new reservation and key (with the few changed since the list was last stored
/// whole), not the whole list, and a new activation still reads every booking and every key back. Bytes are counted by
/// the storage the cluster writes through, for this one resident's grain only, on the write-failure cluster's fixed clock.
/// </summary>
[Collection(WriteFailureCollection.Name)]
public class ResidentWriteSizeTests(WriteFailureFixture fixture, ITestOutputHelper output)
{
    private const int Cycles = 160;

    [Fact]
    public async Task A_resident_with_a_long_list_writes_a_small_part_of_it_per_booking_and_reads_every_booking_and_key_back()
    {
        var demo = fixture.Demo;
        var definition = demo.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).SkipLast(2).Last();
        var driver = demo.Users
            .Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null)
            .GroupBy(u => u.HouseholdId, StringComparer.Ordinal)
            .Select(g => g.First())
            .Skip(12)
            .First();
        var resident = fixture.Grains.Resident(definition.CompoundId, driver.UserId);
        var space = fixture.Grains.Space(definition.CompoundId, definition.SpaceId);
        var ledger = fixture.Grains.HouseholdLedger(definition.CompoundId, driver.HouseholdId!);
        var grainId = resident.GetGrainId();
        var me = new Actor(driver.UserId, IsStaff: false);
        var origin = WriteFailureFixture.Clock.GetUtcNow().AddDays(3);
        var made = new List<Reservation>();
        var written = new List<long>();

        async Task Cycle(int i)
        {
            var start = origin.AddMinutes(30 * i);
            var before = fixture.Storage.BytesWritten(grainId);
            var booked = await resident.Reserve(definition.SpaceId, new TimeWindow(start, start.AddMinutes(30)), null, $"resident-write-{i}");
            Assert.True(booked.IsSuccess, booked.Error?.Message);
            made.Add(booked.Value!.Reservation);
            written.Add(fixture.Storage.BytesWritten(grainId) - before);

            // Cancelled at once (the space tells the resident one-way), so the list holds finished ones and stays under
            // the limit of active reservations.
            Assert.Equal(ReservationStatus.Cancelled, (await space.Cancel(booked.Value.Reservation.Id, me)).Value?.Status);
        }

        for (var i = 0; i < Cycles; i++)
        {
            await Cycle(i);
        }

        // The whole list now, as Orleans serializes it for storage.
        var whole = fixture.Storage.SizeOf(await StoredList(grainId));
        var late = written.Skip(Cycles / 2).ToList();
        output.WriteLine($"whole list after {Cycles} bookings: {whole} bytes; written per booking, bookings {(Cycles / 2) + 1}-{Cycles}: mean {late.Average():0} bytes, largest {late.Max()}");
        Assert.All(written, w => Assert.True(w > 0, "every booking is stored"));

        // Storing the whole list per booking, the second half's bookings write on average most of the final list (its
        // day of keys grows with every booking); storing what changed, a small part of it.
        Assert.InRange(late.Average(), 0, whole / 4.0);

        // A new activation: every booking and key is read back as acknowledged, although the whole list in storage
        // misses the newest (they are in the changes stored apart); and every credit: the balance and the statement.
        // (A few more bookings, should the last one have happened to store the list whole: at most one whole write in
        // MaxChanges changes.)
        for (var extra = 0; extra < RecentResidentChanges.MaxChanges && (await fixture.Storage.ReadStored<ResidentState>("resident", grainId)).IdempotencyKeys.ContainsKey($"resident-write-{made.Count - 1}"); extra++)
        {
            await Cycle(made.Count);
        }

        Assert.DoesNotContain($"resident-write-{made.Count - 1}", (await fixture.Storage.ReadStored<ResidentState>("resident", grainId)).IdempotencyKeys.Keys);
        var account = await ledger.GetAccount(500);
        await resident.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await ledger.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var listed = (await resident.GetReservations()).ToDictionary(r => r.Id, StringComparer.Ordinal);
        Assert.All(made, r => Assert.True(listed.ContainsKey(r.Id), r.Id));

        // The last cancellation may still be on its way to the resident (one-way); every earlier one is read back.
        Assert.All(made.SkipLast(1), r => Assert.Equal(ReservationStatus.Cancelled, listed[r.Id].Status));

        foreach (var i in new[] { 0, Cycles / 2, made.Count - 2, made.Count - 1 })
        {
            var start = origin.AddMinutes(30 * i);
            var again = await resident.Reserve(definition.SpaceId, new TimeWindow(start, start.AddMinutes(30)), null, $"resident-write-{i}");
            Assert.True(again.Value?.Replayed, again.Error?.Message);
            Assert.Equal(made[i].Id, again.Value!.Reservation.Id);
        }

        var reread = await ledger.GetAccount(500);
        Assert.Equal(account.Balance, reread.Balance);
        Assert.Equal(account.Transactions.Select(t => t.Id), reread.Transactions.Select(t => t.Id));
    }

    private async Task<ResidentState> StoredList(GrainId grainId)
    {
        var list = await fixture.Storage.ReadStored<ResidentState>("resident", grainId);
        list.Replay(await fixture.Storage.ReadStoredOrNew<RecentResidentChanges>("resident-recent", grainId));
        return list;
    }
}
