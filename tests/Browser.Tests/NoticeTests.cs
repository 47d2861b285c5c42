using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>The app as an installable PWA: its service worker installs and serves the shell; the inbox shows a driver's notice.</summary>
[Collection(WebAppCollection.Name)]
public sealed class NoticeTests(WebAppFixture app)
{
    [Fact]
    public async Task A_driver_finds_a_shelter_alarm_in_the_inbox_and_the_service_worker_serves_the_app()
    {
        const string driver = "r00027";
        using var api = new ApiCalls(app.BaseAddress);
        var ports = await api.SendAsync(HttpMethod.Get, "shelters/E01/ports", driver);
        var free = ports.GetProperty("ports").EnumerateArray().First(p => p.GetProperty("status").GetString() == "free").GetProperty("portId").GetString();
        await api.SendAsync(HttpMethod.Post, "shelters/E01/sessions", driver, new { portId = free, bike = "绿色电动车" });
        await api.SendAsync(HttpMethod.Post, "shelters/E01/alarm", "staff01", new { kind = "smoke", value = 3.5 });
        try
        {
            await WaitForNoticeAsync(api, driver, "shelter-alarm");

            await using var session = await PageSession.OpenAsync(app, 360, 740);
            await session.SignInAsync("resident", driver);
            await session.Page.GotoAsync("notices");
            var notice = session.Page.Locator("li.notice-entry[data-kind='shelter-alarm']");
            await Expect(notice).ToBeVisibleAsync();
            await Expect(notice).ToContainTextAsync("Smoke alarm at");
            await Expect(notice).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("unread"));
            await Expect(session.Page.Locator("#push-on")).ToBeVisibleAsync();
            await Expect(session.Page.Locator("#save-preferences")).ToBeVisibleAsync();

            // The service worker installs (the page registers it once loaded), takes control and keeps the shell.
            var active = await session.Page.EvaluateAsync<bool>("async () => { const r = await navigator.serviceWorker.ready; return !!r.active; }");
            Assert.True(active, "the service worker is active");
            await session.Page.ReloadAsync();
            await Expect(notice).ToBeVisibleAsync();
            var controlled = await session.Page.EvaluateAsync<bool>("() => navigator.serviceWorker.controller !== null");
            Assert.True(controlled, "after a reload the page is served by the service worker");
            var shell = await session.Page.EvaluateAsync<bool>("async () => (await caches.keys()).some(k => k.startsWith('parking-shell-')) && !!(await caches.match('/'))");
            Assert.True(shell, "the app shell is in the service worker's cache");
            var manifest = await session.Page.EvaluateAsync<string>("() => document.querySelector('link[rel=manifest]').href");
            Assert.EndsWith("/manifest.webmanifest", manifest, StringComparison.Ordinal);

            // Opening the notice records the click and goes to the page it points to.
            await notice.Locator("button.open").ClickAsync();
            await Expect(session.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/shelters$"));
            var inbox = await api.SendAsync(HttpMethod.Get, "notices", driver);
            var opened = inbox.GetProperty("notices").EnumerateArray().First(n => n.GetProperty("kind").GetString() == "shelter-alarm");
            Assert.True(opened.GetProperty("read").GetBoolean());
            Assert.Contains(opened.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("channel").GetString() == "inbox" && d.GetProperty("status").GetString() == "clicked");
            await session.ScreenshotAsync("driver-notices");
            session.AssertNoErrors();
        }
        finally
        {
            await api.SendAsync(HttpMethod.Post, "shelters/E01/alarm/clear", "staff01");
        }
    }

    private static async Task WaitForNoticeAsync(ApiCalls api, string userId, string kind)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (true)
        {
            var inbox = await api.SendAsync(HttpMethod.Get, "notices", userId);
            if (inbox.GetProperty("notices").EnumerateArray().Any(n => n.GetProperty("kind").GetString() == kind))
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"No {kind} notice for {userId} within 20 s: {inbox}");
            await Task.Delay(200);
        }
    }
}
