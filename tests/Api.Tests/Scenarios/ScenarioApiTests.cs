using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Api.Tests.Scenarios;

/// <summary>Scenarios over HTTP. The shared host's compound has one catalog: every test finds its own scenarios by id.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class ScenarioApiTests(SharedHostFixture fixture)
{
    private static readonly CompoundLayout Layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
    private static readonly string ScenariosPath = ParkingHost.CompoundPath("scenarios");
    private readonly ParkingHost _host = fixture.Host;

    private static SpaceDefinition First(Func<SpaceDefinition, bool> predicate) => Layout.Lots.SelectMany(l => l.Spaces).First(predicate);

    private async Task<ScenarioDto> CreateOk(string userId, ScenarioBody body)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, ScenariosPath, userId, body);
        await ParkingHost.Expect(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ScenarioDto>(ParkingHost.Json))!;
    }

    [Fact]
    public async Task Committee_forks_saves_versions_reads_them_and_archives()
    {
        var common = First(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard);
        var created = await CreateOk("committee01", new ScenarioBody("Quiet nights", "No moves at night", null, new ScenarioRulesDto { QuietHoursFrom = "22:30", QuietHoursUntil = "06:30" }));
        var id = created.Summary.Id;
        var v1 = Assert.Single(created.Versions);
        Assert.Equal((1, "22:30", false, false), (v1.Number, v1.Rules.QuietHoursFrom, v1.ChangesCommonParts, v1.LiveChangedSince));
        Assert.Equal(Layout.SpaceCount, v1.LiveSpaceCount);

        // Staff save version 2: a common space becomes an EV space with a charger.
        var body = new ScenarioBody(
            "Quiet nights + charger",
            "One more charger",
            new ScenarioChangesDto([new ScenarioSpaceChangeDto(common.SpaceId, Kind: "ev")], [new ScenarioChargerChangeDto(common.SpaceId, 7)]),
            new ScenarioRulesDto { QuietHoursFrom = "22:30", QuietHoursUntil = "06:30", ReservationGraceMinutes = 20 },
            BasedOnVersion: 1);
        using (var put = await _host.SendAsync(HttpMethod.Put, $"{ScenariosPath}/{id}", "staff01", body))
        {
            await ParkingHost.Expect(put, HttpStatusCode.OK);
            var v2 = (await put.Content.ReadFromJsonAsync<ScenarioVersionDto>(ParkingHost.Json))!;
            Assert.Equal((2, "staff01", true, 20), (v2.Number, v2.Author, v2.ChangesCommonParts, v2.Rules.ReservationGraceMinutes));
            Assert.Equal(("ev", 7.0), (v2.Changes.Spaces![0].Kind, v2.Changes.Chargers![0].MaxKw));
        }

        var first = await _host.GetOkAsync<ScenarioVersionDto>($"{ScenariosPath}/{id}/versions/1", "committee02");
        Assert.Equal(("Quiet nights", 0), (first.Name, first.Changes.Spaces!.Count));
        var listed = Assert.Single(await _host.GetOkAsync<ScenarioSummaryDto[]>(ScenariosPath, "committee01"), s => s.Id == id);
        Assert.Equal((2, true, "committee01"), (listed.LatestVersion, listed.ChangesCommonParts, listed.CreatedBy));

        using (var archive = await _host.SendAsync(HttpMethod.Delete, $"{ScenariosPath}/{id}", "committee01"))
        {
            await ParkingHost.Expect(archive, HttpStatusCode.OK);
        }

        Assert.DoesNotContain(await _host.GetOkAsync<ScenarioSummaryDto[]>(ScenariosPath, "committee01"), s => s.Id == id);
        Assert.Contains(await _host.GetOkAsync<ScenarioSummaryDto[]>($"{ScenariosPath}?archived=true", "committee01"), s => s.Id == id && s.Archived);
        Assert.Equal(2, (await _host.GetOkAsync<ScenarioDto>($"{ScenariosPath}/{id}", "committee01")).Versions.Count);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "no-name", "name", "scenario-name-required" },
        { "unknown-space", "changes.spaces[0].spaceId", "unknown-space" },
        { "bad-kind", "changes.spaces[0].kind", "invalid-request" },
        { "private-without-owner", "changes.spaces[0].ownerHouseholdId", "unknown-household" },
        { "charger-on-standard", "changes.chargers[0].spaceId", "charger-needs-ev-space" },
        { "feed-below-charger", "changes.areaCapacities[0].siteCapacityKw", "feed-below-charger" },
        { "grace", "rules.reservationGraceMinutes", "rule-out-of-range" },
        { "quiet-half", "rules.quietHoursUntil", "quiet-hours-half" },
        { "quiet-format", "rules.quietHoursFrom", "invalid-request" },
        { "algorithm", "rules.chargingAlgorithm", "invalid-request" },
        { "no-turns", "rules.maxTurnsPerRequest", "rule-out-of-range" },
        { "many-turns", "rules.maxTurnsPerRequest", "rule-out-of-range" },
    };

    private static ScenarioBody Bad(string name)
    {
        var common = First(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).SpaceId;
        var rules = new ScenarioRulesDto();
        return name switch
        {
            "no-name" => new ScenarioBody("", null, null, null),
            "unknown-space" => new ScenarioBody("x", null, new ScenarioChangesDto([new ScenarioSpaceChangeDto("Z9-999", Kind: "ev")]), null),
            "bad-kind" => new ScenarioBody("x", null, new ScenarioChangesDto([new ScenarioSpaceChangeDto(common, Kind: "helipad")]), null),
            "private-without-owner" => new ScenarioBody("x", null, new ScenarioChangesDto([new ScenarioSpaceChangeDto(common, Ownership: "private", OwnerHouseholdId: "nobody")]), null),
            "charger-on-standard" => new ScenarioBody("x", null, new ScenarioChangesDto(Chargers: [new ScenarioChargerChangeDto(common, 7)]), null),
            "feed-below-charger" => new ScenarioBody("x", null, new ScenarioChangesDto(AreaCapacities: [new ScenarioAreaCapacityChangeDto(Layout.ChargingAreas[0].AreaId, 3.5)]), null),
            "grace" => new ScenarioBody("x", null, null, rules with { ReservationGraceMinutes = 600 }),
            "quiet-half" => new ScenarioBody("x", null, null, rules with { QuietHoursFrom = "22:00" }),
            "quiet-format" => new ScenarioBody("x", null, null, rules with { QuietHoursFrom = "late", QuietHoursUntil = "06:00" }),
            "no-turns" => new ScenarioBody("x", null, null, rules with { MaxTurnsPerRequest = 0 }),
            "many-turns" => new ScenarioBody("x", null, null, rules with { MaxTurnsPerRequest = 5 }),
            _ => new ScenarioBody("x", null, null, rules with { ChargingAlgorithm = "coin-toss" }),
        };
    }

    /// <summary>The committee sets one turn per charging request in one scenario and leaves it to the live policy in another.</summary>
    [Fact]
    public async Task A_scenario_keeps_its_turns_per_request_and_one_without_it_reads_as_none()
    {
        var one = await CreateOk("committee01", new ScenarioBody("One turn each", null, null, new ScenarioRulesDto { MaxTurnsPerRequest = 1 }));
        var live = await CreateOk("committee01", new ScenarioBody("Turns as live", null, null, new ScenarioRulesDto { ChargingAlgorithm = "in-turn" }));

        Assert.Equal(1, Assert.Single(one.Versions).Rules.MaxTurnsPerRequest);
        Assert.Equal(1, (await _host.GetOkAsync<ScenarioVersionDto>($"{ScenariosPath}/{one.Summary.Id}/versions/1", "committee02")).Rules.MaxTurnsPerRequest);
        Assert.Null((await _host.GetOkAsync<ScenarioVersionDto>($"{ScenariosPath}/{live.Summary.Id}/versions/1", "committee02")).Rules.MaxTurnsPerRequest);
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_scenarios_are_refused_naming_the_field_and_nothing_is_saved(string name, string field, string code)
    {
        var created = await CreateOk("committee01", new ScenarioBody($"Good {name}", null, null, null));
        var before = (await _host.GetOkAsync<ScenarioSummaryDto[]>($"{ScenariosPath}?archived=true", "committee01")).Length;

        using (var post = await _host.SendAsync(HttpMethod.Post, ScenariosPath, "committee01", Bad(name)))
        {
            await ProblemAssert.Expect(post, HttpStatusCode.BadRequest, code, field);
        }

        using (var put = await _host.SendAsync(HttpMethod.Put, $"{ScenariosPath}/{created.Summary.Id}", "committee01", Bad(name)))
        {
            await ProblemAssert.Expect(put, HttpStatusCode.BadRequest, code, field);
        }

        Assert.Equal(before, (await _host.GetOkAsync<ScenarioSummaryDto[]>($"{ScenariosPath}?archived=true", "committee01")).Length);
        Assert.Single((await _host.GetOkAsync<ScenarioDto>($"{ScenariosPath}/{created.Summary.Id}", "committee01")).Versions);
    }

    [Fact]
    public async Task Residents_get_403_and_other_compounds_403_and_unknown_scenarios_404()
    {
        var created = await CreateOk("staff02", new ScenarioBody("Access", null, null, null));

        using (var list = await _host.GetAsync(ScenariosPath, "r00002"))
        {
            await ProblemAssert.Expect(list, HttpStatusCode.Forbidden);
        }

        using (var post = await _host.SendAsync(HttpMethod.Post, ScenariosPath, "r00002", new ScenarioBody("Mine", null, null, null)))
        {
            await ProblemAssert.Expect(post, HttpStatusCode.Forbidden);
        }

        using (var get = await _host.GetAsync($"{ScenariosPath}/{created.Summary.Id}", "r00002"))
        {
            await ProblemAssert.Expect(get, HttpStatusCode.Forbidden);
        }

        using (var other = await _host.GetAsync("/api/compounds/chengshangcheng/scenarios", "committee01"))
        {
            await ProblemAssert.Expect(other, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var unknown = await _host.GetAsync($"{ScenariosPath}/s999999", "committee01"))
        {
            await ProblemAssert.Expect(unknown, HttpStatusCode.NotFound, "scenario-not-found");
        }

        using (var stale = await _host.SendAsync(HttpMethod.Put, $"{ScenariosPath}/{created.Summary.Id}", "committee01", new ScenarioBody("Access", null, null, null, BasedOnVersion: 7)))
        {
            await ProblemAssert.Expect(stale, HttpStatusCode.Conflict, "scenario-version-stale");
        }

        var live = await _host.GetOkAsync<ScenarioVersionDto>($"{ScenariosPath}/live/versions/0", "committee01");
        Assert.Equal((0, Layout.SpaceCount, false), (live.Number, live.LiveSpaceCount, live.LiveChangedSince));
    }
}
