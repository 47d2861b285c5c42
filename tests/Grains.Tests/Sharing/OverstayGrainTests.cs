using Parking.Domain;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Grains.Tests.Sharing;

[Collection(ClusterCollection.Name)]
public class OverstayGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_car_checked_in_past_its_end_is_flagged_once_and_cleared_by_check_out()
    {
        var grains = fixture.Grains;
        var now = ClusterFixture.Clock.GetUtcNow();
        var window = new TimeWindow(now.AddMinutes(5), now.AddMinutes(65));
        var made = await grains.Resident(fixture.CompoundId, "r00058").Reserve("T1-010", window, null, null);
        Assert.True(made.IsSuccess, made.Error?.Message);
        var id = made.Value!.Reservation.Id;
        var space = grains.Space(fixture.CompoundId, "T1-010");
        var driver = new Actor("r00058", false);
        Assert.True((await space.CheckIn(id, driver)).IsSuccess);
        var registry = grains.GetGrain<IOverstayRegistryGrain>(fixture.CompoundId);

        await space.ReleaseNoShows();
        Assert.DoesNotContain(await registry.GetAll(), r => r.Id == id);

        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(66));
        await space.ReleaseNoShows();
        await WithdrawalTests.Eventually(async () => (await registry.GetAll()).FirstOrDefault(r => r.Id == id));

        Assert.Equal(ReservationStatus.Completed, (await space.CheckOut(id, driver)).Value?.Status);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((await registry.GetAll()).Any(r => r.Id == id))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the flag was not cleared by check-out");
            await Task.Delay(50);
        }
    }
}
