using System.Diagnostics;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>A screenshot of every page, in Chinese, for people to look at (TestResults/screenshots/page-*.png).</summary>
[Collection(WebAppCollection.Name)]
public sealed class ScreenshotTests(WebAppFixture app)
{
    [Fact]
    public async Task Every_page_is_screenshot_in_chinese_with_a_cjk_font_installed()
    {
        // Without a CJK font Chromium draws every Chinese character as a box (.ci/run installs fonts-noto-cjk).
        Assert.NotEmpty(await CjkFontsAsync());

        await using var resident = await PageSession.OpenAsync(app, 360, 740);
        await resident.SignInAsync("resident", "r00034");
        foreach (var page in new[] { "driver", "charging", "share", "shelters" })
        {
            await ShootAsync(resident, page);
        }

        await using var staff = await PageSession.OpenAsync(app);
        await staff.SignInAsync("staff", "staff02");
        foreach (var page in new[] { "staff", "staff/charging" })
        {
            await ShootAsync(staff, page);
        }

        await using var committee = await PageSession.OpenAsync(app);
        await committee.SignInAsync("committee", "committee02");
        await ShootAsync(committee, "committee");

        resident.AssertNoErrors();
        staff.AssertNoErrors();
        committee.AssertNoErrors();
    }

    private static async Task ShootAsync(PageSession session, string page)
    {
        await session.Page.GotoAsync(page);
        await Expect(session.Page.Locator("h1")).ToBeVisibleAsync();
        await Expect(session.Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await session.Page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
        await session.ScreenshotAsync("page-" + page.Replace('/', '-'));
    }

    private static async Task<string> CjkFontsAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("fc-list", [":lang=zh", "family"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var fonts = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return fonts.Trim();
    }
}
