using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>
/// The plan around a charger that does not keep to its profile (its draw is a fixed load until it complies), and
/// profiles in the unit and phases the charger says it takes, through a real OCPP client.
/// </summary>
[Collection(OcppHostCollection.Name)]
public sealed class OcppPlanEnforcementTests(OcppHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    private static string OcppPath(string chargerId, string rest = "") => ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp{rest}");

    private Task<ChargingPlanDto> Plan() => _host.GetOkAsync<ChargingPlanDto>(ParkingHost.CompoundPath("charging/areas/CA-G1/plan?planned=true"), "staff01");

    [Fact]
    public async Task The_replan_subtracts_a_non_complying_chargers_draw_from_the_feed_for_the_others_until_it_complies()
    {
        // CA-G1: four 7 kW chargers on a 14 kW feed. A re-plan gives every charger its profile; then a charger with
        // no turn (a limit of 0) draws 7 kW anyway, twice.
        using (var replan = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/areas/CA-G1/site-capacity"), "staff01", new SiteCapacityBody(14)))
        {
            await ParkingHost.Expect(replan, HttpStatusCode.OK);
        }

        var plan = await Plan();
        var rogueId = plan.Chargers.First(c => c.Charger.Status == ChargerStatusDto.Available && c.Turns.All(t => t.End <= _host.Now || t.Status is ChargingRequestStatusDto.Completed or ChargingRequestStatusDto.Cancelled or ChargingRequestStatusDto.NoShow or ChargingRequestStatusDto.Expired)).Charger.ChargerId;
        await using var rogue = await OcppCharger.ConnectAsync(_host, rogueId);
        await rogue.BootAsync();
        await rogue.StatusAsync("Charging");
        var meter = (long)Math.Round(plan.Chargers.Single(c => c.Charger.ChargerId == rogueId).Charger.EnergyMeterKwh * 1000);
        await WaitUntil(async () => (await _host.GetOkAsync<ChargePointDto>(OcppPath(rogueId), "staff01")).Profile.Length > 0, "the charger has its profile");
        await rogue.MeterAsync(null, meter + 100, 7000, _host.Now);
        await rogue.MeterAsync(null, meter + 200, 7000, _host.Now);
        Assert.True((await _host.GetOkAsync<ChargePointDto>(OcppPath(rogueId), "staff01")).Overdrawing);

        // Two drivers ask now: with 7 of the 14 kW taken by the rogue charger, their turns may not run side by side.
        var asked = new List<ChargingRequestDto>();
        foreach (var (driver, plate) in new[] { ("r00054", "沪E54"), ("r00055", "沪E55") })
        {
            using var response = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("charging/areas/CA-G1/requests"), driver, new ChargingRequestBody(plate, 5, null, null, null, null, _host.Now.AddHours(5), true));
            await ParkingHost.Expect(response, HttpStatusCode.Created);
            asked.Add((await response.Content.ReadFromJsonAsync<ChargingRequestDto>(ParkingHost.Json))!);
        }

        try
        {
            var planned = await Plan();
            var turns = planned.Chargers
                .Where(c => c.Charger.ChargerId != rogueId)
                .SelectMany(c => c.Turns.Where(t => t.Status is ChargingRequestStatusDto.Scheduled or ChargingRequestStatusDto.Called or ChargingRequestStatusDto.Charging).Select(t => (c.Charger.MaxKw, t.Start, t.End)))
                .ToList();
            Assert.Contains(turns, t => t.Start >= _host.Now.AddMinutes(-5));

            // Turns may run side by side (a car can wait plugged in at 0 kW), but the power the plan gives the other
            // chargers never adds up to more than the 7 kW left, at any instant.
            static double LimitAt(ChargerProfilePeriodDto[] profile, DateTimeOffset at) =>
                profile.LastOrDefault(p => p.Start <= at)?.LimitKw ?? 0;
            var others = planned.Chargers.Select(c => c.Charger.ChargerId).Where(id => id != rogueId).ToList();
            await WaitUntil(
                async () =>
                {
                    var profiles = (await Task.WhenAll(others.Select(id => _host.GetOkAsync<ChargePointDto>(OcppPath(id), "staff01")))).Select(v => v.Profile).ToList();
                    return profiles.SelectMany(p => p.Select(period => period.Start)).Append(_host.Now)
                        .All(at => profiles.Sum(p => LimitAt(p, at)) <= 7 + 1e-3);
                },
                "the other chargers' profiles add up to at most the 7 kW left at every instant");

            // It complies again: the flag goes, and the area plans with the whole feed once more.
            await rogue.MeterAsync(null, meter + 200, 0, _host.Now);
            await rogue.StatusAsync("Available");
            Assert.False((await _host.GetOkAsync<ChargePointDto>(OcppPath(rogueId), "staff01")).Overdrawing);
            var after = await Plan();
            Assert.True(after.Version > planned.Version);
        }
        finally
        {
            foreach (var request in asked)
            {
                using var cancel = await _host.SendAsync(HttpMethod.Delete, ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{request.Id}"), request.ResidentId);
            }
        }
    }

    [Fact]
    public async Task A_charger_that_takes_only_current_gets_its_limits_in_amperes_per_phase()
    {
        // A re-plan hands every charger of the area its share, so this one has a profile to send at its connect.
        using (var replan = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/areas/CA-G1/site-capacity"), "staff01", new SiteCapacityBody((await Plan()).SiteCapacityKw)))
        {
            await ParkingHost.Expect(replan, HttpStatusCode.OK);
        }

        var chargerId = fixture.Chargers[0];
        var takesOnlyCurrent = (string action, JsonElement _) => action == "GetConfiguration"
            ? new JsonObject { ["configurationKey"] = new JsonArray(new JsonObject { ["key"] = "ChargingScheduleAllowedChargingRateUnit", ["readonly"] = true, ["value"] = "Current" }) }
            : new JsonObject { ["status"] = "Accepted" };
        await using (var charger = await OcppCharger.ConnectAsync(_host, chargerId, answer: takesOnlyCurrent))
        {
            await charger.BootAsync();

            var profile = await charger.ExpectCallAsync(
                "SetChargingProfile",
                p => p.GetProperty("csChargingProfiles").GetProperty("chargingSchedule").GetProperty("chargingRateUnit").GetString() == "A",
                "a profile in amperes once the charger said it takes only current");
            var schedule = profile.GetProperty("csChargingProfiles").GetProperty("chargingSchedule");
            var view = await _host.GetOkAsync<ChargePointDto>(OcppPath(chargerId), "staff01");
            var last = schedule.GetProperty("chargingSchedulePeriod").EnumerateArray().Last();
            Assert.Equal(3, last.GetProperty("numberPhases").GetInt32());
            var watts = view.Profile[^1].LimitKw * 1000;
            Assert.Equal(Math.Floor(watts / (220 * 3) * 10) / 10, last.GetProperty("limit").GetDouble(), 3);
        }

        // Connected again as a charger that does not name the key: back to watts (and the next test finds it as it was).
        await using var again = await OcppCharger.ConnectAsync(_host, chargerId);
        await again.BootAsync();
        await again.ExpectCallAsync(
            "SetChargingProfile",
            p => p.GetProperty("csChargingProfiles").GetProperty("chargingSchedule").GetProperty("chargingRateUnit").GetString() == "W",
            "a profile in watts again");
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(100);
        }
    }
}
