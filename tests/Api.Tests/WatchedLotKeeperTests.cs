using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// A watched lot whose activation is gone and that nothing calls (its silo died; here it is deactivated, the same loss
/// seen from the grain) is brought back by the host asking after its watched lots, and its watchers hear of it.
/// A host of its own, with a lot no other test here uses, so no other test's watchers or bookings meet it.
/// </summary>
public sealed class WatchedLotKeeperTests(WatchedLotKeeperTests.Host fixture) : IClassFixture<WatchedLotKeeperTests.Host>
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task A_watched_idle_lot_whose_activation_is_lost_comes_back_and_its_watchers_hear_its_next_change_in_sequence()
    {
        await using var watcher = await _host.ConnectHubAsync("r00051");
        await using var messagePack = await _host.ConnectMessagePackHubAsync("r00052");
        var before = await watcher.WatchLotAsync("G1");
        await messagePack.WatchLotAsync("G1");

        // The lot's activation goes, and nothing in the compound calls it again.
        await Parking.Grains.GrainKeys.Lot(_host.Grains, ParkingHost.Compound, "G1").Reload();

        var restart = await watcher.WaitForLotChangeAsync(c => c.IsRestart && c.Epoch != before.Epoch, "the watcher hears G1 come back under a new epoch, with no change made");
        await messagePack.WaitForLotChangeAsync(c => c.IsRestart && c.Epoch == restart.Epoch, "the MessagePack watcher hears it too");

        // Its next change is the new epoch's next number: the watcher, having reloaded for the restart, patches it in.
        var spaceId = before.Spaces.Where(s => s.Ownership == SpaceOwnershipDto.Common).Last().SpaceId;
        var start = _host.Now.AddDays(6).AddHours(9);
        await _host.ReserveOkAsync("r00051", spaceId, start, start.AddHours(1));
        var change = await watcher.WaitForLotChangeAsync(c => c.Space?.SpaceId == spaceId && c.Space!.Held.Any(w => w.Start == start), $"the watcher hears of the booking of {spaceId}");
        Assert.Equal(restart.Epoch, change.Epoch);
        var numbers = watcher.Received<LotChangeDto>().Where(c => c.Epoch == restart.Epoch && !c.IsRestart).Select(c => c.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(i => restart.Sequence + i), numbers);
        Assert.Contains(change.Sequence, numbers);
    }

    /// <summary>Asks after watched lots every half second, so the test waits little (the default is 5 s).</summary>
    public sealed class Host : OwnHostFixture
    {
        protected override Task<ParkingHost> StartAsync() =>
            ParkingHost.StartAsync(ParkingHost.NewClock(), settings: new Dictionary<string, string> { ["Parking:Hub:WatchRefresh"] = "00:00:00.500" });
    }
}
