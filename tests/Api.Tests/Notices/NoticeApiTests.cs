using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Notices;
using Parking.Grains.Notices;
using Xunit;

namespace Parking.Api.Tests.Notices;

/// <summary>A host of its own: these tests raise an alarm on shelter E01 and set the compound's webhook.</summary>
public sealed class NoticeHostFixture : OwnHostFixture;

/// <summary>
/// Notices end to end: a grain's event becomes a notice in the driver's inbox, goes to a loopback push service
/// encrypted for the subscribed browser (decrypted here with the browser's keys) and to a signed webhook, once
/// per channel, with retries, under the driver's preferences.
/// </summary>
public sealed class NoticeApiTests(NoticeHostFixture fixture) : IClassFixture<NoticeHostFixture>
{
    private const string Staff = "staff01";
    private readonly ParkingHost _host = fixture.Host;

    private static string Path(string relative) => ParkingHost.CompoundPath($"notices/{relative.TrimStart('/')}");

    [Fact]
    public async Task A_shelter_alarm_reaches_the_drivers_inbox_and_their_browser_by_web_push_once()
    {
        const string driver = "r00031";
        await using var pushService = await LoopbackReceiver.StartAsync();
        pushService.Answer = n => n == 1 ? 503 : 201;
        using var browser = new WebPushReceiver();
        var endpoint = new Uri(pushService.BaseAddress, $"push/{driver}");
        using (var subscribed = await _host.SendAsync(HttpMethod.Post, Path("push/subscriptions"), driver, new PushSubscriptionRequest(endpoint.AbsoluteUri, browser.P256dh, browser.Auth)))
        {
            await ParkingHost.Expect(subscribed, HttpStatusCode.Created);
        }

        var key = await _host.GetOkAsync<PushKeyDto>(Path("push/key"), driver);
        using (var started = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("shelters/E01/sessions"), driver, new StartShelterSessionRequest("E01-P03", "red bike")))
        {
            await ParkingHost.Expect(started, HttpStatusCode.Created);
        }

