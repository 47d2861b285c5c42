using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// The silo under a live page goes away and comes back: the page says it lost the connection, reconnects by
/// itself and then shows what the server holds now, without a reload.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ReconnectTests(WebAppFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task The_driver_page_says_the_link_is_lost_and_after_reconnecting_shows_the_servers_state()
    {
        using var api = new ApiCalls(app.BaseAddress);
        await using var driver = await PageSession.OpenAsync(app, 360, 740);
        await driver.SignInAsync("resident", "r00035");
        var slot = driver.Page.Locator(".banner-slot");
        var banner = driver.Page.Locator(".banner.offline");
        await Expect(slot).ToHaveAttributeAsync("data-link", "Connected");

        // A booking made elsewhere reaches the open page live.
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(3).AddHours(2), TimeSpan.Zero);
        var window = $"start={Uri.EscapeDataString(start.ToString("O"))}&end={Uri.EscapeDataString(start.AddHours(1).ToString("O"))}&limit=1";
        var free = await api.SendAsync(HttpMethod.Get, "availability?" + window, "r00035");
        var spaceId = free.GetProperty("spaces")[0].GetProperty("spaceId").GetString();
        var booked = await api.SendAsync(HttpMethod.Post, "reservations", "r00035", new { spaceId, start, end = start.AddHours(1) });
        var row = driver.Page.Locator($".reservation[data-reservation='{booked.GetProperty("id").GetString()}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "reserved");
        await driver.Page.EvaluateAsync("() => window.__sameDocument = 7");

        // The silo dies: the page says so while it is away.
        await app.RestartSiloAsync(async () =>
        {
            await Expect(banner).ToBeVisibleAsync();
            await Expect(slot).ToHaveAttributeAsync("data-link", "Reconnecting");
            await driver.ScreenshotAsync("driver-offline");
        });

        // Back (with only the demo seed: the embedded default keeps state in memory), the page reconnects by
        // itself and reads the server again: the booking the new silo does not hold leaves the list.
        await Expect(slot).ToHaveAttributeAsync("data-link", "Connected", new() { Timeout = 60_000 });
        await Expect(banner).ToBeHiddenAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.Equal(7, await driver.Page.EvaluateAsync<int>("() => window.__sameDocument"));

        // And it hears live pushes again on the new connection.
        var again = await api.SendAsync(HttpMethod.Post, "reservations", "r00035", new { spaceId, start, end = start.AddHours(1) });
        var newRow = driver.Page.Locator($".reservation[data-reservation='{again.GetProperty("id").GetString()}']");
        await Expect(newRow).ToHaveAttributeAsync("data-status", "reserved");
        await driver.ScreenshotAsync("driver-reconnected");

        // Only the failures the outage caused on purpose: requests and the hub's socket to a silo that was not there.
        output.WriteLine(string.Join('\n', driver.Errors));
        driver.AssertNoErrors(IsOutage);
        await api.SendAsync(HttpMethod.Post, $"reservations/{again.GetProperty("id").GetString()}/cancel", "r00035");
    }

    private static bool IsOutage(string error) =>
        error.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal)
        || error.Contains("WebSocket", StringComparison.OrdinalIgnoreCase)
        || error.Contains("negotiat", StringComparison.OrdinalIgnoreCase)
        || error.Contains("Failed to fetch", StringComparison.OrdinalIgnoreCase)
        || error.Contains("connection", StringComparison.OrdinalIgnoreCase)
        || error.Contains("net::", StringComparison.Ordinal);
}
