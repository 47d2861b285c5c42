using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Domain.Notices;
using Parking.Domain.Reservations;
using Parking.Grains.Notices;
using Parking.Grains.Tests.Sharing;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The space warns the driver of a booking that started without them, at its start, while the grace period runs; the
/// booking path writes no per-user watch for it (the no-show watch grain of earlier builds).
/// </summary>
[Collection(ClusterCollection.Name)]
public class NoShowWarningTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_booking_that_starts_without_its_driver_warns_them_once_and_the_booking_stores_no_watch()
    {
        var grains = fixture.Grains;
        // A member of the compound (an inbox keeps notices only for one), not one other tests book for.
        var driver = fixture.Layout.Users.Last(u => u.Role == UserRole.Resident && u.HouseholdId is not null).UserId;
        var now = ClusterFixture.Clock.GetUtcNow();
        var window = new TimeWindow(now.AddMinutes(5), now.AddMinutes(65));
        var free = await grains.Lot(fixture.CompoundId, "G1").Search(new AvailabilityQuery(window, SpaceKind.Standard, null, 100));
        Reservation? booking = null;
        foreach (var hit in free)
        {
            var outcome = await grains.Resident(fixture.CompoundId, driver).Reserve(hit.SpaceId, window, null, null);
            if (outcome.IsSuccess)
            {
                booking = outcome.Value!.Reservation;
                break;
            }
        }

        Assert.NotNull(booking);
        var space = grains.Space(fixture.CompoundId, booking.SpaceId);
        var warningId = $"no-show-warning:{booking.Id}";

        // Before the start nothing is sent, and the booking stored no watch keyed by the driver.
        await space.ReleaseNoShows();
        Assert.DoesNotContain(await Warnings(driver), e => e.Notice.Id == warningId);
        Assert.False(await StoredWatch(driver), "the booking wrote a no-show watch for its driver");

        // The window starts; the grace period (15 minutes) still runs. Waking the space again sends nothing new.
        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(6));
        await space.ReleaseNoShows();
        await space.ReleaseNoShows();

        var warned = await WithdrawalTests.Eventually(async () => (await Warnings(driver)).FirstOrDefault(e => e.Notice.Id == warningId));
        Assert.Equal(NoticeKind.NoShowWarning, warned.Notice.Kind);
        Assert.Contains(booking.SpaceId, warned.Notice.Body, StringComparison.Ordinal);
        Assert.Single(await Warnings(driver), e => e.Notice.Id == warningId);
        Assert.Equal(ReservationStatus.Reserved, (await space.GetReservation(booking.Id, new Actor(driver, false))).Value!.Status);
        Assert.False(await StoredWatch(driver), "a no-show watch was stored for the driver");
    }

    private async Task<IReadOnlyList<InboxEntry>> Warnings(string userId) =>
        [.. (await fixture.Grains.NoticeInbox(fixture.CompoundId, userId).Get()).Entries.Where(e => e.Notice.Kind == NoticeKind.NoShowWarning)];

    private async Task<bool> StoredWatch(string userId)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var storage = silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
        var state = new GrainState<NoShowWatchState>(new NoShowWatchState());
        await storage.ReadStateAsync("no-show-watch", fixture.Grains.GetGrain<INoShowWatchGrain>($"{fixture.CompoundId}/{userId}").GetGrainId(), state);
        return state.RecordExists;
    }
}
