using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// The web app ships only part of ICU's culture data (the CJK shard, to keep the first load small). In the
/// browser's own .NET runtime, zh-CN and en must still format dates as .NET does with full data, also when the
/// browser's own language is neither (the shard is not picked from it) and its zone is not the compound's.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class CultureDataTests(WebAppFixture app)
{
    private static readonly TimeSpan Compound = TimeSpan.FromHours(8);

    [Fact]
    public async Task An_english_browser_in_another_zone_shows_the_booking_in_chinese_and_then_english_formats()
    {
        await using var driver = await PageSession.OpenAsync(app, locale: "en-US", timezone: "America/New_York");
        await driver.SignInAsync("resident", "r00041"); // the app starts in Chinese, whatever the browser's language
        await Expect(driver.Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");

        // Tomorrow 14:15-16:45 in the compound: same local day, so "g – t".
        var tomorrow = DateTimeOffset.UtcNow.ToOffset(Compound).Date.AddDays(1);
        var start = new DateTimeOffset(tomorrow.AddHours(14).AddMinutes(15), Compound);
        var end = start.AddMinutes(150);
        await driver.Page.Locator("#start").FillAsync(start.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await driver.Page.Locator("#end").FillAsync(end.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await driver.Page.Locator("#search").ClickAsync();
        var first = driver.Page.Locator(".space-row").First;
        var spaceId = await first.GetAttributeAsync("data-space");
        await first.Locator("button.reserve").ClickAsync();

        var when = driver.Page.Locator($".reservation:has-text('{spaceId}') .when");
        var chinese = Window(start, end, "zh-CN");
        Assert.Contains("/", chinese, StringComparison.Ordinal); // 2026/12/4 14:15, not the invariant 12/04/2026
        await Expect(when).ToHaveTextAsync(chinese);

        await driver.Page.Locator("button.lang-btn[lang='en']").ClickAsync();
        await Expect(driver.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        var english = Window(start, end, "en");
        Assert.Contains("PM", english, StringComparison.Ordinal);
        await Expect(driver.Page.Locator($".reservation:has-text('{spaceId}') .when")).ToHaveTextAsync(english);
        driver.AssertNoErrors();
    }

    /// <summary>What the app shows for a window on one local day (LocalDisplay.Window), with the test host's full ICU data.</summary>
    private static string Window(DateTimeOffset start, DateTimeOffset end, string culture)
    {
        var info = CultureInfo.GetCultureInfo(culture);
        return Spaces($"{start.ToString("g", info)} – {end.ToString("t", info)}");
    }

    // ICU versions differ in which space they put before AM/PM (narrow no-break or plain); the page is compared as shown.
    private static string Spaces(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');
}
