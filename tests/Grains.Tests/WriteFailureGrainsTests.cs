using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Shelters;
using Orleans.Core.Internal;
using Parking.Grains.Charging;
using Parking.Grains.Lots;
using Parking.Grains.Shelters;
using Parking.Grains.Spaces;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The other grains that store through WriteOrDeactivateAsync, each on a write storage refuses (as
/// <see cref="WriteFailureTests"/> for the proposal): a parking space's cancellation, a shelter's session start and a
/// charging area's site capacity. The call fails with the storage's error, the next call runs on a fresh activation
/// (storage read again) that sees only what was stored, and the same command then goes through.
/// </summary>
[Collection(WriteFailureCollection.Name)]
public class WriteFailureGrainsTests(WriteFailureFixture fixture)
{
    private static DateTimeOffset Now => WriteFailureFixture.Clock.GetUtcNow();

    private static async Task ExpectRefused(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<OrleansException>(call);
        Assert.Contains("WriteStateAsync", refused.Message);
        Assert.Equal(FailingWritesStorage.Refusal, Assert.IsType<IOException>(refused.InnerException).Message);
    }

    [Fact]
    public async Task A_space_whose_cancellation_is_not_stored_still_holds_the_booking_and_cancels_it_on_the_next_call()
    {
        var definition = fixture.Demo.Lots.SelectMany(l => l.Spaces).First(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard);
        var resident = fixture.Demo.Users.First(u => u.Role == UserRole.Resident && u.HouseholdId is not null && u.HouseholdId != definition.OwnerHouseholdId).UserId;
        var window = new TimeWindow(Now.AddHours(5), Now.AddHours(6));
        var made = await fixture.Grains.Resident(fixture.Demo.CompoundId, resident).Reserve(definition.SpaceId, window, null, null);
        Assert.True(made.IsSuccess, made.Error?.Message);
        var reservationId = made.Value!.Reservation.Id;

        var space = fixture.Grains.Space(definition.CompoundId, definition.SpaceId);
        var grainId = space.GetGrainId();
        var actor = new Actor(resident, false);
        var readsBefore = fixture.Storage.Reads(grainId);

        fixture.Storage.FailNextWrite(grainId);
        await ExpectRefused(() => space.Cancel(reservationId, actor));
        Assert.Equal(1, fixture.Storage.Refused(grainId));

        // A fresh activation reads the space's three states again: the calendar, the changes stored apart since it was
        // stored whole, and the index of its archive chunks.
        Assert.Equal(ReservationStatus.Reserved, (await space.GetReservation(reservationId, actor)).Value!.Status);
        Assert.Equal(readsBefore + 3, fixture.Storage.Reads(grainId));
        Assert.Equal(window, Assert.Single((await space.GetAvailability())!.Held, w => w.Overlaps(window)));

        Assert.Equal(ReservationStatus.Cancelled, (await space.Cancel(reservationId, actor)).Value?.Status);
        var stored = await fixture.Storage.ReadStored<SpaceCalendar>("space", grainId);
        Assert.Equal(ReservationStatus.Cancelled, stored.Reservations.Single(r => r.Id == reservationId).Status);
        Assert.Equal((readsBefore + 3, 1), (fixture.Storage.Reads(grainId), fixture.Storage.Refused(grainId)));
    }

    [Fact]
    public async Task A_space_whose_lot_never_heard_of_a_stored_booking_reports_it_when_it_activates_again()
    {
        // As when a space's silo dies between storing a booking and reporting it: the report is lost, and with the
        // activation goes the timer that would have sent it again. The lot, alive elsewhere, keeps its old picture.
        var definition = fixture.Demo.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).Skip(2).First();
        var resident = fixture.Demo.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null && u.HouseholdId != definition.OwnerHouseholdId).Skip(32).First().UserId;
        var lot = fixture.Grains.Lot(definition.CompoundId, definition.LotId);
        var space = fixture.Grains.Space(definition.CompoundId, definition.SpaceId);
        var window = new TimeWindow(Now.AddHours(50), Now.AddHours(51));
        async Task<bool> LotHolds() => (await lot.GetOccupancy())!.Spaces.Single(s => s.Definition.SpaceId == definition.SpaceId).Held.Any(w => w.Overlaps(window));
        Assert.False(await LotHolds());

        fixture.Answers.Drop(lot.GetGrainId(), nameof(ILotGrain.SpaceChanged));
        var made = await fixture.Grains.Resident(definition.CompoundId, resident).Reserve(definition.SpaceId, window, null, null);
        Assert.True(made.IsSuccess, made.Error?.Message);
        await space.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // The space's next activation tells the lot what it stored (one-way: a bounded wait).
        Assert.Single((await space.GetAvailability())!.Held, w => w.Overlaps(window));
        var held = false;
        for (var attempt = 0; attempt < 100 && !held; attempt++)
        {
            held = await LotHolds();
            if (!held)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(held, "the lot's occupancy does not hold the booking the space stored");
    }

    [Fact]
    public async Task A_lot_rebuilding_behind_a_space_slow_to_activate_answers_searches_and_takes_bookings_meanwhile()
    {
        // As after a silo's death: the lot activates again while one of its spaces waits for its states behind a long
        // storage queue. The lot must not hold its searches, nor the reports that bookings of its other spaces await.
        var lotDefinition = fixture.Demo.Lots.Last(l => l.Spaces.Count(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard) >= 2);
        var common = lotDefinition.Spaces.Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).ToList();
        var (slow, other) = (common[^1], common[^2]);
        var resident = fixture.Demo.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null && u.HouseholdId != other.OwnerHouseholdId).Skip(40).First().UserId;
        var lot = fixture.Grains.Lot(lotDefinition.CompoundId, lotDefinition.LotId);
        var slowSpace = fixture.Grains.Space(slow.CompoundId, slow.SpaceId);
        var window = new TimeWindow(Now.AddHours(70), Now.AddHours(71));
        var query = new AvailabilityQuery(window, SpaceKind.Standard, null, 1_000);
        Assert.Contains(await lot.Search(query), f => f.SpaceId == slow.SpaceId);

        await slowSpace.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var release = fixture.Storage.HoldReads(slowSpace.GetGrainId());
        try
        {
            await lot.Reload();

            // Answered at once from the spaces heard from so far, never the slow one, whose picture the new activation
            // lacks; the others come in meanwhile (a bounded wait).
            var during = await lot.Search(query).WaitAsync(TimeSpan.FromSeconds(10));
            for (var attempt = 0; attempt < 100 && !during.Any(f => f.SpaceId == other.SpaceId); attempt++)
            {
                Assert.DoesNotContain(during, f => f.SpaceId == slow.SpaceId);
                await Task.Delay(100);
                during = await lot.Search(query).WaitAsync(TimeSpan.FromSeconds(10));
            }

            Assert.Contains(during, f => f.SpaceId == other.SpaceId);
            Assert.DoesNotContain(during, f => f.SpaceId == slow.SpaceId);

            // A booking of another space reports to the rebuilding lot and is answered; the lot then never offers it.
            var made = await fixture.Grains.Resident(lotDefinition.CompoundId, resident).Reserve(other.SpaceId, window, null, null).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(made.IsSuccess, made.Error?.Message);
            Assert.DoesNotContain(await lot.Search(query).WaitAsync(TimeSpan.FromSeconds(10)), f => f.SpaceId == other.SpaceId);
        }
        finally
        {
            release();
        }

        // Once the slow space answers, the lot's picture is whole, the booking in it.
        var occupancy = await lot.GetOccupancy().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(lotDefinition.Spaces.Count, occupancy!.Spaces.Count);
        Assert.Contains(occupancy.Spaces.Single(s => s.Definition.SpaceId == other.SpaceId).Held, w => w.Overlaps(window));
        Assert.Contains(await lot.Search(query), f => f.SpaceId == slow.SpaceId);
    }

    [Fact]
    public async Task A_booking_reports_to_a_rebuilding_lot_while_a_read_waits_there_for_the_rebuild()
    {
        // Staff's occupancy view (like a search, for up to 2 s) waits in the lot for its rebuild, which waits for a
        // space slow to load. A booking of another space waits for its report to the lot: the report must not queue
        // behind the waiting read, or the booking, the read and the rebuild wait for each other.
        var lotDefinition = fixture.Demo.Lots.First(l => l.Spaces.Count(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard) >= 4);
        var common = lotDefinition.Spaces.Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).ToList();
        var (slow, other) = (common[^3], common[^4]);
        var resident = fixture.Demo.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null && u.HouseholdId != other.OwnerHouseholdId).Skip(41).First().UserId;
        var lot = fixture.Grains.Lot(lotDefinition.CompoundId, lotDefinition.LotId);
        var slowSpace = fixture.Grains.Space(slow.CompoundId, slow.SpaceId);
        var window = new TimeWindow(Now.AddHours(74), Now.AddHours(75));
        Assert.NotNull(await lot.GetOccupancy());

        await slowSpace.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var release = fixture.Storage.HoldReads(slowSpace.GetGrainId());
        Task<LotOccupancy?> occupancy;
        try
        {
            await lot.Reload();
            occupancy = lot.GetOccupancy();

            var made = await fixture.Grains.Resident(lotDefinition.CompoundId, resident).Reserve(other.SpaceId, window, null, null).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(made.IsSuccess, made.Error?.Message);
            Assert.False(occupancy.IsCompleted, "the occupancy view waits for the slow space's picture");
        }
        finally
        {
            release();
        }

        var whole = await occupancy.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(lotDefinition.Spaces.Count, whole!.Spaces.Count);
        Assert.Contains(whole.Spaces.Single(s => s.Definition.SpaceId == other.SpaceId).Held, w => w.Overlaps(window));
    }

    [Fact]
    public async Task A_resident_whose_new_booking_is_not_stored_still_lists_it_on_the_next_activation()
    {
        // The space does not tell the resident's grain of a booking that grain asked for: should its write fail, the
        // booking (stored by the space, paid) must still reach the list.
        var definition = fixture.Demo.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).Skip(3).First();
        var resident = fixture.Demo.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null && u.HouseholdId != definition.OwnerHouseholdId).Skip(20).First().UserId;
        var grain = fixture.Grains.Resident(fixture.Demo.CompoundId, resident);
        var window = new TimeWindow(Now.AddHours(30), Now.AddHours(31));
        var grainId = grain.GetGrainId();

        fixture.Storage.FailNextWrite(grainId);
        await ExpectRefused(() => grain.Reserve(definition.SpaceId, window, null, null));
        Assert.Equal(1, fixture.Storage.Refused(grainId));
        var held = (await fixture.Grains.Space(definition.CompoundId, definition.SpaceId).GetAvailability())!.Held;
        Assert.Single(held, w => w.Overlaps(window));

        // A fresh activation hears of it one-way: a bounded wait.
        IReadOnlyList<Reservation> listed = [];
        for (var attempt = 0; attempt < 50 && !listed.Any(r => r.Window == window); attempt++)
        {
            listed = await grain.GetReservations();
            if (!listed.Any(r => r.Window == window))
            {
                await Task.Delay(100);
            }
        }

        var booked = Assert.Single(listed, r => r.Window == window);
        Assert.Equal((definition.SpaceId, ReservationStatus.Reserved), (booked.SpaceId, booked.Status));
        var stored = await fixture.Storage.ReadStored<Parking.Domain.Residents.ResidentState>("resident", grainId);
        var recent = await fixture.Storage.ReadStoredOrNew<Parking.Domain.Residents.RecentResidentChanges>("resident-recent", grainId);
        stored.Replay(recent);
        Assert.Contains(stored.Reservations, r => r.Id == booked.Id);
    }

    [Fact]
    public async Task A_booking_whose_answer_is_lost_after_the_space_stored_it_is_listed_by_the_resident_and_counts_against_the_limit()
    {
        // The space stores the booking, then its answer to the resident's grain is lost (a timeout). The space sends no
        // update for a booking the resident's grain asked for, so that grain must ask the space before it answers.
        var spaces = fixture.Demo.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).Take(4).ToList();
        var resident = fixture.Demo.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null).Skip(30).First().UserId;
        var grain = fixture.Grains.Resident(fixture.Demo.CompoundId, resident);
        var window = new TimeWindow(Now.AddHours(40), Now.AddHours(41));
        var lostOn = fixture.Grains.Space(fixture.Demo.CompoundId, spaces[0].SpaceId);

        fixture.Answers.Lose(lostOn.GetGrainId(), nameof(IParkingSpaceGrain.Reserve));
        var made = await grain.Reserve(spaces[0].SpaceId, window, null, null);

        Assert.True(made.IsSuccess, made.Error?.Message);
        var held = await lostOn.GetReservation(made.Value!.Reservation.Id, new Actor(resident, false));
        Assert.Equal((resident, window, ReservationStatus.Reserved), (held.Value?.ResidentId, held.Value?.Window, held.Value?.Status));
        Assert.Equal(made.Value.Reservation.Id, Assert.Single(await grain.GetReservations()).Id);

        // It counts: with the limit of 3 active, two more go through and the fourth is refused.
        for (var i = 1; i <= 2; i++)
        {
            var more = await grain.Reserve(spaces[i].SpaceId, window, null, null);
            Assert.True(more.IsSuccess, more.Error?.Message);
        }

        var refused = await grain.Reserve(spaces[3].SpaceId, window, null, null);
        Assert.Equal("reservation-limit", refused.Error?.Code);
        Assert.DoesNotContain((await fixture.Grains.Space(fixture.Demo.CompoundId, spaces[3].SpaceId).GetAvailability())!.Held, w => w.Overlaps(window));

        // And it is stored with the resident's list.
        var stored = await fixture.Storage.ReadStored<Parking.Domain.Residents.ResidentState>("resident", grain.GetGrainId());
        var recent = await fixture.Storage.ReadStoredOrNew<Parking.Domain.Residents.RecentResidentChanges>("resident-recent", grain.GetGrainId());
        stored.Replay(recent);
        Assert.Contains(stored.Reservations, r => r.Id == made.Value.Reservation.Id);
    }

    [Fact]
    public async Task A_booking_lost_before_the_space_ran_it_fails_and_leaves_the_resident_and_the_space_without_it()
    {
        var definition = fixture.Demo.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).Skip(1).First();
        var resident = fixture.Demo.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null).Skip(31).First().UserId;
        var grain = fixture.Grains.Resident(fixture.Demo.CompoundId, resident);
        var space = fixture.Grains.Space(fixture.Demo.CompoundId, definition.SpaceId);
        var window = new TimeWindow(Now.AddHours(44), Now.AddHours(45));

        fixture.Answers.Drop(space.GetGrainId(), nameof(IParkingSpaceGrain.Reserve));
        var lost = await Assert.ThrowsAsync<TimeoutException>(() => grain.Reserve(definition.SpaceId, window, null, "lost-before"));
        Assert.Equal(LostAnswers.Message, lost.Message);
        Assert.Empty(await grain.GetReservations());
        Assert.DoesNotContain((await space.GetAvailability())!.Held, w => w.Overlaps(window));

        // The same request again (same key) books it once.
        var again = await grain.Reserve(definition.SpaceId, window, null, "lost-before");
        Assert.True(again.IsSuccess, again.Error?.Message);
        Assert.False(again.Value!.Replayed);
        Assert.Equal(again.Value.Reservation.Id, Assert.Single(await grain.GetReservations()).Id);
    }

    [Fact]
    public async Task A_shelter_whose_session_start_is_not_stored_has_the_port_free_and_starts_it_on_the_next_call()
    {
        var definition = fixture.Demo.Shelters[0];
        var port = definition.PortIds.Last();
        var resident = fixture.Demo.Users.First(u => u.Role == UserRole.Resident && u.HouseholdId is not null).UserId;
        var shelter = fixture.Grains.Shelter(fixture.Demo.CompoundId, definition.ShelterId);
        Assert.NotNull(await shelter.GetSnapshot());
        var grainId = shelter.GetGrainId();
        var readsBefore = fixture.Storage.Reads(grainId);

        fixture.Storage.FailNextWrite(grainId);
        await ExpectRefused(() => shelter.StartSession(new StartSessionCommand(resident, port, null)));
        Assert.Equal(1, fixture.Storage.Refused(grainId));

        var snapshot = (await shelter.GetSnapshot())!;
        Assert.Equal(readsBefore + 1, fixture.Storage.Reads(grainId));
        Assert.Equal(PortStatus.Free, snapshot.Ports.Single(p => p.PortId == port).Status);
        Assert.Empty(await shelter.GetSessionsOf(resident));

        var started = await shelter.StartSession(new StartSessionCommand(resident, port, null));
        Assert.True(started.IsSuccess, started.Error?.Message);
        var stored = await fixture.Storage.ReadStored<ShelterState>("shelter", grainId);
        Assert.Equal(started.Value!.SessionId, Assert.Single(stored.Sessions, s => s.ResidentId == resident).SessionId);
        Assert.Equal((readsBefore + 1, 1), (fixture.Storage.Reads(grainId), fixture.Storage.Refused(grainId)));

        Assert.True((await shelter.StopSession(started.Value.SessionId, new Actor(resident, false))).IsSuccess);
    }

    [Fact]
    public async Task A_charging_area_whose_new_capacity_is_not_stored_keeps_the_stored_one_and_takes_it_on_the_next_call()
    {
        const string compoundId = "write-failure-charging";
        const string areaId = "CA-W";
        var layout = new CompoundLayout(compoundId, "Write failure charging", [], [], [], [])
        {
            ChargingAreas = [new ChargingAreaDefinition(areaId, "Area", "G1", 22, [new ChargerDefinition("C-W1", "G1-W1", 7), new ChargerDefinition("C-W2", "G1-W2", 7)])],
        };
        Assert.True(await fixture.Grains.Compound(compoundId).InitializeLayout(layout));
        var area = fixture.Grains.ChargingArea(compoundId, areaId);
        Assert.Equal(22, (await area.GetView())!.SiteCapacityKw);

        // A first change goes through, and its re-plan ends before the write is armed (the planner stores too).
        Assert.True((await area.SetSiteCapacity(18)).IsSuccess);
        await area.WhenPlanned();
        var grainId = area.GetGrainId();
        var readsBefore = fixture.Storage.Reads(grainId);

        fixture.Storage.FailNextWrite(grainId);
        await ExpectRefused(() => area.SetSiteCapacity(11));
        Assert.Equal(1, fixture.Storage.Refused(grainId));

        Assert.Equal(18, (await area.GetView())!.SiteCapacityKw);
        Assert.Equal(readsBefore + 1, fixture.Storage.Reads(grainId));

        Assert.Equal(11, (await area.SetSiteCapacity(11)).Value!.SiteCapacityKw);
        await area.WhenPlanned();
        var stored = await fixture.Storage.ReadStored<ChargingAreaSnapshot>("charging-area", grainId);
        Assert.Equal(11, stored.SiteCapacityOverrideKw);
        Assert.Equal((readsBefore + 1, 1), (fixture.Storage.Reads(grainId), fixture.Storage.Refused(grainId)));
    }
}
