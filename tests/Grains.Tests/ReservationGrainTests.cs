using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class ReservationGrainTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly string _compound = fixture.CompoundId;

    private static TimeWindow HoursFromNow(double from, double to)
    {
        var now = ClusterFixture.Clock.GetUtcNow();
        return new TimeWindow(now.AddHours(from), now.AddHours(to));
    }

    private IResidentGrain Resident(int n) => _grains.Resident(_compound, $"r{n:00000}");

    private SpaceDefinition Space(string lot, int index) => fixture.Layout.Lots.Single(l => l.LotId == lot).Spaces[index];

    [Fact]
    public async Task Concurrent_requests_for_one_space_and_window_yield_exactly_one_reservation()
    {
        var space = Space("G1", 5);
        var window = HoursFromNow(2, 4);

        // Not the space's owner: an owner uses their own space without booking it.
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 40)
            .Where(n => space.OwnerHouseholdId != $"H{n:00000}")
            .Select(n => Resident(n).Reserve(space.SpaceId, window, null, null)));

        // The cluster is shared: other tests may have spent some of these residents' credits, so a refusal
        // may also be for want of credits; what matters is that exactly one of them holds the space.
        Assert.Single(outcomes, o => o.IsSuccess);
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.True(o.Error!.Code is "space-taken" or "insufficient-credits", o.Error.Code));
        Assert.Contains(outcomes, o => o.Error?.Code == "space-taken");
        // Other tests on the shared cluster (rounds, waitlist, moves) may hold other windows of this space.
        var availability = await _grains.Space(_compound, space.SpaceId).GetAvailability();
        Assert.Equal(window, Assert.Single(availability!.Held, w => w.Overlaps(window)));
    }

    [Fact]
    public async Task The_lot_index_follows_reservations_and_cancellations()
    {
        var space = Space("G1", 6);
        var window = HoursFromNow(30, 31);
        var query = new AvailabilityQuery(window, space.Kind, null, 100);

        var made = await Resident(41).Reserve(space.SpaceId, window, "沪A12345", null);
        Assert.True(made.IsSuccess, made.Error?.Message);
        var afterReserve = await _grains.Lot(_compound, "G1").Search(query);
        Assert.DoesNotContain(afterReserve, s => s.SpaceId == space.SpaceId);

        var cancelled = await _grains.Space(_compound, space.SpaceId).Cancel(made.Value!.Reservation.Id, new Actor("r00041", false));
        Assert.Equal(ReservationStatus.Cancelled, cancelled.Value?.Status);
        var afterCancel = await _grains.Lot(_compound, "G1").Search(query);
        Assert.Contains(afterCancel, s => s.SpaceId == space.SpaceId);
    }

    [Fact]
    public async Task Compound_search_goes_nearest_lot_first_and_honours_kind()
    {
        var window = HoursFromNow(50, 51);
        var outcome = await _grains.Availability(_compound).Search(new AvailabilityQuery(window, SpaceKind.Visitor, "B01", 3));

        var hits = outcome.Value!;
        Assert.Equal(3, hits.Count);
        Assert.All(hits, h => Assert.Equal(SpaceKind.Visitor, h.Kind));
        Assert.Equal(hits.OrderBy(h => h.WalkMeters), hits);

        var unknown = await _grains.Availability(_compound).Search(new AvailabilityQuery(window, null, "B99", 3));
        Assert.Equal("nearBuilding", unknown.Error?.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(SpaceKind.Standard)]
    [InlineData(SpaceKind.EV)]
    [InlineData(SpaceKind.Accessible)]
    [InlineData(SpaceKind.Visitor)]
    public async Task Compound_search_finds_what_asking_every_lot_finds(SpaceKind? kind)
    {
        // A limit above what the nearest lot holds: the search must go on to further lots (in parallel rounds, and
        // skipping the lots without the kind) and still return exactly the nearest free spaces of the compound.
        var window = HoursFromNow(60, 61);
        var query = new AvailabilityQuery(window, kind, "B01", 100);
        var everyLot = new List<AvailableSpace>();
        foreach (var lot in await _grains.Compound(_compound).GetLots())
        {
            everyLot.AddRange(await _grains.Lot(_compound, lot.LotId).Search(query));
        }

        var expected = everyLot.OrderBy(h => h.WalkMeters).ThenBy(h => h.SpaceId, StringComparer.Ordinal).Take(100).Select(h => h.SpaceId).ToList();
        var found = (await _grains.Availability(_compound).Search(query)).Value!;

        Assert.NotEmpty(expected);
        Assert.Equal(expected, found.Select(h => h.SpaceId).ToList());
    }

    [Fact]
    public async Task A_resident_holds_at_most_the_limit_of_active_reservations()
    {
        var resident = Resident(42);
        var limit = new ReservationPolicy().MaxActivePerResident;
        var made = new List<Reservation>();
        for (var i = 0; i < limit; i++)
        {
            var outcome = await resident.Reserve(Space("G1", 10 + i).SpaceId, HoursFromNow(3, 4), null, null);
            made.Add(outcome.Value!.Reservation);
        }

        var refused = await resident.Reserve(Space("G1", 20).SpaceId, HoursFromNow(3, 4), null, null);
        Assert.Equal("reservation-limit", refused.Error?.Code);

        await _grains.Space(_compound, made[0].SpaceId).Cancel(made[0].Id, new Actor("r00042", false));
        var allowed = await resident.Reserve(Space("G1", 20).SpaceId, HoursFromNow(3, 4), null, null);
        Assert.True(allowed.IsSuccess, allowed.Error?.Message);
    }

    [Fact]
    public async Task A_retried_request_with_the_same_idempotency_key_returns_the_first_reservation()
    {
        var resident = Resident(43);
        var space = Space("G1", 21).SpaceId;
        var window = HoursFromNow(5, 6);

        var first = await resident.Reserve(space, window, null, "key-1");
        var retry = await resident.Reserve(space, window, null, "key-1");
        var reused = await resident.Reserve(space, HoursFromNow(7, 8), null, "key-1");

        Assert.False(first.Value!.Replayed);
        Assert.True(retry.Value!.Replayed);
        Assert.Equal(first.Value.Reservation.Id, retry.Value.Reservation.Id);
        Assert.Equal(ErrorKind.Unprocessable, reused.Error?.Kind);
        Assert.Single(await resident.GetReservations(), r => r.SpaceId == space);
    }

    [Fact]
    public async Task A_no_show_releases_the_space_tells_the_resident_and_the_lot()
    {
        var resident = Resident(44);
        var space = Space("G1", 22);
        var window = HoursFromNow(1, 3);
        var made = (await resident.Reserve(space.SpaceId, window, null, null)).Value!.Reservation;
        var lot = _grains.Lot(_compound, "G1");
        var before = await lot.GetOccupancy();

        // The space's no-show timer runs on the domain clock, so it may release the space first.
        ClusterFixture.Clock.Advance(TimeSpan.FromHours(1) + new ReservationPolicy().GracePeriod);
        await _grains.Space(_compound, space.SpaceId).ReleaseNoShows();

        var stored = await _grains.Space(_compound, space.SpaceId).GetReservation(made.Id, new Actor("r00044", false));
        Assert.Equal(ReservationStatus.NoShow, stored.Value?.Status);
        var after = await lot.GetOccupancy();
        Assert.True(after!.Sequence > before!.Sequence);
        Assert.DoesNotContain(after.Spaces.Single(s => s.Definition.SpaceId == space.SpaceId).Held, w => w.Overlaps(window));

        var changes = await lot.GetChangesSince(before.Epoch, before.Sequence);
        Assert.True(changes.Complete);
        Assert.Contains(changes.Changes, c => c.Space.Definition.SpaceId == space.SpaceId && !c.Space.Held.Any(w => w.Overlaps(window)));

        // The resident hears of it by a one-way message: give it a moment, bounded.
        ReservationStatus? status = null;
        for (var attempt = 0; attempt < 50 && status != ReservationStatus.NoShow; attempt++)
        {
            status = (await resident.GetReservations()).Single(r => r.Id == made.Id).Status;
            await Task.Delay(100);
        }

        Assert.Equal(ReservationStatus.NoShow, status);
    }

    [Fact]
    public async Task A_resident_lists_its_booking_from_the_answer_and_hears_of_its_cancellation_from_the_space()
    {
        var resident = Resident(48);
        var space = Space("G1", 24);
        var made = (await resident.Reserve(space.SpaceId, HoursFromNow(20, 21), null, null)).Value!.Reservation;

        // Booked through the resident's grain: listed when the answer comes, without any message from the space.
        Assert.Equal(ReservationStatus.Reserved, Assert.Single(await resident.GetReservations(), r => r.Id == made.Id).Status);

        // Cancelled at the space: the resident hears of it by a one-way message, a bounded wait.
        Assert.True((await _grains.Space(_compound, space.SpaceId).Cancel(made.Id, new Actor("r00048", false))).IsSuccess);
        ReservationStatus? status = null;
        for (var attempt = 0; attempt < 50 && status != ReservationStatus.Cancelled; attempt++)
        {
            status = (await resident.GetReservations()).Single(r => r.Id == made.Id).Status;
            if (status != ReservationStatus.Cancelled)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(ReservationStatus.Cancelled, status);
    }

    [Fact]
    public async Task The_space_releases_a_no_show_by_itself_when_the_grace_period_passes()
    {
        var space = Space("G1", 23);
        var window = HoursFromNow(0.5, 2);
        var made = (await Resident(47).Reserve(space.SpaceId, window, null, null)).Value!.Reservation;

        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(30) + new ReservationPolicy().GracePeriod);

        // Nothing calls the space: its no-show timer must fire (bounded wait, not a timing assertion).
        IReadOnlyList<TimeWindow>? held = null;
        for (var attempt = 0; attempt < 100 && (held is null || held.Any(w => w.Overlaps(window))); attempt++)
        {
            await Task.Delay(100);
            held = (await _grains.Lot(_compound, "G1").GetOccupancy())!.Spaces.Single(s => s.Definition.SpaceId == space.SpaceId).Held;
        }

        Assert.DoesNotContain(held!, w => w.Overlaps(window));
        var stored = await _grains.Space(_compound, space.SpaceId).GetReservation(made.Id, new Actor("r00047", false));
        Assert.Equal(ReservationStatus.NoShow, stored.Value?.Status);
    }

    [Fact]
    public async Task Changes_of_another_epoch_are_incomplete()
    {
        var changes = await _grains.Lot(_compound, "G1").GetChangesSince(Guid.NewGuid(), 0);
        Assert.False(changes.Complete);
        Assert.Empty(changes.Changes);
    }

    [Fact]
    public async Task Unknown_space_is_not_found_and_nothing_is_stored()
    {
        var outcome = await Resident(45).Reserve("Z9-999", HoursFromNow(1, 2), null, "k");
        Assert.Equal(ErrorKind.NotFound, outcome.Error?.Kind);
        Assert.Empty(await Resident(45).GetReservations());
        Assert.Null(await _grains.Space(_compound, "Z9-999").GetAvailability());
    }
}
