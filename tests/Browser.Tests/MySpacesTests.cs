using System.Globalization;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>An owner's spaces on the share page: how each is shared and what it earned.</summary>
[Collection(WebAppCollection.Name)]
public sealed class MySpacesTests(WebAppFixture app)
{
    [Fact]
    public async Task An_owner_sees_what_a_booking_on_their_space_earned()
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var api = new ApiCalls(app.BaseAddress);
        // The first private space of G1 (the sharing test takes the last one and withdraws it).
        var (spaceId, owner) = await SharingTests.FindPrivateSpaceAsync(http, lastFirst: false);
        await using var ownerPage = await PageSession.OpenAsync(app, 360, 740);
        await ownerPage.SignInAsync("resident", owner);
        await ownerPage.Page.GotoAsync("share");

        var row = ownerPage.Page.Locator($"li.my-space[data-space='{spaceId}']");
        await Expect(row).ToBeVisibleAsync();
        var earnedBefore = long.Parse((await row.GetAttributeAsync("data-earned"))!, CultureInfo.InvariantCulture);

        // Another household books two hours tomorrow on it (through the API, from their phone): 4 credits to the owner.
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(6), TimeSpan.Zero);
        await api.SendAsync(HttpMethod.Post, "reservations", "r00058", new { spaceId, start, end = start.AddHours(2) });
        await ownerPage.Page.ReloadAsync();

        await Expect(row).ToHaveAttributeAsync("data-earned", (earnedBefore + 4).ToString(CultureInfo.InvariantCulture));
        await Expect(row.Locator(".earned")).ToContainTextAsync("积分");
        await ownerPage.ScreenshotAsync("share-my-spaces");
        var (scrollWidth, clientWidth) = await ownerPage.WidthsAsync();
        Assert.True(scrollWidth <= clientWidth, $"The share page is {scrollWidth} px wide in a {clientWidth} px viewport.");
        ownerPage.AssertNoErrors();
    }
}
