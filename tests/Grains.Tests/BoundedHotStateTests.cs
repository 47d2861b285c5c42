using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Reservations;
using Parking.Grains.History;
using Parking.Domain.Residents;
using Parking.Grains.Residents;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Grains.Tests;

/// <summary>
/// The state a booking writes (the space's calendar, the resident's list) stays bounded however many bookings a
/// space and a resident have made and cancelled: finished reservations move to archive chunks, from which they are
/// still read, listed and replayed.
/// </summary>
[Collection(ClusterCollection.Name)]
public class BoundedHotStateTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const string ResidentId = "r00060";
    private const int Cycles = 200;

    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly string _compound = fixture.CompoundId;

    [Fact]
    public async Task Booking_and_cancelling_on_one_space_keeps_the_written_state_bounded_and_every_reservation_readable()
    {
        var space = fixture.Layout.Lots.Single(l => l.LotId == "T1").Spaces[11];
        var resident = _grains.Resident(_compound, ResidentId);
        var driver = new Actor(ResidentId, IsStaff: false);
        var origin = ClusterFixture.Clock.GetUtcNow().AddDays(8);
        var made = new List<string>();
        var sizes = new List<(int Cycle, int SpaceBytes, int ResidentBytes, int SpaceHot, int ResidentHot)>();

        for (var i = 0; i < Cycles; i++)
        {
            var start = origin.AddMinutes(30 * i);
            var booked = await resident.Reserve(space.SpaceId, new TimeWindow(start, start.AddMinutes(30)), null, i == 0 ? "bounded-first" : null);
            Assert.True(booked.IsSuccess, booked.Error?.Message);
            made.Add(booked.Value!.Reservation.Id);
            var cancelled = await _grains.Space(_compound, space.SpaceId).Cancel(booked.Value.Reservation.Id, driver);
            Assert.Equal(ReservationStatus.Cancelled, cancelled.Value?.Status);

            if (i >= FinishedReservations.Kept)
            {
                var (calendar, calendarBytes) = await Stored<SpaceCalendar>("space", _grains.Space(_compound, space.SpaceId).GetGrainId());
                var (list, listBytes) = await Stored<ResidentState>("resident", resident.GetGrainId());
                // Finished ones only: the resident may not have heard of the last cancellation yet (the space tells it one-way).
                sizes.Add((i + 1, calendarBytes, listBytes, calendar.Reservations.Count(r => !r.IsActive), list.Reservations.Count(r => !r.IsActive)));
            }
        }

        foreach (var size in sizes.Where(s => s.Cycle % 50 == 0 || s.SpaceHot == FinishedReservations.Kept + FinishedReservations.ChunkSize - 1))
        {
            output.WriteLine($"after {size.Cycle} bookings and cancellations: space state {size.SpaceBytes} bytes ({size.SpaceHot} finished reservations), resident state {size.ResidentBytes} bytes ({size.ResidentHot} finished reservations)");
        }

        // Bounded: never more finished reservations than kept plus one chunk, whatever the number of cycles.
        Assert.All(sizes, s => Assert.InRange(s.SpaceHot, 0, FinishedReservations.Kept + FinishedReservations.ChunkSize - 1));
        Assert.All(sizes, s => Assert.InRange(s.ResidentHot, 0, FinishedReservations.Kept + FinishedReservations.ChunkSize - 1));
        // And so is what each write carries: the largest state of the second half of the cycles is no larger than that of
        // the first half but for the few bytes that name the archive chunks.
        var (early, late) = (sizes.Where(s => s.Cycle <= Cycles / 2).ToList(), sizes.Where(s => s.Cycle > Cycles / 2).ToList());
        Assert.InRange(late.Max(s => s.SpaceBytes), 0, early.Max(s => s.SpaceBytes) * 21 / 20);
        Assert.InRange(late.Max(s => s.ResidentBytes), 0, early.Max(s => s.ResidentBytes) * 21 / 20);

        // The first reservation is long out of the hot state, yet still answers, refuses a second cancel, and is listed.
        var first = await _grains.Space(_compound, space.SpaceId).GetReservation(made[0], driver);
        Assert.Equal(ReservationStatus.Cancelled, first.Value?.Status);
        Assert.Equal("reservation-not-active", (await _grains.Space(_compound, space.SpaceId).Cancel(made[0], driver)).Error?.Code);
        Assert.Equal("reservation-not-active", (await _grains.Space(_compound, space.SpaceId).CheckIn(made[0], driver)).Error?.Code);
        Assert.True((await _grains.Space(_compound, space.SpaceId).GetReservation(made[0], new Actor("r00059", IsStaff: false))).Error?.Kind == ErrorKind.Forbidden);
        var listed = await resident.GetReservations();
        Assert.Equal(made.Order(StringComparer.Ordinal), listed.Where(r => r.SpaceId == space.SpaceId && made.Contains(r.Id)).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(listed.Count, listed.Select(r => r.Id).Distinct().Count());
        Assert.All(listed.Where(r => made.Contains(r.Id)), r => Assert.Equal(ReservationStatus.Cancelled, r.Status));

        // The same request with the first idempotency key again: the same (cancelled) reservation, nothing new booked.
        var window = new TimeWindow(origin, origin.AddMinutes(30));
        var again = await resident.Reserve(space.SpaceId, window, null, "bounded-first");
        Assert.True(again.Value?.Replayed, again.Error?.Message);
        Assert.Equal(made[0], again.Value!.Reservation.Id);
        Assert.Equal(ReservationStatus.Cancelled, again.Value.Reservation.Status);
        var availability = await _grains.Space(_compound, space.SpaceId).GetAvailability();
        Assert.DoesNotContain(availability!.Held, w => w.Overlaps(window));

        // The compound's retention sweep reaches the archive too: with a cutoff after every cancellation, none is left.
        var cutoff = ClusterFixture.Clock.GetUtcNow().AddSeconds(1);
        Assert.True(await _grains.Space(_compound, space.SpaceId).ForgetBefore(cutoff) >= Cycles);
        Assert.True(await resident.ForgetBefore(cutoff) >= Cycles);
        Assert.Equal("reservation-not-found", (await _grains.Space(_compound, space.SpaceId).GetReservation(made[0], driver)).Error?.Code);
        Assert.DoesNotContain(await resident.GetReservations(), r => made.Contains(r.Id));
    }

    /// <summary>A grain's state as the storage provider holds it, and its size in Orleans' binary form.</summary>
    private async Task<(T State, int Bytes)> Stored<T>(string stateName, GrainId grainId)
        where T : new()
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var storage = silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
        var state = new GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grainId, state);
        var serializer = silo.SiloHost.Services.GetRequiredService<Serializer>();
        return (state.State!, serializer.SerializeToArray(state.State).Length);
    }
}
