using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>The staff's own pages: a space blocked from the lot map's panel, a shelter alarm raised and cleared, no-shows and overstays.</summary>
[Collection(WebAppCollection.Name)]
public sealed class StaffPagesTests(WebAppFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task Staff_block_a_space_from_the_map_panel_and_a_drivers_search_no_longer_offers_it()
    {
        await using var staff = await PageSession.OpenAsync(app);
        await using var driver = await PageSession.OpenAsync(app, 412, 915);
        await staff.SignInAsync("staff", "staff03");
        await driver.SignInAsync("resident", "r00021");

        await driver.Page.Locator("#search").ClickAsync();
        var offered = driver.Page.Locator(".space-row").Last;
        var spaceId = await offered.GetAttributeAsync("data-space");
        var lotId = await offered.GetAttributeAsync("data-lot");
        Assert.False(string.IsNullOrEmpty(spaceId));

        await staff.Page.Locator($"button[data-lot='{lotId}']").ClickAsync();
        var cell = staff.Page.Locator($"g[data-space='{spaceId}']");
        await Expect(cell).ToHaveAttributeAsync("data-state", "free");
        await cell.ClickAsync();
        var panel = staff.Page.Locator($".space-panel[data-panel='{spaceId}']");
        await panel.Locator("[data-act=block]").ClickAsync();
        await Expect(panel.Locator("[data-act=unblock]")).ToBeVisibleAsync();
        await Expect(cell).ToHaveAttributeAsync("data-state", "outOfService");
        await Expect(staff.Page.Locator("[data-count=outOfService]")).Not.ToHaveTextAsync("0");
        await staff.ScreenshotAsync("staff-space-blocked");

        await driver.Page.Locator("#search").ClickAsync();
        await Expect(driver.Page.Locator(".space-row").First).ToBeVisibleAsync();
        await Expect(driver.Page.Locator($".space-row[data-space='{spaceId}']")).ToHaveCountAsync(0);

        // Reopen it (the silo is shared by every browser test) and the search offers it again.
        await panel.Locator("[data-act=unblock]").ClickAsync();
        await Expect(cell).ToHaveAttributeAsync("data-state", "free");
        await driver.Page.Locator("#search").ClickAsync();
        await Expect(driver.Page.Locator($".space-row[data-space='{spaceId}']")).ToHaveCountAsync(1);
        staff.AssertNoErrors();
        driver.AssertNoErrors();
    }

    [Fact]
    public async Task A_shelter_alarm_appears_without_a_reload_and_staff_clear_it()
    {
        await using var staff = await PageSession.OpenAsync(app);
        await staff.SignInAsync("staff", "staff02");
        await staff.Page.Locator("nav a[href='staff/shelters']").ClickAsync();
        var shelter = staff.Page.Locator("section[data-shelter='E01']");
        await Expect(shelter).ToBeVisibleAsync();
        await Expect(staff.Page.Locator("[data-alarms=none]")).ToBeVisibleAsync();
        await staff.Page.EvaluateAsync("() => window.__sameDocument = 7");

        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var reading = new HttpRequestMessage(HttpMethod.Post, "api/compounds/demo-small/shelters/E01/alarm")
        {
            Content = JsonContent.Create(new { kind = "temperature", value = 75.0 }),
        };
        reading.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, "staff01"));
        var clock = Stopwatch.StartNew();
        using (var raised = await http.SendAsync(reading))
        {
            raised.EnsureSuccessStatusCode();
        }

        var alarm = staff.Page.Locator("li.alarm[data-alarm='shelter:E01']");
        await Expect(alarm).ToBeVisibleAsync();
        output.WriteLine($"The alarm showed on the staff page {clock.ElapsedMilliseconds} ms after the detector's reading.");
        await Expect(shelter.Locator("[data-count=cut]")).ToHaveTextAsync("10");
        Assert.Equal(7, await staff.Page.EvaluateAsync<int>("() => window.__sameDocument"));
        await staff.ScreenshotAsync("staff-shelters-alarm");

        await alarm.Locator("button[data-clear='E01']").ClickAsync();
        await Expect(alarm).ToHaveCountAsync(0);
        await Expect(staff.Page.Locator("[data-alarms=none]")).ToBeVisibleAsync();
        await Expect(shelter.Locator("[data-count=cut]")).ToHaveTextAsync("0");
        staff.AssertNoErrors();
    }

    [Fact]
    public async Task The_staff_pages_fit_a_phone_and_list_no_shows_and_overstays()
    {
        await using var staff = await PageSession.OpenAsync(app, 360, 740);
        await staff.SignInAsync("staff", "staff03");
        foreach (var (path, shot) in new[] { ("staff/incidents", "staff-incidents-phone"), ("staff/shelters", "staff-shelters-phone"), ("staff", "staff-map-phone") })
        {
            await staff.Page.Locator($"nav a[href='{path}']").ClickAsync();
            await staff.WaitForLocationAsync($"/{path}$", "The staff menu");
            await Expect(staff.Page.Locator("main .card").First).ToBeVisibleAsync();
            if (path == "staff/incidents")
            {
                await Expect(staff.Page.Locator("#overstays-title")).ToBeVisibleAsync();
                await Expect(staff.Page.Locator("#noshows-title")).ToBeVisibleAsync();
            }

            if (path == "staff")
            {
                await staff.Page.Locator("g.space").First.ClickAsync();
                await Expect(staff.Page.Locator(".space-panel [data-act=retype]")).ToBeVisibleAsync();
            }

            var (scrollWidth, clientWidth) = await staff.WidthsAsync();
            Assert.True(scrollWidth <= clientWidth, $"{path} scrolls sideways: {scrollWidth} > {clientWidth}");
            await staff.ScreenshotAsync(shot);
        }

        staff.AssertNoErrors();
    }

    private static async Task<string> TokenAsync(HttpClient http, string userId)
    {
        using var response = await http.PostAsJsonAsync("api/dev/token", new { userId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
