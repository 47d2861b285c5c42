using System.Net;
using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>Which silo of a cluster seeds the demo: the eldest joining or active one, and every silo agrees on it.</summary>
public sealed class DemoSeedingSiloTests
{
    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private static ClusterMember Member(SiloAddress address, SiloStatus status) => new(address, status, $"silo-{address.Endpoint.Port}");

    [Fact]
    public void Three_silos_started_together_agree_on_exactly_one_seeder_whatever_each_saw_active()
    {
        // As in a cluster test's log: two silos of the same second, one a second younger, all active by the time they ask.
        var a = Silo(42871, 155536190);
        var b = Silo(46527, 155536190);
        var c = Silo(41133, 155536191);
        ClusterMember[] members = [Member(a, SiloStatus.Active), Member(b, SiloStatus.Active), Member(c, SiloStatus.Active)];

        var seeders = new[] { a, b, c }.Where(s => DemoSeedingSilo.ElderOf(s, members) is null).ToList();

        Assert.Equal([a], seeders);
        Assert.Equal(a, DemoSeedingSilo.ElderOf(b, members));
        Assert.Equal(a, DemoSeedingSilo.ElderOf(c, members));
    }

    [Fact]
    public void A_silo_alone_seeds_and_one_joining_a_running_cluster_leaves_it_to_the_elder()
    {
        var first = Silo(11111, 100);
        var joiner = Silo(11112, 180);

        Assert.Null(DemoSeedingSilo.ElderOf(first, [Member(first, SiloStatus.Active)]));
        Assert.Equal(first, DemoSeedingSilo.ElderOf(joiner, [Member(first, SiloStatus.Active), Member(joiner, SiloStatus.Joining)]));
    }

    [Fact]
    public void Dead_and_departing_elders_do_not_count_but_a_joining_one_does()
    {
        var dead = Silo(11111, 100);
        var stopping = Silo(11113, 120);
        var joining = Silo(11114, 150);
        var self = Silo(11112, 160);

        Assert.Null(DemoSeedingSilo.ElderOf(self, [Member(dead, SiloStatus.Dead), Member(stopping, SiloStatus.ShuttingDown), Member(self, SiloStatus.Active)]));
        Assert.Equal(joining, DemoSeedingSilo.ElderOf(self, [Member(dead, SiloStatus.Dead), Member(joining, SiloStatus.Joining), Member(self, SiloStatus.Active)]));
    }
}
