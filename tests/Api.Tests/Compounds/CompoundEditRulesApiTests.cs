using System.Net;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>
/// Staff edits that would leave a compound whose export the importer refuses are refused themselves, by the rules the
/// importer checks (<c>ChargerLayoutRules</c>). Each test imports a compound of its own from the published example.
/// </summary>
public sealed partial class CompoundImportApiTests
{
    [Fact]
    public async Task A_space_a_charger_reaches_cannot_be_retyped_away_from_ev_and_stays_ev()
    {
        const string Id = "edit-ev";
        const string Staff = "xe-staff01";
        await ImportOk(OwnPeople(Id, "xe-"), dryRun: false, expectedVersion: 0);
        var before = await _host.OkAsPersonAsync<SpaceAdminDto>(HttpMethod.Get, $"/api/compounds/{Id}/spaces/G1-025/admin", Staff);
        Assert.Equal("ev", before.Kind.WireName());

        using (var refused = await _host.SendAsPersonAsync(HttpMethod.Put, $"/api/compounds/{Id}/spaces/G1-025/kind", Staff, new SpaceKindBody("standard")))
        {
            var problem = await ProblemAssert.Expect(refused, HttpStatusCode.Conflict, "charger-needs-ev-space", "kind");
            Assert.Contains("Charger 'C-G1-025'", problem.Errors["kind"][0], StringComparison.Ordinal);
        }

        var after = await _host.OkAsPersonAsync<SpaceAdminDto>(HttpMethod.Get, $"/api/compounds/{Id}/spaces/G1-025/admin", Staff);
        Assert.Equal(("ev", before.Version), (after.Kind.WireName(), after.Version));
        Assert.Equal("ev", (await ExportOk(Id, Staff)).File.Spaces.Single(s => s.Id == "G1-025").Kind);

        // A space no charger reaches is retyped as before.
        await Succeeds(HttpMethod.Put, $"/api/compounds/{Id}/spaces/G1-005/kind", Staff, new SpaceKindBody("ev"));
        await Succeeds(HttpMethod.Put, $"/api/compounds/{Id}/spaces/G1-005/kind", Staff, new SpaceKindBody("standard"));
    }

    [Fact]
    public async Task A_feed_set_by_hand_below_one_charger_is_refused_and_changes_nothing()
    {
        const string Id = "edit-feed";
        const string Staff = "xg-staff01";
        await ImportOk(OwnPeople(Id, "xg-"), dryRun: false, expectedVersion: 0);
        var path = $"/api/compounds/{Id}/charging/areas/CA-G1/site-capacity";

        using (var refused = await _host.SendAsPersonAsync(HttpMethod.Put, path, Staff, new SiteCapacityBody(6.5)))
        {
            var problem = await ProblemAssert.Expect(refused, HttpStatusCode.BadRequest, "feed-below-charger", "siteCapacityKw");
            Assert.Equal("The feed (6.5 kW) is smaller than one charger: 'C-G1-025' draws 7 kW.", problem.Errors["siteCapacityKw"][0]);
        }

        var plan = await _host.OkAsPersonAsync<ChargingPlanDto>(HttpMethod.Get, $"/api/compounds/{Id}/charging/areas/CA-G1/plan", Staff);
        Assert.Equal(14, plan.SiteCapacityKw);
        Assert.Equal(14, (await ExportOk(Id, Staff)).File.ChargingAreas.Single(a => a.Id == "CA-G1").FeedKw);

        // One charger's draw is the least the feed may be set to.
        await Succeeds(HttpMethod.Put, path, Staff, new SiteCapacityBody(7));
        Assert.Equal(7, (await ExportOk(Id, Staff)).File.ChargingAreas.Single(a => a.Id == "CA-G1").FeedKw);
    }
}
