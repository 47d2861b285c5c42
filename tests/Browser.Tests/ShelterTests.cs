using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>A driver charges an e-bike at a shelter from the web app and hears, live, that an alarm cut it.</summary>
[Collection(WebAppCollection.Name)]
public sealed class ShelterTests(WebAppFixture app)
{
    [Fact]
    public async Task A_driver_starts_charging_on_a_free_port_and_sees_an_alarm_cut_it_live()
    {
        using var api = new ApiCalls(app.BaseAddress);
        await using var driver = await PageSession.OpenAsync(app, 360, 740);
        await driver.SignInAsync("resident", "r00021");
        await driver.Page.GotoAsync("shelters");

        var shelter = driver.Page.Locator("li.shelter[data-shelter='E01']");
        await Expect(shelter).ToBeVisibleAsync();
        var freeBefore = int.Parse((await shelter.GetAttributeAsync("data-free"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(freeBefore > 0, "The demo shelter E01 has no free port.");
        await shelter.Locator("button.choose").ClickAsync();
        var port = await driver.Page.Locator("#port").InputValueAsync();
        Assert.StartsWith("E01-P", port, StringComparison.Ordinal);
        await driver.Page.Locator("#bike").FillAsync("蓝色小电驴");
        await driver.Page.Locator("#start-charging").ClickAsync();

        var session = driver.Page.Locator($".shelter-session:has-text('{port}')");
        await Expect(session).ToHaveAttributeAsync("data-status", "charging");
        await Expect(session.Locator(".countdown")).ToBeVisibleAsync();
        await Expect(shelter).ToHaveAttributeAsync("data-free", (freeBefore - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await driver.ScreenshotAsync("driver-shelters");

        // The shelter's temperature detector reports 75 °C (through the API, as the hardware does).
        await api.SendAsync(HttpMethod.Post, "shelters/E01/alarm", "staff01", new { kind = "temperature", value = 75 });
        try
        {
            await Expect(driver.Page.Locator("li.notice.alarm[data-shelter='E01']")).ToBeVisibleAsync();
            await Expect(session).ToHaveAttributeAsync("data-status", "ended");
            await Expect(session).ToHaveAttributeAsync("data-reason", "alarm");
            await Expect(session.Locator(".hint.ended")).ToContainTextAsync("消防报警");
            await Expect(driver.Page.Locator("li.notice[data-reason='alarm']")).ToBeVisibleAsync();
            await driver.ScreenshotAsync("driver-shelter-alarm");

            var (scrollWidth, clientWidth) = await driver.WidthsAsync();
            Assert.True(scrollWidth <= clientWidth, $"The shelters page is {scrollWidth} px wide in a {clientWidth} px viewport.");
            driver.AssertNoErrors();
        }
        finally
        {
            await api.SendAsync(HttpMethod.Post, "shelters/E01/alarm/clear", "staff01");
        }
    }

    [Fact]
    public async Task A_driver_stops_a_session_from_the_keyboard()
    {
        await using var driver = await PageSession.OpenAsync(app);
        await driver.SignInAsync("resident", "r00022");
        await driver.Page.GotoAsync("shelters");
        await Expect(driver.Page.Locator("li.shelter[data-shelter='E01'] button.choose")).ToBeEnabledAsync();
        await driver.Page.Locator("li.shelter[data-shelter='E01'] button.choose").FocusAsync();
        await driver.Page.Keyboard.PressAsync("Enter");
        await driver.Page.Locator("#start-charging").FocusAsync();
        await driver.Page.Keyboard.PressAsync("Enter");
        var session = driver.Page.Locator(".shelter-session[data-status='charging']");
        await Expect(session).ToHaveCountAsync(1);

        // The start's refresh of the shelter list keeps the buttons disabled a moment longer.
        await Expect(session.Locator("button.stop")).ToBeEnabledAsync();
        await session.Locator("button.stop").FocusAsync();
        await driver.Page.Keyboard.PressAsync("Enter");
        await Expect(driver.Page.Locator(".shelter-session").First).ToHaveAttributeAsync("data-reason", "driver");
        await Expect(driver.Page.Locator(".status-line .ok")).ToBeVisibleAsync();
        driver.AssertNoErrors();
    }
}
