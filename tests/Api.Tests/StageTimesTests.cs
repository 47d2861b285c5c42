using Parking.Api.Tests.Infrastructure;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// <c>Parking:Hub:StageTimes</c> is bound once for the host and the grains it runs: set on, a watcher's lot change
/// carries when the lot published it and when the notifier's batch left (the grains' stages), not only the host's.
/// </summary>
public sealed class StageTimesTests
{
    [Fact]
    public async Task With_stage_times_on_a_watchers_change_carries_the_grains_stages_as_well_as_the_hosts()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock(), settings: new Dictionary<string, string>
        {
            ["Parking:Hub:StageTimes"] = "true",
        });
        await using var watcher = await host.ConnectHubAsync("r00002");
        var before = await watcher.WatchLotAsync("G1");
        var start = host.Now.AddHours(2);
        await host.ReserveOkAsync("r00001", "G1-001", start, start.AddHours(1));

        var change = await watcher.WaitForLotChangeAsync(
            c => c.Space?.SpaceId == "G1-001" && c.Sequence > before.Sequence, "the watcher hears of the booking of G1-001");

        var times = Assert.IsType<Contracts.PushStageTimesDto>(change.Times);
        Assert.NotEqual(default, times.PublishedAt);
        Assert.NotEqual(default, times.FlushedAt);
        Assert.NotEqual(default, times.HostAt);
        Assert.NotEqual(default, times.SentAt);
    }
}
