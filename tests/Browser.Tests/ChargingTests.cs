using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>A driver asks for a charging turn in the web app and hears about it live.</summary>
[Collection(WebAppCollection.Name)]
public sealed class ChargingTests(WebAppFixture app)
{
    [Fact]
    public async Task A_driver_asks_for_a_turn_and_a_charging_notice_reaches_the_page_and_the_staff_timeline()
    {
        await using var staff = await PageSession.OpenAsync(app);
        await using var driver = await PageSession.OpenAsync(app, 360, 740);
        await staff.SignInAsync("staff", "staff03");
        await staff.Page.GotoAsync("staff/charging");
        await Expect(staff.Page.Locator("g.charger[data-charger]").First).ToBeVisibleAsync();
        await staff.Page.EvaluateAsync("() => window.__sameDocument = 7");
        await driver.SignInAsync("resident", "r00011");
        await driver.Page.GotoAsync("charging");
        await Expect(driver.Page.Locator("#area option")).Not.ToHaveCountAsync(0);
        await driver.Page.Locator("#plate").FillAsync("沪A12345");
        await driver.Page.Locator("#energy").FillAsync("10");
        await driver.Page.Locator("#ask").ClickAsync();

        await Expect(driver.Page.Locator(".charging-request")).ToHaveCountAsync(1);
        var notice = driver.Page.Locator("li.notice[data-kind]").First;
        await Expect(notice).ToBeVisibleAsync();
        await driver.ScreenshotAsync("driver-charging");

        // The staff timeline hears of the request without a reload: a turn bar for it, or a line in the waiting list.
        var requestId = await driver.Page.Locator(".charging-request").First.GetAttributeAsync("data-request");
        await Expect(staff.Page.Locator($"rect.turn[data-request='{requestId}'], ul.waiting li:has-text('沪A12345')").First).ToBeAttachedAsync();
        Assert.Equal(7, await staff.Page.EvaluateAsync<int>("() => window.__sameDocument"));
        await staff.ScreenshotAsync("staff-charging");
        staff.AssertNoErrors();

        var (scrollWidth, clientWidth) = await driver.WidthsAsync();
        Assert.True(scrollWidth <= clientWidth, $"The charging page is {scrollWidth} px wide in a {clientWidth} px viewport.");
        driver.AssertNoErrors();
    }
}
