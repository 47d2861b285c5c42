using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>The web app served by a real silo, in a real Chromium: the driver's and staff's flows, live updates, language, phone layout.</summary>
[Collection(WebAppCollection.Name)]
public sealed partial class WebAppTests(WebAppFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task A_driver_reserves_a_space_and_the_staff_map_shows_it_taken_without_a_reload()
    {
        await using var staff = await PageSession.OpenAsync(app);
        await using var driver = await PageSession.OpenAsync(app, 412, 915);
        await staff.SignInAsync("staff", "staff01");
        await driver.SignInAsync("resident", "r00001");

        await driver.Page.Locator("#search").ClickAsync();
        var first = driver.Page.Locator(".space-row").First;
        var spaceId = await first.GetAttributeAsync("data-space");
        var lotId = await first.GetAttributeAsync("data-lot");
        Assert.False(string.IsNullOrEmpty(spaceId));

        await staff.Page.Locator($"button[data-lot='{lotId}']").ClickAsync();
        var cell = staff.Page.Locator($"g[data-space='{spaceId}']");
        await Expect(cell).ToHaveAttributeAsync("data-state", "free");
        await staff.Page.EvaluateAsync("() => window.__sameDocument = 42");
        await staff.ScreenshotAsync("staff-before");

        var clock = Stopwatch.StartNew();
        await first.Locator("button.reserve").ClickAsync();
        await Expect(driver.Page.Locator($".reservation:has-text('{spaceId}')")).ToHaveAttributeAsync("data-status", "reserved");
        await Expect(cell).ToHaveAttributeAsync("data-state", TakenState());
        output.WriteLine($"The staff map showed {spaceId} taken {clock.ElapsedMilliseconds} ms after the driver clicked Reserve.");

        Assert.Equal(42, await staff.Page.EvaluateAsync<int>("() => window.__sameDocument"));
        await Expect(staff.Page.Locator(".recent li", new PageLocatorOptions { HasText = spaceId })).ToBeVisibleAsync();
        await staff.ScreenshotAsync("staff-after");
        await driver.ScreenshotAsync("driver-reserved");
        staff.AssertNoErrors();
        driver.AssertNoErrors();
    }

    [Fact]
    public async Task Check_in_and_check_out_reach_the_driver_and_the_staff_map_live()
    {
        await using var staff = await PageSession.OpenAsync(app);
        await using var driver = await PageSession.OpenAsync(app);
        await staff.SignInAsync("staff", "staff02");
        await driver.SignInAsync("resident", "r00004");

        // A window starting within the early check-in allowance, so the driver may check in at once; the form's times
        // are the compound's local time (UTC+8), whatever the zone of this machine or the browser.
        var start = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddMinutes(5);
        await driver.Page.Locator("#start").FillAsync(start.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await driver.Page.Locator("#end").FillAsync(start.AddHours(1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await driver.Page.Locator("#search").ClickAsync();
        var first = driver.Page.Locator(".space-row").First;
        var spaceId = await first.GetAttributeAsync("data-space");
        await staff.Page.Locator($"button[data-lot='{await first.GetAttributeAsync("data-lot")}']").ClickAsync();
        var cell = staff.Page.Locator($"g[data-space='{spaceId}']");
        await Expect(cell).ToHaveAttributeAsync("data-state", "free");

        await first.Locator("button.reserve").ClickAsync();
        var reservation = driver.Page.Locator($".reservation:has-text('{spaceId}')");
        await Expect(reservation).ToHaveAttributeAsync("data-status", "reserved");
        await Expect(cell).ToHaveAttributeAsync("data-state", TakenState());

        await reservation.Locator("button").First.ClickAsync();
        await Expect(reservation).ToHaveAttributeAsync("data-status", "checkedIn");
        await Expect(cell).ToHaveAttributeAsync("data-state", "occupied");
        await staff.ScreenshotAsync("staff-occupied");

        await reservation.Locator("button").First.ClickAsync();
        await Expect(reservation).ToHaveAttributeAsync("data-status", "completed");
        await Expect(cell).ToHaveAttributeAsync("data-state", "free");
        staff.AssertNoErrors();
        driver.AssertNoErrors();
    }

    [Fact]
    public async Task The_language_switch_changes_the_text_and_is_remembered()
    {
        await using var session = await PageSession.OpenAsync(app);
        await session.Page.GotoAsync("/");
        var heading = session.Page.Locator("h1");
        await Expect(heading).ToHaveTextAsync("登录");
        Assert.Equal("zh-CN", await session.Page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await session.ScreenshotAsync("sign-in-zh");

        await session.Page.Locator("button.lang-btn[lang='en']").ClickAsync();
        await Expect(heading).ToHaveTextAsync("Sign in");
        Assert.Equal("en", await session.Page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await session.ScreenshotAsync("sign-in-en");

        // Remembered: a new page of the same browser profile starts in English.
        var again = await session.Context.NewPageAsync();
        await again.GotoAsync("/");
        await Expect(again.Locator("h1")).ToHaveTextAsync("Sign in");

        await session.Page.Locator("button.lang-btn[lang='zh-CN']").ClickAsync();
        await Expect(heading).ToHaveTextAsync("登录");
        session.AssertNoErrors();
    }

    [Fact]
    public async Task On_a_phone_the_drivers_flow_never_scrolls_sideways()
    {
        await using var phone = await PageSession.OpenAsync(app, 360, 740);
        await phone.SignInAsync("resident", "r00002");
        await AssertNoSidewaysScrollAsync(phone, "phone-driver");

        await phone.Page.Locator("#search").ClickAsync();
        await phone.Page.Locator(".space-row").First.WaitForAsync();
        await AssertNoSidewaysScrollAsync(phone, "phone-results");

        await phone.Page.Locator("#show-map").ClickAsync();
        var pick = phone.Page.Locator("g.space.pick").First;
        await pick.FocusAsync();
        await phone.Page.Keyboard.PressAsync("Enter");
        await phone.Page.Locator("#reserve-picked").ClickAsync();
        await Expect(phone.Page.Locator(".reservation[data-status='reserved']")).ToHaveCountAsync(1);
        await AssertNoSidewaysScrollAsync(phone, "phone-reserved");
        phone.AssertNoErrors();
    }

    [Fact]
    public async Task The_committee_page_opens_on_the_scenarios_in_english()
    {
        await using var session = await PageSession.OpenAsync(app);
        await session.Page.GotoAsync("/");
        await session.Page.Locator("button.lang-btn[lang='en']").ClickAsync();
        await Expect(session.Page.Locator("h1")).ToHaveTextAsync("Sign in");
        await session.SignInAsync("committee", "committee01");
        await Expect(session.Page.Locator("h1")).ToHaveTextAsync("Owners' committee");
        await Expect(session.Page.Locator("#fork")).ToBeVisibleAsync();
        await session.ScreenshotAsync("committee");
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Unknown_api_routes_stay_problems_and_client_routes_get_the_app()
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var api = await http.GetAsync(new Uri("/api/no-such-thing", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        using var route = await http.GetAsync(new Uri("/staff", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, route.StatusCode);
        Assert.Contains("blazor.webassembly", await route.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task AssertNoSidewaysScrollAsync(PageSession session, string screenshot)
    {
        await session.ScreenshotAsync(screenshot);
        var (scrollWidth, clientWidth) = await session.WidthsAsync();
        output.WriteLine($"{screenshot}: scrollWidth {scrollWidth}, clientWidth {clientWidth}");
        Assert.True(scrollWidth <= clientWidth, $"{screenshot}: the page is {scrollWidth} px wide in a {clientWidth} px viewport.");
    }

    [GeneratedRegex("^(booked|reserved)$")]
    private static partial Regex TakenState();
}
