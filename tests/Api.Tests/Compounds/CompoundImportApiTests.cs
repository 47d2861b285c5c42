using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>A host of its own: these tests import compounds and change the demo compound's layout.</summary>
public sealed class ImportHostFixture : OwnHostFixture;

public sealed partial class CompoundImportApiTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private const string Operator = "operator01";
    private readonly ParkingHost _host = fixture.Host;

    private static StringContent Body(CompoundFile file) => new(CompoundFileReader.Write(file), Encoding.UTF8, "application/json");

    /// <summary>The small demo under another id: a second compound beside the first.</summary>
    private static CompoundFile Other(string id) =>
        DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small) with { Compound = new CompoundEntry(id, "Other Gardens") { SubDistrict = "caojiadu" } };

    private async Task<HttpResponseMessage> Import(CompoundFile file, bool dryRun, int? expectedVersion = null, string user = Operator)
    {
        var query = $"/api/compounds/import?dryRun={(dryRun ? "true" : "false")}" + (expectedVersion is { } v ? $"&expectedVersion={v}" : string.Empty);
        return await _host.SendAsync(HttpMethod.Post, query, user, Body(file));
    }

    private async Task<ImportReportDto> ImportOk(CompoundFile file, bool dryRun, int? expectedVersion = null)
    {
        using var response = await Import(file, dryRun, expectedVersion);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<ImportReportDto>(ParkingHost.Json))!;
    }

    [Fact]
    public async Task An_operator_previews_then_imports_a_new_compound_and_it_is_listed_beside_the_demo()
    {
        var file = Other("import-new");

        var preview = await ImportOk(file, dryRun: true);
        Assert.True(preview is { DryRun: true, Applied: false, NewCompound: true, LiveVersion: 0, Spaces: 40 });
        Assert.Equal(40, preview.SpacesAdded.Length);
        Assert.DoesNotContain((await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", Operator)), c => c.CompoundId == "import-new");

        var applied = await ImportOk(file, dryRun: false, expectedVersion: 0);
        Assert.True(applied is { Applied: true, LayoutVersion: 1 });

        var all = await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", Operator);
        Assert.Contains(all, c => c.CompoundId == ParkingHost.Compound);
        Assert.Contains(all, c => c is { CompoundId: "import-new", Spaces: 40, Households: 60, SubDistrictId: "caojiadu" });

        // Staff and residents see only their own compound.
        var mine = await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", "staff01");
        Assert.Equal([ParkingHost.Compound], mine.Select(c => c.CompoundId));
    }

    [Fact]
    public async Task A_file_with_problems_gets_every_problem_with_its_place_and_changes_nothing()
    {
        var file = Other("import-bad");
        file = file with
        {
            Spaces = [.. file.Spaces.Select((s, i) => i == 12 ? s with { LotId = "G9" } : s)],
            Households = [.. file.Households.Select((h, i) => i == 3 ? h with { AreaM2 = -1 } : h)],
        };

        using var response = await Import(file, dryRun: false);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var problems = problem.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("spaces[12].lotId: no lot 'G9'", problems);
        Assert.Contains("households[3].areaM2: area must be positive", problems);
        Assert.Equal("compound-file-invalid", problem.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain((await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", Operator)), c => c.CompoundId == "import-bad");
    }

    [Fact]
    public async Task Residents_may_not_import_and_staff_only_their_own_compound()
    {
        using var resident = await Import(Other("import-x"), dryRun: true, user: "r00001");
        Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        using var staff = await Import(Other("import-x"), dryRun: true, user: "staff01");
        Assert.Equal(HttpStatusCode.Forbidden, staff.StatusCode);
    }

    [Fact]
    public async Task A_reimport_that_removes_a_booked_space_moves_the_booking_and_two_applies_cannot_both_win()
    {
        var start = _host.Now.AddHours(8);
        var booked = await _host.ReserveOkAsync("r00021", "T1-010", start, start.AddHours(2));
        await using var driver = await _host.ConnectHubAsync("r00021");

        var live = DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small);
        var changed = live with
        {
            Spaces =
            [
                .. live.Spaces
                    .Where(s => s.Id != "T1-010")
                    .Select(s => s.Id == "T1-004" ? s with { Kind = "accessible" } : s),
            ],
        };

        var preview = await ImportOk(changed, dryRun: true);
        Assert.Equal(["T1-010"], preview.SpacesRemoved);
        Assert.Equal("T1-004", Assert.Single(preview.SpacesRetyped).SpaceId);
        Assert.Equal(("standard", "accessible"), (preview.SpacesRetyped[0].KindBefore?.WireName(), preview.SpacesRetyped[0].KindAfter?.WireName()));
        var effect = Assert.Single(preview.Bookings, b => b.SpaceId == "T1-010");
        Assert.Equal(1, effect.ActiveBookings);
        Assert.Empty(preview.SpacesAdded);

        // Two applies of the same preview at once: exactly one wins. The other is refused by the compound's import slot
        // while the first runs (import-running), or told the layout changed if it comes after the first has ended.
        var first = Import(changed, dryRun: false, preview.LiveVersion);
        var second = Import(changed, dryRun: false, preview.LiveVersion);
        using var a = await first;
        using var b = await second;
        var statuses = new[] { a.StatusCode, b.StatusCode }.Order().ToArray();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses);
        var loser = a.StatusCode == HttpStatusCode.Conflict ? a : b;
        var refusal = await loser.Content.ReadAsStringAsync();
        Assert.True(refusal.Contains("import-running", StringComparison.Ordinal) || refusal.Contains("layout-changed", StringComparison.Ordinal), refusal);

        var notice = await driver.WaitForDriverNoticeAsync(n => n.Broken.Id == booked.Id, "the removed space's booking notice");
        Assert.NotNull(notice.Replacement);
        Assert.NotEqual("T1-010", notice.Replacement.SpaceId);
        Assert.Equal("cancelled", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{booked.Id}"), "r00021")).Status.WireName());
        Assert.Equal("accessible", (await _host.SpaceAsync("T1-004")).Kind.WireName());
        Assert.DoesNotContain((await _host.OccupancyAsync("T1")).Spaces, s => s.SpaceId == "T1-010");
    }

    /// <summary>A token as an outside issuer would sign it: who the person is, and nothing about their rights.</summary>
    private static string SubOnlyToken(string subject) => PersonTokens.SubOnly(subject);

    [Fact]
    public async Task A_token_with_only_sub_gets_exactly_the_rights_stored_for_that_person_in_each_compound()
    {
        // The demo's resident r00005 is also a resident of this copy: one person, two compounds.
        await ImportOk(Other("import-two"), dryRun: false, expectedVersion: 0);
        var resident = SubOnlyToken("r00005");

        async Task<HttpStatusCode> Status(string path, string token)
        {
            using var response = await _host.SendAsync(HttpMethod.Get, path, userId: null, bearerToken: token);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Status("/api/compounds/demo-small/reservations/mine", resident));
        Assert.Equal(HttpStatusCode.OK, await Status("/api/compounds/import-two/reservations/mine", resident));
        Assert.Equal(HttpStatusCode.Forbidden, await Status("/api/compounds/demo-small/spaces/T1-001/admin", resident));
        Assert.Equal(HttpStatusCode.Forbidden, await Status("/api/compounds/import-nowhere/reservations/mine", resident));
        Assert.Equal(HttpStatusCode.OK, await Status("/api/compounds/demo-small/spaces/T1-001/admin", SubOnlyToken("staff01")));
        Assert.Equal(HttpStatusCode.Forbidden, await Status("/api/compounds/demo-small/reservations/mine", SubOnlyToken("somebody-unknown")));
    }
}
