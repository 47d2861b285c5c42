using System.Threading.Channels;
using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Sharing;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests.Sharing;

[Collection(ClusterCollection.Name)]
public class WithdrawalTests(ClusterFixture fixture)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly string _compound = fixture.CompoundId;

    private (SpaceDefinition Space, CompoundUser Owner) PrivateSpace(int skip)
    {
        var space = fixture.Layout.Lots.Single(l => l.LotId == "G1").Spaces
            .Where(s => s.Ownership == SpaceOwnership.Private && s.Kind == SpaceKind.Standard)
            .Skip(skip)
            .First();
        return (space, fixture.Layout.Users.First(u => u.HouseholdId == space.OwnerHouseholdId));
    }

    private CompoundUser Driver(string notHousehold, int skip) =>
        fixture.Layout.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId != notHousehold).Skip(skip).First();

    [Fact]
    public async Task Withdrawing_a_booked_window_moves_the_booking_to_a_space_of_the_same_kind_and_counts_against_the_owner()
    {
        var (space, owner) = PrivateSpace(0);
        var driver = Driver(owner.HouseholdId!, 47);
        var now = ClusterFixture.Clock.GetUtcNow();
        var today = SharingPlan.LocalDate(now, China);
        var window = new TimeWindow(now.AddHours(150), now.AddHours(152));
        var booked = await _grains.Resident(_compound, driver.UserId).Reserve(space.SpaceId, window, "沪B00001", null);
        Assert.True(booked.IsSuccess, booked.Error?.Message);

        // The owner shares only on the day after the booking's day from now on.
        var bookedDay = SharingPlan.LocalDate(window.Start, China);
        var plan = new SharingPlan(
            [new WeeklyPattern([bookedDay.AddDays(1).DayOfWeek], TimeOnly.MinValue, TimeOnly.MinValue)], today, today.AddDays(30), [], [], China);
        var published = await _grains.Space(_compound, space.SpaceId).PublishSharing(plan, new SharingPublisher(owner.UserId, owner.HouseholdId));

        Assert.True(published.IsSuccess, published.Error?.Message);
        Assert.Equal(1, published.Value!.BrokenNow);
        Assert.Equal(new SharingRecord(2, 1, 0), published.Value.Record);
        var original = await _grains.Space(_compound, space.SpaceId).GetReservation(booked.Value!.Reservation.Id, new Actor(driver.UserId, false));
        Assert.Equal(ReservationStatus.Cancelled, original.Value!.Status);

        // The mover works after the owner's call returned: wait (bounded) for the new booking.
        var moved = await Eventually(async () =>
            (await _grains.Resident(_compound, driver.UserId).GetReservations())
                .FirstOrDefault(r => r.Status == ReservationStatus.Reserved && r.Window == window && r.SpaceId != space.SpaceId));
        var movedTo = fixture.Layout.Lots.SelectMany(l => l.Spaces).Single(s => s.SpaceId == moved.SpaceId);
        Assert.Equal(SpaceKind.Standard, movedTo.Kind);
        Assert.Equal("沪B00001", moved.Plate);

        // The withdrawn space is no longer offered for that window.
        var hits = await _grains.Lot(_compound, "G1").Search(new AvailabilityQuery(window, SpaceKind.Standard, null, 100));
        Assert.DoesNotContain(hits, h => h.SpaceId == space.SpaceId);
    }

    [Fact]
    public async Task Only_the_owning_household_may_publish_and_a_bad_plan_changes_nothing()
    {
        var (space, owner) = PrivateSpace(1);
        var stranger = Driver(owner.HouseholdId!, 3);
        var today = SharingPlan.LocalDate(ClusterFixture.Clock.GetUtcNow(), China);
        var grain = _grains.Space(_compound, space.SpaceId);
        var before = (await grain.GetSharing()).Value!;
        var plan = SharingPlan.RoundTheClock(today, today.AddDays(3), China);

        var forbidden = await grain.PublishSharing(plan, new SharingPublisher(stranger.UserId, stranger.HouseholdId));
        var reversed = await grain.PublishSharing(plan with { From = today.AddDays(5) }, new SharingPublisher(owner.UserId, owner.HouseholdId));

        Assert.Equal(ErrorKind.Forbidden, forbidden.Error?.Kind);
        Assert.Equal("sharing-reversed", reversed.Error?.Code);
        var after = (await grain.GetSharing()).Value!;
        Assert.Equal((before.Plan!.From, before.Plan.Until, before.Plan.Patterns.Count), (after.Plan!.From, after.Plan.Until, after.Plan.Patterns.Count));
        Assert.Equal(before.Upcoming, after.Upcoming);
        Assert.Equal(before.Record, after.Record);
    }

    [Fact]
    public async Task A_driver_with_no_space_to_move_to_is_told_at_once()
    {
        var received = Channel.CreateUnbounded<Push>();
        var observer = new RecordingObserver(received.Writer);
        var reference = _grains.CreateObjectReference<IHubObserver>(observer);
        var directory = _grains.GetGrain<IHubDirectoryGrain>(0);
        await directory.Register("withdrawal-test", reference);
        try
        {
            // Both accessible spaces are booked for the window, so an accessible booking has nowhere to go.
            var accessible = fixture.Layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Kind == SpaceKind.Accessible).ToList();
            var now = ClusterFixture.Clock.GetUtcNow();
            var window = new TimeWindow(now.AddHours(160), now.AddHours(161));
            for (var i = 0; i < accessible.Count; i++)
            {
                var made = await _grains.Resident(_compound, $"r{50 + i:00000}").Reserve(accessible[i].SpaceId, window, null, null);
                Assert.True(made.IsSuccess, made.Error?.Message);
            }

            var broken = new Reservation(
                Reservation.NewId(accessible[0].SpaceId, Guid.NewGuid()), _compound, accessible[0].LotId, accessible[0].SpaceId, "r00055", null,
                window, ReservationStatus.Cancelled, now, null, now, 2);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            DriverNoticePush? notice = null;
            while (notice is null)
            {
                // The notifier caches the directory for a moment: repeat until the push arrives (bounded).
                await _grains.GetGrain<ISharingMoverGrain>(0).MoveBroken(broken, SpaceKind.Accessible, BrokenBookingReason.Withdrawn);
                notice = await Next(received.Reader, broken.Id, timeout.Token);
            }

            Assert.Null(notice.Replacement);
            Assert.Equal("r00055", notice.ResidentId);
            Assert.DoesNotContain(await _grains.Resident(_compound, "r00055").GetReservations(), r => r.Window == window && r.IsActive);
        }
        finally
        {
            await directory.Unregister("withdrawal-test");
            _grains.DeleteObjectReference<IHubObserver>(reference);
        }
    }

    private static async Task<DriverNoticePush?> Next(ChannelReader<Push> reader, string reservationId, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            while (true)
            {
                if (await reader.ReadAsync(wait.Token) is DriverNoticePush notice && notice.Broken.Id == reservationId)
                {
                    return notice;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    internal static async Task<T> Eventually<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "Timed out waiting for the expected state.");
            await Task.Delay(50);
        }
    }

    private sealed class RecordingObserver(ChannelWriter<Push> writer) : IHubObserver
    {
        public Task Deliver(IReadOnlyList<Push> pushes)
        {
            foreach (var push in pushes)
            {
                writer.TryWrite(push);
            }

            return Task.CompletedTask;
        }
    }
}
