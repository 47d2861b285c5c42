using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Grains;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>Two hosts, one cluster: a charger's socket is on host A; commands and re-plans made through host B reach it.</summary>
[Collection(CrossHostCollection.Name)]
public sealed class OcppCrossHostTests
{
    [Fact]
    public async Task A_charger_on_host_A_gets_a_command_and_a_profile_from_a_replan_made_on_host_B()
    {
        const double Feed = 7;
        var clock = ParkingHost.NewClock();
        await using var hostA = await ParkingHost.StartAsync(clock, settings: ParkingHost.Joinable);
        await using var hostB = await ParkingHost.StartAsync(clock, primarySiloPort: hostA.Factory.SiloPort, expectedHubHosts: 2);
        var chargerId = (await hostA.Grains.Compound(ParkingHost.Compound).GetChargingAreas()).Single(a => a.AreaId == "CA-G1").Chargers[0].ChargerId;

        await using var charger = await OcppCharger.ConnectAsync(hostA, chargerId);
        Assert.Equal("Accepted", (await charger.BootAsync()).GetProperty("status").GetString());
        await charger.StatusAsync("Available");

        // A staff command through host B: the charger, connected to A, answers it; B returns its answer.
        using (var command = await hostB.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp/commands"), "staff01", new ChargerCommandBody("UnlockConnector", ConnectorId: 1)))
        {
            await ParkingHost.Expect(command, HttpStatusCode.OK);
            var answered = (await command.Content.ReadFromJsonAsync<ChargerCommandDto>(ParkingHost.Json))!;
            Assert.Equal(OcppCommandStatusDto.Accepted, answered.Status);
            Assert.Contains("Unlocked", answered.Result, StringComparison.Ordinal);
        }

        await charger.ExpectCallAsync("UnlockConnector", what: "the command made through host B");

        // A re-plan made through host B (a driver's request, then a lower site capacity) reaches the charger on A as a profile.
        using (var asked = await hostB.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("charging/areas/CA-G1/requests"), "r00003", new ChargingRequestBody("沪E03", 6, null, null, null, null, hostB.Now.AddHours(6), true)))
        {
            await ParkingHost.Expect(asked, HttpStatusCode.Created);
        }

        await charger.ExpectCallAsync("SetChargingProfile", what: "the charger's share of the plan made on host B");
        // 7 kW: the least a feed may be (one 7 kW charger's draw; below that the area refuses it, as the importer does).
        using (var capacity = await hostB.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/areas/CA-G1/site-capacity"), "staff01", new SiteCapacityBody(Feed)))
        {
            await ParkingHost.Expect(capacity, HttpStatusCode.OK);
        }

        // The area hands its plan to the chargers' profiles one-way (the capacity is acknowledged before they follow):
        // read them until they have (bounded), then require every one within the new feed.
        ChargePointDto[] views;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            var plan = await hostB.GetOkAsync<ChargingPlanDto>(ParkingHost.CompoundPath("charging/areas/CA-G1/plan?planned=true"), "staff01");
            views = await Task.WhenAll(plan.Chargers.Select(c => hostB.GetOkAsync<ChargePointDto>(ParkingHost.CompoundPath($"chargers/{c.Charger.ChargerId}/ocpp"), "staff01")));
            if (views.All(v => v.Profile.All(p => p.LimitKw <= Feed)))
            {
                break;
            }

            await Task.Delay(100);
        }
        while (DateTimeOffset.UtcNow < deadline);

        Assert.All(views, v => Assert.True(v.Profile.All(p => p.LimitKw <= Feed), $"{v.ChargerId}'s profile stays within the {Feed} kW feed"));
    }
}