        using (var raised = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("shelters/E01/alarm"), Staff, new ShelterAlarmRequest("smoke", 4.5)))
        {
            await ParkingHost.Expect(raised, HttpStatusCode.OK);
        }

        try
        {
            // The push service refused the first try (503); the second got through.
            var requests = await pushService.WaitFor(r => r.Count >= 2, "two tries of the push");
            foreach (var request in requests)
            {
                Assert.Equal(("POST", $"/push/{driver}"), (request.Method, request.Path));
                Assert.Equal("aes128gcm", request.Headers["Content-Encoding"]);
                Assert.Equal("3600", request.Headers["TTL"]);
                Assert.Equal("high", request.Headers["Urgency"]);
                Assert.Equal(key.PublicKey, WebPushReceiver.VerifyVapid(request.Headers["Authorization"], endpoint));
            }

            Assert.Equal(requests[0].Headers["Topic"], requests[1].Headers["Topic"]);
            using var payload = JsonDocument.Parse(browser.Decrypt(requests[1].Body));
            var root = payload.RootElement;
            Assert.Equal("shelter-alarm", root.GetProperty("kind").GetString());
            Assert.StartsWith("Smoke alarm at ", root.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.Equal(driver, root.GetProperty("userId").GetString());
            Assert.Equal("/shelters", root.GetProperty("link").GetString());
            var noticeId = root.GetProperty("id").GetString()!;
            var channel = root.GetProperty("channel").GetString()!;
            Assert.StartsWith("shelter-alarm:E01:", noticeId, StringComparison.Ordinal);

            var notice = await WaitForNotice(driver, noticeId, n => n.Deliveries.Any(d => d.Channel == channel && d.Status == NoticeDeliveryStatusDto.Sent));
            Assert.Equal(2, notice.Deliveries.Single(d => d.Channel == channel).Attempts);
            Assert.False(notice.Read);

            // The same notice again (a republished event) changes nothing and sends nothing.
            var inbox = _host.Grains.NoticeInbox(ParkingHost.Compound, driver);
            var again = (await inbox.Get()).Entries.Single(e => e.Notice.Id == noticeId).Notice;
            await inbox.Deliver(again);
            var after = await _host.GetOkAsync<InboxDto>(Path(""), driver);
            var once = Assert.Single(after.Notices, n => n.Id == noticeId);
            Assert.Equal((NoticeDeliveryStatusDto.Sent, 2), (once.Deliveries.Single(d => d.Channel == channel).Status, once.Deliveries.Single(d => d.Channel == channel).Attempts));

            // Opening it from the phone is recorded on that channel and marks it read.
            using (var clicked = await _host.SendAsync(HttpMethod.Post, Path($"{Uri.EscapeDataString(noticeId)}/clicked"), driver, new NoticeClickRequest(channel)))
            {
                await ParkingHost.Expect(clicked, HttpStatusCode.NoContent);
            }

            var read = Assert.Single((await _host.GetOkAsync<InboxDto>(Path(""), driver)).Notices, n => n.Id == noticeId);
            Assert.True(read.Read);
            Assert.Equal(NoticeDeliveryStatusDto.Clicked, read.Deliveries.Single(d => d.Channel == channel).Status);
        }
        finally
        {
            using var cleared = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("shelters/E01/alarm/clear"), Staff);
        }
    }

    [Fact]
    public async Task A_push_service_that_says_gone_loses_the_subscription()
    {
        const string driver = "r00034";
        await using var pushService = await LoopbackReceiver.StartAsync();
        pushService.Answer = _ => 410;
        using var browser = new WebPushReceiver();
        var endpoint = new Uri(pushService.BaseAddress, "push/gone").AbsoluteUri;
        using (var subscribed = await _host.SendAsync(HttpMethod.Post, Path("push/subscriptions"), driver, new PushSubscriptionRequest(endpoint, browser.P256dh, browser.Auth)))
        {
            await ParkingHost.Expect(subscribed, HttpStatusCode.Created);
        }

        await _host.Grains.NoticeInbox(ParkingHost.Compound, driver).Deliver(Make(driver, "test:gone", NoticeKind.RoundResult));
        var notice = await WaitForNotice(driver, "test:gone", n => n.Deliveries.Any(d => d.Status == NoticeDeliveryStatusDto.Failed));
        Assert.Equal("HTTP 410", notice.Deliveries.Single().Error);
        Assert.Single(pushService.Received);
        await WaitUntil(async () => (await _host.GetOkAsync<PushSubscriptionDto[]>(Path("push/subscriptions"), driver)).Length == 0, "the subscription is removed");
    }

    [Fact]
    public async Task The_webhook_is_signed_retried_until_it_answers_and_logged_for_staff()
    {
        const string driver = "r00032";
        await using var relay = await LoopbackReceiver.StartAsync();
        relay.Answer = n => n switch { 1 => 500, 2 => 503, _ => 200 };
        var url = new Uri(relay.BaseAddress, "hooks/parking").AbsoluteUri;
        using var set = await _host.SendAsync(HttpMethod.Put, Path("webhook"), Staff, new WebhookRequest(url, null));
        await ParkingHost.Expect(set, HttpStatusCode.OK);
        var configured = (await set.Content.ReadFromJsonAsync<WebhookConfiguredDto>(ParkingHost.Json))!;
        try
        {
            var settings = await _host.GetOkAsync<WebhookSettingsDto>(Path("webhook"), Staff);
            Assert.Equal((url, Staff), (settings.Url, settings.ConfiguredBy));
            Assert.DoesNotContain(configured.Secret, settings.SecretHint, StringComparison.Ordinal);

            await _host.Grains.NoticeInbox(ParkingHost.Compound, driver).Deliver(Make(driver, "test:webhook", NoticeKind.PlugInNow));
            var requests = (await relay.WaitFor(r => r.Count(q => q.Headers.GetValueOrDefault("X-Parking-Notice-Id") == "test:webhook") >= 3, "three tries of the webhook"))
                .Where(q => q.Headers.GetValueOrDefault("X-Parking-Notice-Id") == "test:webhook").ToList();
            Assert.Equal(["1", "2", "3"], requests.Select(r => r.Headers["X-Parking-Attempt"]));
            foreach (var request in requests)
            {
                Assert.Equal("/hooks/parking", request.Path);
                var timestamp = request.Headers["X-Parking-Timestamp"];
                var body = Encoding.UTF8.GetString(request.Body);
                var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(configured.Secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
                Assert.Equal(expected, request.Headers["X-Parking-Signature"]);
                Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            }

            Assert.Single(requests.Select(r => Encoding.UTF8.GetString(r.Body)).Distinct());
            using var payload = JsonDocument.Parse(requests[0].Body);
            Assert.Equal(("test:webhook", "plug-in-now", driver, "webhook"), (
                payload.RootElement.GetProperty("id").GetString(),
                payload.RootElement.GetProperty("kind").GetString(),
                payload.RootElement.GetProperty("userId").GetString(),
                payload.RootElement.GetProperty("channel").GetString()));

            await WaitUntil(async () => (await _host.GetOkAsync<WebhookDeliveryDto[]>(Path("webhook/deliveries"), Staff)).Any(d => d.NoticeId == "test:webhook" && d.Status == NoticeDeliveryStatusDto.Sent), "the log shows the delivery sent");
            var logged = Assert.Single(await _host.GetOkAsync<WebhookDeliveryDto[]>(Path("webhook/deliveries"), Staff), d => d.NoticeId == "test:webhook");
            Assert.Equal((3, 200, driver, NoticeKindDto.PlugInNow), (logged.Attempts, logged.HttpStatus, logged.UserId, logged.Kind));
            var notice = await WaitForNotice(driver, "test:webhook", n => n.Deliveries.Any(d => d.Channel == "webhook" && d.Status == NoticeDeliveryStatusDto.Sent));
            Assert.Equal(3, notice.Deliveries.Single(d => d.Channel == "webhook").Attempts);

            // Residents may not read or change the relay.
            using var forbidden = await _host.GetAsync(Path("webhook/deliveries"), driver);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        finally
        {
            using var removed = await _host.SendAsync(HttpMethod.Delete, Path("webhook"), Staff);
            await ParkingHost.Expect(removed, HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task Quiet_hours_hold_a_notice_in_the_inbox_but_not_a_shelter_alarm()
    {
        const string driver = "r00033";
        await using var pushService = await LoopbackReceiver.StartAsync();
        using var browser = new WebPushReceiver();
        using (var subscribed = await _host.SendAsync(HttpMethod.Post, Path("push/subscriptions"), driver, new PushSubscriptionRequest(new Uri(pushService.BaseAddress, "push/q").AbsoluteUri, browser.P256dh, browser.Auth)))
        {
            await ParkingHost.Expect(subscribed, HttpStatusCode.Created);
        }

        using (var set = await _host.SendAsync(HttpMethod.Put, Path("preferences"), driver, new NoticePreferencesRequest(["vote-opened"], "00:00", "23:59")))
        {
            await ParkingHost.Expect(set, HttpStatusCode.OK);
        }

        var preferences = await _host.GetOkAsync<NoticePreferencesDto>(Path("preferences"), driver);
        Assert.Equal([NoticeKindDto.VoteOpened], preferences.Muted);
        Assert.Equal(("00:00", "23:59"), (preferences.QuietFrom, preferences.QuietUntil));
        Assert.Equal(10, preferences.Kinds.Count);

        var inbox = _host.Grains.NoticeInbox(ParkingHost.Compound, driver);
        await inbox.Deliver(Make(driver, "test:quiet", NoticeKind.MoveCar));
        await inbox.Deliver(Make(driver, "test:urgent", NoticeKind.ShelterAlarm));
        var urgent = await WaitForNotice(driver, "test:urgent", n => n.Deliveries.Any(d => d.Status == NoticeDeliveryStatusDto.Sent));
        Assert.StartsWith("push:", urgent.Deliveries.Single().Channel, StringComparison.Ordinal);
        var quiet = Assert.Single((await _host.GetOkAsync<InboxDto>(Path(""), driver)).Notices, n => n.Id == "test:quiet");
        Assert.Equal(NoticeDeliveryStatusDto.Held, Assert.Single(quiet.Deliveries).Status);
        var pushed = Assert.Single(pushService.Received);
        using var payload = JsonDocument.Parse(browser.Decrypt(pushed.Body));
        Assert.Equal("test:urgent", payload.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field()
    {
        const string driver = "r00035";
        var key = System.Buffers.Text.Base64Url.EncodeToString([0x04, .. new byte[64]]);
        var auth = System.Buffers.Text.Base64Url.EncodeToString(new byte[16]);
        await ExpectProblem(HttpMethod.Post, Path("push/subscriptions"), driver, new PushSubscriptionRequest("http://push.example/1", key, auth), HttpStatusCode.BadRequest, "endpoint");
        await ExpectProblem(HttpMethod.Post, Path("push/subscriptions"), driver, new PushSubscriptionRequest("https://push.example/1", "abc", auth), HttpStatusCode.BadRequest, "p256dh");
        await ExpectProblem(HttpMethod.Post, Path("push/subscriptions"), driver, new PushSubscriptionRequest("https://push.example/1", key, null), HttpStatusCode.BadRequest, "auth");
        await ExpectProblem(HttpMethod.Put, Path("preferences"), driver, new NoticePreferencesRequest(["sms"], null, null), HttpStatusCode.BadRequest, "muted");
        await ExpectProblem(HttpMethod.Put, Path("preferences"), driver, new NoticePreferencesRequest([], "22:00", null), HttpStatusCode.BadRequest, "quietUntil");
        await ExpectProblem(HttpMethod.Put, Path("preferences"), driver, new NoticePreferencesRequest([], "25:00", "07:00"), HttpStatusCode.BadRequest, "quietFrom");
        await ExpectProblem(HttpMethod.Put, Path("webhook"), Staff, new WebhookRequest("ftp://relay.example/x", null), HttpStatusCode.BadRequest, "url");
        await ExpectProblem(HttpMethod.Put, Path("webhook"), Staff, new WebhookRequest("https://relay.example/x", "short"), HttpStatusCode.BadRequest, "secret");
        await ExpectProblem(HttpMethod.Post, Path("nope/clicked"), driver, new NoticeClickRequest("sms"), HttpStatusCode.BadRequest, "channel");
        await ExpectProblem(HttpMethod.Post, Path("nope/clicked"), driver, new NoticeClickRequest(null), HttpStatusCode.NotFound, null);
        await ExpectProblem(HttpMethod.Put, Path("webhook"), driver, new WebhookRequest("https://relay.example/x", null), HttpStatusCode.Forbidden, null);

        // Nothing changed.
        Assert.Empty(await _host.GetOkAsync<PushSubscriptionDto[]>(Path("push/subscriptions"), driver));
        Assert.Null((await _host.GetOkAsync<NoticePreferencesDto>(Path("preferences"), driver)).QuietFrom);
        using var webhook = await _host.GetAsync(Path("webhook"), Staff);
        Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode);
    }

    private Notice Make(string userId, string id, NoticeKind kind) =>
        new(id, ParkingHost.Compound, userId, kind, $"Test {kind}", "A notice made by a test.", "/driver", _host.Now);

    private async Task ExpectProblem(HttpMethod method, string path, string userId, object body, HttpStatusCode status, string? field)
    {
        using var response = await _host.SendAsync(method, path, userId, body);
        await ParkingHost.Expect(response, status);
        if (field is not null)
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem.RootElement}");
        }
    }

    private async Task<NoticeDto> WaitForNotice(string userId, string noticeId, Func<NoticeDto, bool> done)
    {
        NoticeDto? found = null;
        await WaitUntil(async () =>
        {
            found = (await _host.GetOkAsync<InboxDto>(Path(""), userId)).Notices.FirstOrDefault(n => n.Id == noticeId);
            return found is not null && done(found);
        }, $"notice {noticeId} of {userId}");
        return found!;
    }

    private static async Task WaitUntil(Func<Task<bool>> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!await done())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within 20 s: {what}");
            }

            await Task.Delay(100);
        }
    }
}
