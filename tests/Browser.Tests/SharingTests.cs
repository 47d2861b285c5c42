using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>Sharing a private space from the web app, and the live notice a driver gets when the owner withdraws it.</summary>
[Collection(WebAppCollection.Name)]
public sealed class SharingTests(WebAppFixture app)
{
    [Fact]
    public async Task An_owner_shares_then_withdraws_and_the_booked_driver_sees_the_notice_live()
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var (spaceId, owner) = await FindPrivateSpaceAsync(http);
        const string DriverId = "r00059";
        Assert.NotEqual(DriverId, owner);

        await using var ownerPage = await PageSession.OpenAsync(app, 360, 740);
        await using var driverPage = await PageSession.OpenAsync(app);
        await ownerPage.SignInAsync("resident", owner);
        await driverPage.SignInAsync("resident", DriverId);

        await ownerPage.Page.GotoAsync("share");
        await ownerPage.Page.Locator("#space").FillAsync(spaceId);
        await ownerPage.Page.Locator("#load").ClickAsync();
        await ownerPage.Page.Locator("#days").SelectOptionAsync("daily");
        await ownerPage.Page.Locator("#share-start").FillAsync("00:00");
        await ownerPage.Page.Locator("#share-end").FillAsync("00:00");
        await ownerPage.Page.Locator("#publish").ClickAsync();
        await Expect(ownerPage.Page.Locator(".status-line .ok")).ToBeVisibleAsync();
        await Expect(ownerPage.Page.Locator("ul.shared li").First).ToBeVisibleAsync();
        await ownerPage.ScreenshotAsync("share-published");

        // The driver books the shared space for tomorrow (through the API, as another device would).
        var token = await TokenAsync(http, DriverId);
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(2), TimeSpan.Zero);
        using var reserve = new HttpRequestMessage(HttpMethod.Post, "api/compounds/demo-small/reservations")
        {
            Content = JsonContent.Create(new { spaceId, start, end = start.AddHours(2) }),
        };
        reserve.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var reserved = await http.SendAsync(reserve);
        Assert.True(reserved.IsSuccessStatusCode, await reserved.Content.ReadAsStringAsync());
        await Expect(driverPage.Page.Locator($".reservation:has-text('{spaceId}')")).ToHaveAttributeAsync("data-status", "reserved");

        await ownerPage.Page.Locator("#withdraw").ClickAsync();
        var notice = driverPage.Page.Locator("li.notice[data-reason='withdrawn']");
        await Expect(notice).ToContainTextAsync(spaceId);
        await driverPage.ScreenshotAsync("driver-notice");
        await ownerPage.ScreenshotAsync("share-withdrawn");
        ownerPage.AssertNoErrors();
        driverPage.AssertNoErrors();
    }

    private static async Task<string> TokenAsync(HttpClient http, string userId)
    {
        using var response = await http.PostAsJsonAsync("api/dev/token", new { userId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A private space of the small demo compound and the resident of its owner household (r00007 lives in H00007).</summary>
    internal static async Task<(string SpaceId, string Owner)> FindPrivateSpaceAsync(HttpClient http, bool lastFirst = true)
    {
        var staff = await TokenAsync(http, "staff03");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/compounds/demo-small/lots/G1/occupancy");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staff);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var spaces = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("spaces").EnumerateArray()
            .Where(s => s.GetProperty("ownership").GetString() == "private")
            .Select(s => s.GetProperty("spaceId").GetString()!)
            .ToList();
        if (lastFirst)
        {
            spaces.Reverse();
        }

        foreach (var spaceId in spaces)
        {
            using var sharingRequest = new HttpRequestMessage(HttpMethod.Get, $"api/compounds/demo-small/spaces/{spaceId}/sharing");
            sharingRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staff);
            using var sharing = await http.SendAsync(sharingRequest);
            var household = (await sharing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ownerHouseholdId").GetString();
            if (household is { Length: > 1 } && int.TryParse(household[1..], CultureInfo.InvariantCulture, out var number) && number != 59)
            {
                return (spaceId, string.Create(CultureInfo.InvariantCulture, $"r{number:00000}"));
            }
        }

        throw new InvalidOperationException("The small demo compound has no private space in G1.");
    }
}
