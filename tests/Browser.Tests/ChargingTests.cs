using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>A driver asks for a charging turn in the web app and hears about it live.</summary>
[Collection(WebAppCollection.Name)]
public sealed class ChargingTests(WebAppFixture app)
{
    [Fact]
    public async Task A_driver_asks_for_a_turn_and_a_charging_notice_reaches_the_page()
    {
        await using var driver = await PageSession.OpenAsync(app, 360, 740);
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

        var (scrollWidth, clientWidth) = await driver.WidthsAsync();
        Assert.True(scrollWidth <= clientWidth, $"The charging page is {scrollWidth} px wide in a {clientWidth} px viewport.");
        driver.AssertNoErrors();
    }
}
