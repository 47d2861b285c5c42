using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Parking.Grains.Credits;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The per-silo services the grains take by their constructors are singletons of each silo's own services: two silos
/// in one process (as here) do not share a messenger to the settlement shards or a hub hook.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloServicesTests(ClusterFixture fixture)
{
    [Fact]
    public void Each_silo_has_one_settlement_batcher_and_one_hub_hook_of_its_own()
    {
        var silos = fixture.Cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost!.Services).ToList();
        Assert.Equal(2, silos.Count);

        Assert.Same(silos[0].GetRequiredService<SettlementBatcher>(), silos[0].GetRequiredService<SettlementBatcher>());
        Assert.NotSame(silos[0].GetRequiredService<SettlementBatcher>(), silos[1].GetRequiredService<SettlementBatcher>());
        Assert.Same(silos[0].GetRequiredService<LocalHubObserver>(), silos[0].GetRequiredService<LocalHubObserver>());
        Assert.NotSame(silos[0].GetRequiredService<LocalHubObserver>(), silos[1].GetRequiredService<LocalHubObserver>());
    }
}
