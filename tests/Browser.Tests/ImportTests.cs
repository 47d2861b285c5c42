using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// The sub-district operator imports a small compound from its files (JSON, households and spaces as CSV) in the
/// web app: a file with a problem is refused with the problem's place; a good one is previewed and applied, and the
/// lot is drawn from its geometry. A changed file is previewed as a diff (spaces added, removed, retyped; a charger
/// changed) and applied as an import job, and the map is redrawn from the new outline and spaces. (The job's running
/// state and Cancel are checked in Web.Tests: a small file applies faster than a browser can see it run.)
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ImportTests(WebAppFixture app)
{
    private const string Households = "id,buildingId,unit,areaM2,owners\nH001,B01,B01-101,88.5,\nH002,B01,B01-102,92,\n";

    private const string SpacesBefore =
        "id,lotId,label,kind,ownership,ownerHouseholdId,x,y,heading\n" +
        "G1-001,G1,,standard,common,,3,5,0\n" +
        "G1-002,G1,,standard,common,,9,5,0\n" +
        "G1-003,G1,,standard,private,H001,15,5,0\n" +
        "G1-004,G1,,ev,common,,21,5,0\n";

    private const string SpacesAfter =
        "id,lotId,label,kind,ownership,ownerHouseholdId,x,y,heading\n" +
        "G1-001,G1,,standard,common,,3,5,0\n" +
        "G1-003,G1,,accessible,private,H001,15,5,0\n" +
        "G1-004,G1,,ev,common,,21,5,0\n" +
        "G1-005,G1,,standard,common,,33,5,0\n";

    private static string CompoundJson(int width, double chargerKw, string lotId = "G1") => $$"""
        {
          "version": 1,
          "compound": { "id": "browser-gardens", "name": "浏览器花园", "utcOffset": "+08:00", "subDistrict": "caojiadu" },
          "frame": "local",
          "buildings": [ { "id": "B01", "name": "1号楼", "position": [10, 30] } ],
          "householdsCsv": "households.csv",
          "lots": [ { "id": "G1", "name": "地面停车场", "kind": "surface", "outline": [[0, 0], [{{width}}, 0], [{{width}}, 10], [0, 10]], "entrances": [[0, 5]] } ],
          "spacesCsv": "spaces.csv",
          "chargingAreas": [ { "id": "CA-G1", "name": "充电区", "lotId": "{{lotId}}", "feedKw": 22,
            "chargers": [ { "id": "C-G1-004", "maxKw": {{chargerKw}}, "phase": "three", "spaceIds": ["G1-004"] } ] } ]
        }
        """;

    private static FilePayload File(string name, string text) => new()
    {
        Name = name,
        MimeType = name.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/csv",
        Buffer = Encoding.UTF8.GetBytes(text),
    };

    [Fact]
    public async Task The_operator_imports_previews_a_change_applies_it_and_the_map_is_redrawn()
    {
        await using var op = await PageSession.OpenAsync(app);
        await op.SignInAsync("operator", "operator01");
        await op.Page.GotoAsync("operator/import");
        var files = op.Page.Locator("#import-files");

        // A file with a problem: every problem with its place, and nothing applied.
        await files.SetInputFilesAsync([File("compound.json", CompoundJson(30, 7, lotId: "G9")), File("households.csv", Households), File("spaces.csv", SpacesBefore)]);
        await op.Page.Locator("#import-check").ClickAsync();
        await Expect(op.Page.Locator("ol.import-problems")).ToContainTextAsync("chargingAreas[0].lotId: no lot 'G9'");
        await Expect(op.Page.Locator("#import-apply")).ToBeDisabledAsync();

        // The first import: a new compound, previewed, applied, and its lot drawn as it lies.
        await files.SetInputFilesAsync([File("compound.json", CompoundJson(30, 7)), File("households.csv", Households), File("spaces.csv", SpacesBefore)]);
        await Expect(op.Page.Locator("ul.import-files li")).ToHaveCountAsync(3);
        await op.Page.Locator("#import-check").ClickAsync();
        await Expect(op.Page.Locator(".import-report[data-dry-run='true'] .import-summary")).ToContainTextAsync("新小区");
        await op.Page.Locator("#import-apply").ClickAsync();
        await Expect(op.Page.Locator("#import-message")).ToHaveAttributeAsync("data-job", "applied");
        await Expect(op.Page.Locator("#import-message")).ToContainTextAsync("browser-gardens");
        var firstApplied = await op.Page.Locator("#import-message").TextContentAsync();
        var map = op.Page.Locator(".live-lot[data-lot='G1'] svg[data-drawn='geometry']");
        await Expect(map.Locator("g.space")).ToHaveCountAsync(4);
        var outlineBefore = await map.Locator("polygon.lot-outline").GetAttributeAsync("points");

        // A changed file: the preview names what changes, before anything does.
        await files.SetInputFilesAsync([File("compound.json", CompoundJson(40, 11)), File("households.csv", Households), File("spaces.csv", SpacesAfter)]);
        await op.Page.Locator("#import-check").ClickAsync();
        var report = op.Page.Locator(".import-report[data-dry-run='true']");
        await Expect(report.Locator("[data-diff='added']")).ToHaveTextAsync("G1-005");
        await Expect(report.Locator("[data-diff='removed']")).ToHaveTextAsync("G1-002");
        await Expect(report.Locator("[data-diff='retyped'] [data-space='G1-003']")).ToBeVisibleAsync();
        await Expect(report.Locator("[data-diff='chargers'] [data-charger='C-G1-004']")).ToHaveAttributeAsync("data-change", "changed");
        await Expect(map.Locator("g.space")).ToHaveCountAsync(4);
        Assert.Equal(outlineBefore, await map.Locator("polygon.lot-outline").GetAttributeAsync("points"));

        // Applied as a job (its progress polled until it ends): the map is redrawn from the new outline and spaces.
        await op.Page.Locator("#import-apply").ClickAsync();
        await Expect(op.Page.Locator("#import-message")).ToHaveAttributeAsync("data-job", "applied");
        await Expect(op.Page.Locator("#import-message")).ToContainTextAsync("已应用");
        await Expect(op.Page.Locator("#import-job")).ToHaveCountAsync(0);
        await Expect(op.Page.Locator("#import-message")).Not.ToHaveTextAsync(firstApplied!);
        await Expect(map.Locator("g.space[data-space='G1-005']")).ToHaveCountAsync(1);
        await Expect(map.Locator("g.space[data-space='G1-002']")).ToHaveCountAsync(0);
        await Expect(map.Locator("g.space")).ToHaveCountAsync(4);
        Assert.NotEqual(outlineBefore, await map.Locator("polygon.lot-outline").GetAttributeAsync("points"));

        // The dashboard lists it beside the demo compound.
        await op.Page.GotoAsync("operator");
        await Expect(op.Page.Locator("table.dashboard tr[data-compound='browser-gardens'] [data-col='spaces']")).ToHaveTextAsync("4");
        await Expect(op.Page.Locator("table.dashboard tr[data-compound='browser-gardens'] [data-col='chargers']")).ToHaveTextAsync("1");
        await Expect(op.Page.Locator("table.dashboard tr[data-compound='browser-gardens'] [data-col='chargingKw']")).ToHaveTextAsync("0");
        await Expect(op.Page.Locator("table.dashboard tr[data-compound='browser-gardens'] [data-col='noShows']")).ToHaveTextAsync("0");
        await op.ScreenshotAsync("operator-dashboard");

        // Drill-down: the compound's lot, its charging area's power against the 22 kW feed, no no-shows, in Chinese.
        await op.Page.Locator("button[data-open='browser-gardens']").ClickAsync();
        var detail = op.Page.Locator("#dashboard-detail[data-compound='browser-gardens']");
        await Expect(detail.Locator("h2")).ToContainTextAsync("详情");
        await Expect(detail.Locator("table[data-part='lots'] tr[data-lot='G1'] th")).ToHaveTextAsync("地面停车场");
        await Expect(detail.Locator("table[data-part='lots'] tr[data-lot='G1'] td").First).ToHaveTextAsync("4");
        await Expect(detail.Locator("table[data-part='areas'] tr[data-area='CA-G1'] [data-col='power']")).ToHaveTextAsync("0 / 22");
        await Expect(detail.Locator("[data-part='no-shows-none']")).ToBeVisibleAsync();
        await op.ScreenshotAsync("operator-dashboard-detail");
        op.AssertNoErrors(e => e.Contains("422", StringComparison.Ordinal));
    }
}
