using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Charging;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Seeding;
using Parking.Grains;
using Parking.Grains.Compounds;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>
/// The sub-district operator is scoped to their sub-district (the demo's operator01 to Caojiadu): another
/// sub-district's compound, imported beside it with its own operator, is out of reach both ways. Also the operator's
/// dashboard and the multipart upload of a compound file with its CSV files.
/// </summary>
public sealed class OperatorScopeTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private const string Operator = "operator01";
    private const string FarCompound = "far-gardens";
    private const string FarOperator = "operator-far";
    private readonly ParkingHost _host = fixture.Host;

    private static CompoundFile InSubDistrict(string id, string subDistrict, IReadOnlyList<PersonEntry> people) =>
        DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small) with
        {
            Compound = new CompoundEntry(id, "Far Gardens") { SubDistrict = subDistrict },
            People = people,
        };

    /// <summary>Another sub-district's compound and its operator, brought in as the command line does.</summary>
    private async Task ImportFarCompoundAsync()
    {
        if ((await _host.Grains.GetGrain<ICompoundDirectoryGrain>(0).List()).Any(c => c.CompoundId == FarCompound))
        {
            return;
        }

        var importer = _host.Factory.Services.GetRequiredService<CompoundImporter>();
        var file = InSubDistrict(FarCompound, "putuo", [new PersonEntry(FarOperator, "Far operator", "operator")]);
        var check = CompoundFileCheck.Run(CompoundFileReader.Write(file));
        Assert.True(check.IsValid, string.Join("; ", check.Problems));
        var applied = await importer.Apply(check.Layout!, expectedVersion: null);
        Assert.True(applied.IsSuccess);
    }

    private async Task<HttpResponseMessage> DevTokenAsync(string compoundId, string userId, bool newcomer = false) =>
        await _host.Http.PostAsJsonAsync(new Uri("/api/dev/token", UriKind.Relative), new DevTokenRequest(compoundId, userId, newcomer), ParkingHost.Json);

    private async Task<string> TokenAsync(string compoundId, string userId, bool newcomer = false)
    {
        using var response = await DevTokenAsync(compoundId, userId, newcomer);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<DevTokenResponse>(ParkingHost.Json))!.AccessToken;
    }

    private async Task<T> OkAsync<T>(string path, string token)
    {
        using var response = await _host.GetAsync(path, null, token);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<T>(ParkingHost.Json))!;
    }

    private async Task<HttpStatusCode> StatusAsync(string path, string token)
    {
        using var response = await _host.GetAsync(path, null, token);
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> ImportAsync(CompoundFile file, string user) =>
        await _host.SendAsync(HttpMethod.Post, "/api/compounds/import?dryRun=true", user, new StringContent(CompoundFileReader.Write(file), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task An_operator_finds_a_resident_across_the_compounds_of_their_sub_district_and_only_there()
    {
        // The same name in a second compound of the operator's sub-district and in a compound of another one.
        var importer = _host.Factory.Services.GetRequiredService<CompoundImporter>();
        foreach (var (id, subDistrict, person) in new[] { ("near-search", "caojiadu", "near-lin"), ("far-search", "putuo", "far-lin") })
        {
            var file = InSubDistrict(id, subDistrict, []);
            file = file with { People = [new PersonEntry(person, "Lin Searchable", "resident") { HouseholdId = file.Households[0].Id }, new PersonEntry($"{id}-op", "Operator", "operator")] };
            var check = CompoundFileCheck.Run(CompoundFileReader.Write(file));
            Assert.True(check.IsValid, string.Join("; ", check.Problems));
            Assert.True((await importer.Apply(check.Layout!, expectedVersion: null)).IsSuccess);
        }

        var token = await TokenAsync(ParkingHost.Compound, Operator);
        var found = await OkAsync<CompoundResidentsDto[]>("/api/residents?q=lin%20searchable", token);
        var near = Assert.Single(found);
        Assert.Equal(("near-search", 1), (near.CompoundId, near.Total));
        Assert.Equal("near-lin", Assert.Single(near.First).PersonId);

        // A resident of the operator's own compound is found by part of a name too, with the compound's own count.
        var own = (await OkAsync<ResidentPageDto>($"/api/compounds/{ParkingHost.Compound}/residents?pageSize=1", token)).Items[0];
        var byName = await OkAsync<CompoundResidentsDto[]>($"/api/residents?q={Uri.EscapeDataString(own.DisplayName)}&first=50", token);
        var home = Assert.Single(byName, c => c.CompoundId == ParkingHost.Compound);
        Assert.Contains(home.First, r => r.PersonId == own.PersonId);
        Assert.Equal((await OkAsync<ResidentPageDto>($"/api/compounds/{ParkingHost.Compound}/residents?q={Uri.EscapeDataString(own.DisplayName)}", token)).Total, home.Total);

        // The other sub-district's operator finds only their own; staff and residents may not search across compounds.
        var far = Assert.Single(await OkAsync<CompoundResidentsDto[]>("/api/residents?q=lin%20searchable", await TokenAsync("far-search", "far-search-op")));
        Assert.Equal("far-search", far.CompoundId);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("/api/residents?q=lin", await TokenAsync(ParkingHost.Compound, "staff01")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("/api/residents?q=lin", await TokenAsync(ParkingHost.Compound, "r00001")));

        // Bad input names its field.
        using (var empty = await _host.GetAsync("/api/residents?q=%20", null, token))
        {
            await ProblemAssert.Expect(empty, HttpStatusCode.BadRequest, field: "q");
        }

        using (var tooMany = await _host.GetAsync("/api/residents?q=lin&first=51", null, token))
        {
            await ProblemAssert.Expect(tooMany, HttpStatusCode.BadRequest, field: "first");
        }
    }

    [Fact]
    public async Task An_operator_acts_in_the_compounds_of_their_sub_district_and_is_refused_in_another()
    {
        await ImportFarCompoundAsync();
        var near = await _host.TokenFor(Operator);
        var far = await TokenAsync(FarCompound, FarOperator);

        // Each sees the compounds of their own sub-district only.
        var nearList = await OkAsync<CompoundSummaryDto[]>("/api/compounds", near);
        Assert.Contains(nearList, c => c.CompoundId == ParkingHost.Compound);
        Assert.DoesNotContain(nearList, c => c.CompoundId == FarCompound);
        var farList = await OkAsync<CompoundSummaryDto[]>("/api/compounds", far);
        Assert.Equal([FarCompound], farList.Select(c => c.CompoundId));

        // Each may enter their own compounds' routes, and is refused in the other sub-district's.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"/api/compounds/{FarCompound}/lots/G1/occupancy", far));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync($"/api/compounds/{FarCompound}/lots/G1/occupancy", near));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync($"/api/compounds/{FarCompound}/audit", near));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync($"/api/compounds/{ParkingHost.Compound}/lots/G1/occupancy", far));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"/api/compounds/{ParkingHost.Compound}/lots/G1/occupancy", near));

        // No token for the other sub-district's compound, and a token that says only who they are gets no further.
        using (var refused = await DevTokenAsync(FarCompound, Operator))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var subOnly = await TokenAsync(ParkingHost.Compound, Operator, newcomer: true);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync($"/api/compounds/{FarCompound}/lots/G1/occupancy", subOnly));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"/api/compounds/{ParkingHost.Compound}/lots/G1/occupancy", subOnly));

        // Nor may they import into it: a re-import of its compound, or a new compound naming that sub-district.
        var versionBefore = (await _host.Grains.GetGrain<ICompoundDirectoryGrain>(0).List()).Single(c => c.CompoundId == FarCompound).LayoutVersion;
        using (var reimport = await ImportAsync(InSubDistrict(FarCompound, "caojiadu", []), Operator))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reimport.StatusCode);
        }

        using (var elsewhere = await ImportAsync(InSubDistrict("far-new", "putuo", []), Operator))
        {
            Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
            Assert.Contains("compound.subDistrict", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var after = await _host.Grains.GetGrain<ICompoundDirectoryGrain>(0).List();
        Assert.Equal(versionBefore, after.Single(c => c.CompoundId == FarCompound).LayoutVersion);
        Assert.DoesNotContain(after, c => c.CompoundId == "far-new");

        // The dashboard follows the same scope.
        var farBoard = await OkAsync<CompoundDashboardDto[]>("/api/dashboard", far);
        Assert.Equal([FarCompound], farBoard.Select(c => c.CompoundId));
    }

    [Fact]
    public async Task The_dashboard_shows_each_compound_with_spaces_chargers_feed_and_alarms_and_is_for_operators_only()
    {
        var start = _host.Now.AddMinutes(-5);
        var booked = await _host.ReserveOkAsync("r00007", "T1-003", _host.Now.AddHours(1), _host.Now.AddHours(3));
        Assert.NotNull(booked);

        var board = await _host.GetOkAsync<CompoundDashboardDto[]>("/api/dashboard", Operator);
        var demo = Assert.Single(board, c => c.CompoundId == ParkingHost.Compound);
        var layout = (await _host.Grains.GetGrain<ICompoundDirectoryGrain>(0).List()).Single(c => c.CompoundId == ParkingHost.Compound);
        Assert.Equal(layout.Spaces, demo.Spaces);
        Assert.Equal(demo.Spaces, demo.SpacesFree + demo.SpacesReserved + demo.SpacesOccupied + demo.SpacesOutOfService);
        var areas = await _host.GetOkAsync<ChargingAreaDto[]>(ParkingHost.CompoundPath("charging/areas"), "staff01");
        Assert.Equal(areas.Sum(a => a.Chargers), demo.Chargers);
        Assert.True(demo.Chargers > 0);
        Assert.Equal(areas.Sum(a => a.SiteCapacityKw), demo.FeedKw, 3);
        Assert.Equal(demo.ChargersFaulted + demo.SheltersInAlarm, demo.OpenAlarms);
        Assert.True(demo.Shelters > 0);
        Assert.True(demo.AsOf >= start);

        using var resident = await _host.GetAsync("/api/dashboard", "r00001");
        Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        using var staff = await _host.GetAsync("/api/dashboard", "staff01");
        Assert.Equal(HttpStatusCode.Forbidden, staff.StatusCode);
    }

    [Fact]
    public async Task The_drill_down_shows_lots_power_against_feed_faulted_chargers_and_no_shows_and_follows_the_scope()
    {
        var path = ParkingHost.CompoundPath("dashboard");
        var before = await _host.GetOkAsync<CompoundDrillDownDto>(path, Operator);

        // A booking nobody comes to: past the grace period it is a no-show.
        var start = _host.Now.AddMinutes(5);
        var noShow = await _host.ReserveOkAsync("r00016", "T1-011", start, start.AddHours(1));
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal("noShow", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{noShow.Id}"), "r00016")).Status.WireName());

        // One charger draws 7.2 kW, another faults (as their charge points would report it).
        var area = (await _host.Grains.Compound(ParkingHost.Compound).GetChargingAreas()).First(a => a.Chargers.Count >= 2);
        var (drawing, faulty) = (area.Chargers[0].ChargerId, area.Chargers[1].ChargerId);
        Assert.NotNull(await ReportAsync(drawing, ChargerStatus.Charging, 7.2));
        Assert.NotNull(await ReportAsync(faulty, ChargerStatus.Faulted, 0));

        var detail = await _host.GetOkAsync<CompoundDrillDownDto>(path, Operator);
        var row = Assert.Single(await _host.GetOkAsync<CompoundDashboardDto[]>("/api/dashboard", Operator), c => c.CompoundId == ParkingHost.Compound);

        // Lots add up to the compound's row, and the row is the same on the table and in the drill-down.
        Assert.Equal(detail.Summary.Spaces, detail.Lots.Sum(l => l.Spaces));
        Assert.Equal(detail.Summary.SpacesFree, detail.Lots.Sum(l => l.Free));
        Assert.Equal(row.Spaces, detail.Summary.Spaces);
        Assert.Contains(detail.Lots, l => l.LotId == "T1");

        // Power now against the feed, per area and in total.
        var shown = Assert.Single(detail.Areas, a => a.AreaId == area.AreaId);
        var shownBefore = before.Areas.Single(a => a.AreaId == area.AreaId);
        Assert.Equal(shownBefore.ChargingKw + 7.2, shown.ChargingKw, 3);
        Assert.Equal(area.SiteCapacityKw, shown.FeedKw, 3);
        Assert.Contains(faulty, shown.FaultedChargers);
        Assert.DoesNotContain(faulty, shownBefore.FaultedChargers);
        Assert.Equal(detail.Areas.Sum(a => a.ChargingKw), detail.Summary.ChargingKw, 3);
        Assert.Equal(detail.Summary.ChargingKw, row.ChargingKw, 3);
        Assert.Equal(before.Summary.OpenAlarms + 1, detail.Summary.OpenAlarms);

        // The no-show of the last 24 hours, counted on the row.
        var item = Assert.Single(detail.NoShows, n => n.Id == noShow.Id);
        Assert.Equal(("reservation", "r00016", "T1-011"), (item.Kind.WireName(), item.ResidentId, item.SpaceId));
        Assert.Equal(detail.NoShows.Count, detail.Summary.NoShows24h);
        Assert.Equal(detail.NoShows.Count, row.NoShows24h);
        Assert.Equal(detail.Proposals.Count, row.PendingProposals);

        // Staff of the compound may open their own; a resident may not; another sub-district's operator may not.
        Assert.Equal(detail.Summary.Spaces, (await _host.GetOkAsync<CompoundDrillDownDto>(path, "staff01")).Summary.Spaces);
        using var resident = await _host.GetAsync(path, "r00001");
        Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        await ImportFarCompoundAsync();
        var far = await TokenAsync(FarCompound, FarOperator);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(path, far));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"/api/compounds/{FarCompound}/dashboard", far));

        Assert.NotNull(await ReportAsync(faulty, ChargerStatus.Available, 0));
        Assert.NotNull(await ReportAsync(drawing, ChargerStatus.Available, 0));
    }

    /// <summary>A status report as the charger's charge point sends it, at the meter reading it has now.</summary>
    private async Task<Parking.Grains.Charging.ChargerView?> ReportAsync(string chargerId, ChargerStatus status, double powerKw)
    {
        var charger = _host.Grains.Charger(ParkingHost.Compound, chargerId);
        var meter = (await charger.Get()).Value!.Charger.EnergyMeterKwh;
        return (await charger.Report(new ChargerReport(status, powerKw, meter))).Value;
    }

    [Fact]
    public async Task A_multipart_upload_carries_the_csv_files_the_compound_file_names()
    {
        var full = InSubDistrict("csv-gardens", "caojiadu", []);
        var file = full with { Households = [], HouseholdsCsv = "households.csv", Spaces = [], SpacesCsv = "spaces.csv" };
        var households = CompoundFileReader.WriteHouseholdsCsv(full.Households);
        var spaces = CompoundFileReader.WriteSpacesCsv(full.Spaces);

        using var ok = await UploadAsync(file, ("households.csv", households), ("spaces.csv", spaces));
        await ParkingHost.Expect(ok, HttpStatusCode.OK);
        var report = (await ok.Content.ReadFromJsonAsync<ImportReportDto>(ParkingHost.Json))!;
        Assert.True(report is { NewCompound: true, Households: 60, Spaces: 40 });

        // A missing CSV part and a bad CSV line are named with their place; nothing is imported.
        var badSpaces = spaces.Replace(",standard,", ",parking-ish,", StringComparison.Ordinal);
        using var bad = await UploadAsync(file, ("spaces.csv", badSpaces));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        using var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        var problems = problem.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Contains("householdsCsv: no file 'households.csv' beside the compound file", problems);
        Assert.Contains(problems, p => p.StartsWith("spaces.csv line ", StringComparison.Ordinal));
        Assert.DoesNotContain(await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", Operator), c => c.CompoundId == "csv-gardens");
    }

    private async Task<HttpResponseMessage> UploadAsync(CompoundFile file, params (string Name, string Text)[] csvs)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(CompoundFileReader.Write(file), Encoding.UTF8, "application/json"), "file", "compound.json");
        foreach (var (name, text) in csvs)
        {
            var part = new StringContent(text, Encoding.UTF8);
            part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(part, "csv", name);
        }

        return await _host.SendAsync(HttpMethod.Post, "/api/compounds/import?dryRun=true", Operator, form);
    }
}
