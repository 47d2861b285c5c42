using Parking.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests;

[CollectionDefinition(Name)]
public sealed class CrossHostCollection
{
    public const string Name = "Two hosts in one cluster";
}

/// <summary>Two hosts, one cluster: a change made through one host reaches clients connected to the other.</summary>
[Collection(CrossHostCollection.Name)]
public sealed class CrossHostTests
{
    [Fact]
    public async Task Reservation_made_through_host_A_reaches_a_client_watching_on_host_B()
    {
        var clock = ParkingHost.NewClock();
        await using var hostA = await ParkingHost.StartAsync(clock, settings: ParkingHost.Joinable);

        // Waits until both hosts' hub observers are listed by the cluster's hub directory: when B joins,
        // the directory grain may be re-activated empty and A is back only after its next refresh.
        await using var hostB = await ParkingHost.StartAsync(clock, primarySiloPort: hostA.Factory.SiloPort, expectedHubHosts: 2);
        var silos = await hostA.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, silos.Count);

        // The demo is seeded by the silo that started the cluster; B, joining it, reads none of it while the
        // directory is handed over (with in-memory state such a read can find an empty copy).
        Assert.True(hostA.Factory.Services.GetRequiredService<DemoSeedingSilo>().Seeds);
        Assert.False(hostB.Factory.Services.GetRequiredService<DemoSeedingSilo>().Seeds);

        // Tokens of one host are good on the other: they share the signing key.
        await using var watcherOnB = await hostB.ConnectHubWithTokenAsync(hostA.TokenFor("r00002"));
        await using var makerOnB = await hostB.ConnectHubAsync("r00001");
        var before = await watcherOnB.WatchLotAsync("G1");

        var start = hostA.Now.AddHours(2);
        var reservation = await hostA.ReserveOkAsync("r00001", "G1-001", start, start.AddHours(1));

        var change = await watcherOnB.WaitForLotChangeAsync(
            c => c.Space?.SpaceId == "G1-001" && c.Space!.Held.Any(w => w.Start == start),
            "a client on host B watching G1 hears of the reservation made through host A");
        Assert.Equal(before.Epoch, change.Epoch);
        Assert.True(change.Sequence > before.Sequence);
        var own = await makerOnB.WaitForReservationAsync(r => r.Id == reservation.Id, "r00001, connected to host B, hears of the reservation made through host A");
        Assert.Equal("reserved", own.Status.WireName());

        // Both hosts see the same state.
        var throughB = await hostB.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{reservation.Id}"), "r00001");
        Assert.Equal(reservation, throughB);
        Assert.Single((await hostB.SpaceAsync("G1-001")).Held);
    }
}
