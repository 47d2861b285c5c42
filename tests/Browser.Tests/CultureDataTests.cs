using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// The web app ships only part of ICU's culture data (the CJK shard, to keep the first load small). In the
/// browser's own .NET runtime, zh-CN and en must still format dates in their own way (as with the full data: checked
/// by hand, both give "2026/12/4 上午3:00 – 上午5:00"), also when the browser's own language is neither (the shard
/// is not picked from it) and its zone is not the compound's.
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

        // The form's own window (the next quarter hour, two hours), in the compound's local time, once the page set it.
        await Expect(driver.Page.Locator("#start")).ToHaveValueAsync(new Regex("^2\\d{3}-"));
        var start = Local(await driver.Page.Locator("#start").InputValueAsync());
        await driver.Page.Locator("#search").ClickAsync();
        var first = driver.Page.Locator(".space-row").First;
        var spaceId = await first.GetAttributeAsync("data-space");
        await first.Locator("button.reserve").ClickAsync();

        // zh-CN: the date year first, the hour with 上午/下午; en: month first, AM/PM. Without zh data in the shard the
        // runtime would fall back to root or invariant formats; the exact pattern is the runtime's ICU version's.
        var when = driver.Page.Locator($".reservation:has-text('{spaceId}') .when");
        await Expect(when).ToHaveTextAsync(new Regex($"^{Regex.Escape(start.ToString("yyyy/M/d", CultureInfo.InvariantCulture))} (上午|下午){Regex.Escape(start.ToString("h:mm", CultureInfo.InvariantCulture))} – "));

        await driver.Page.Locator("button.lang-btn[lang='en']").ClickAsync();
        await Expect(driver.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(driver.Page.Locator($".reservation:has-text('{spaceId}') .when")).ToHaveTextAsync(
            new Regex($"^{Regex.Escape(start.ToString("M/d/yyyy h:mm", CultureInfo.InvariantCulture))}\\s(AM|PM) – "));
        driver.AssertNoErrors();
    }

    private static DateTimeOffset Local(string formValue) =>
        new(DateTime.ParseExact(formValue, "yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), Compound);
}

