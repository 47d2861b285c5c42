using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>The committee forks today's layout, simulates it and today for one day, sees the runs finish live and compares them.</summary>
[Collection(WebAppCollection.Name)]
public sealed class CommitteeTests(WebAppFixture app)
{
    [Fact]
    public async Task The_committee_forks_a_scenario_runs_it_and_today_and_compares_the_runs()
    {
        await using var committee = await PageSession.OpenAsync(app, 360, 740);
        await committee.SignInAsync("committee", "committee01");
        await committee.Page.Locator("#new-scenario-name").FillAsync("Browser scenario");
        await committee.Page.Locator("#fork").ClickAsync();
        await Expect(committee.Page.Locator("#scenario-name")).ToHaveValueAsync("Browser scenario");

        // One day each (the default); the list hears each run's progress and end over the hub, without a reload.
        await committee.Page.Locator("#run-scenario").ClickAsync();
        await Expect(committee.Page.Locator("li[data-run]")).ToHaveCountAsync(1);
        await committee.Page.Locator("#run-live").ClickAsync();
        await Expect(committee.Page.Locator("li[data-run]")).ToHaveCountAsync(2);
        var finished = new LocatorAssertionsToHaveCountOptions { Timeout = 60_000 };
        await Expect(committee.Page.Locator("li[data-run][data-status='completed']")).ToHaveCountAsync(2, finished);
        await Expect(committee.Page.Locator("li[data-run] progress")).ToHaveCountAsync(0);

        await committee.Page.Locator("li[data-run] input[type=checkbox]").Nth(0).CheckAsync();
        await committee.Page.Locator("li[data-run] input[type=checkbox]").Nth(1).CheckAsync();
        await committee.Page.Locator("#compare").ClickAsync();

        await committee.WaitForLocationAsync(@"/committee/compare\?runs=.", "Comparing two runs");
        await Expect(committee.Page.Locator("table.comparison thead th")).ToHaveCountAsync(3);
        await Expect(committee.Page.Locator("path.series")).ToHaveCountAsync(2);
        await Expect(committee.Page.Locator("#csv")).ToHaveAttributeAsync("download", "simulation-comparison.csv");
        await committee.ScreenshotAsync("committee-compare");

        var (scrollWidth, clientWidth) = await committee.WidthsAsync();
        Assert.True(scrollWidth <= clientWidth, $"The comparison page is {scrollWidth} px wide in a {clientWidth} px viewport.");
        committee.AssertNoErrors();
    }
}
