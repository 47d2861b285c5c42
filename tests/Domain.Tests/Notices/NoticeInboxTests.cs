using Parking.Domain.Notices;
using Xunit;

namespace Parking.Domain.Tests.Notices;

public sealed class NoticeInboxTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static Notice Make(string id, NoticeKind kind = NoticeKind.PlugInNow) =>
        new(id, "c1", "r1", kind, "Plug in now", "Charger C1.", "/charging", Now);

    [Fact]
    public void The_same_notice_twice_is_kept_once()
    {
        var inbox = new NoticeInbox();
        Assert.True(inbox.Add(Make("n1")));
        Assert.False(inbox.Add(Make("n1")));
        Assert.Single(inbox.Entries);
    }

    [Fact]
    public void The_inbox_keeps_the_newest_notices_and_still_refuses_an_id_it_dropped()
    {
        var inbox = new NoticeInbox();
        for (var i = 0; i < NoticeInbox.Capacity + 5; i++)
        {
            inbox.Add(Make($"n{i}"));
        }

        Assert.Equal(NoticeInbox.Capacity, inbox.Entries.Count);
        Assert.Equal("n5", inbox.Entries[0].Notice.Id);
        Assert.False(inbox.Add(Make("n0")));
        Assert.Equal(NoticeInbox.Capacity, inbox.Entries.Count);
    }

    [Fact]
    public void A_channel_is_claimed_once_and_a_late_failure_does_not_undo_a_success()
    {
        var inbox = new NoticeInbox();
        inbox.Add(Make("n1"));
        Assert.True(inbox.Claim("n1", "push:abc", Now));
        Assert.False(inbox.Claim("n1", "push:abc", Now));
        Assert.True(inbox.Claim("n1", "webhook", Now));

        Assert.True(inbox.Record("n1", new NoticeDelivery("push:abc", DeliveryStatus.Sent, Now, 2, null)));
        Assert.False(inbox.Record("n1", new NoticeDelivery("push:abc", DeliveryStatus.Failed, Now, 3, "HTTP 500")));
        var deliveries = inbox.Find("n1")!.Deliveries;
        Assert.Equal(DeliveryStatus.Sent, deliveries.Single(d => d.Channel == "push:abc").Status);
        Assert.Equal(DeliveryStatus.Pending, deliveries.Single(d => d.Channel == "webhook").Status);
    }

    [Fact]
    public void A_click_marks_the_notice_read_and_stays_a_click()
    {
        var inbox = new NoticeInbox();
        inbox.Add(Make("n1"));
        inbox.Claim("n1", "push:abc", Now);
        Assert.True(inbox.Click("n1", "push:abc", Now));
        Assert.False(inbox.Record("n1", new NoticeDelivery("push:abc", DeliveryStatus.Sent, Now, 1, null)));
        Assert.True(inbox.Find("n1")!.Read);
        Assert.Equal(DeliveryStatus.Clicked, inbox.Find("n1")!.Deliveries.Single().Status);
        Assert.Equal(0, inbox.Unread);
        Assert.False(inbox.Click("missing", "inbox", Now));
    }

    [Fact]
    public void Subscriptions_are_refreshed_by_endpoint_and_bounded()
    {
        var inbox = new NoticeInbox();
        for (var i = 0; i < NoticeInbox.MaximumSubscriptions + 2; i++)
        {
            inbox.Subscribe(new PushSubscriptionKeys($"https://push.example/{i}", "k", "a", Now));
        }

        inbox.Subscribe(new PushSubscriptionKeys("https://push.example/11", "k2", "a2", Now));
        Assert.Equal(NoticeInbox.MaximumSubscriptions, inbox.Subscriptions.Count);
        Assert.Equal("k2", inbox.Subscriptions.Single(s => s.Endpoint == "https://push.example/11").P256dh);
        Assert.True(inbox.Unsubscribe("https://push.example/11"));
        Assert.False(inbox.Unsubscribe("https://push.example/11"));
    }
}

public sealed class NoticePreferencesTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private static Notice Make(NoticeKind kind) => new("n", "c1", "r1", kind, "t", "b", "/", DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("22:00", "07:00", 23, 30, true)]
    [InlineData("22:00", "07:00", 6, 59, true)]
    [InlineData("22:00", "07:00", 7, 0, false)]
    [InlineData("22:00", "07:00", 12, 0, false)]
    [InlineData("13:00", "14:00", 13, 30, true)]
    [InlineData("13:00", "14:00", 14, 30, false)]
    public void Quiet_hours_are_read_in_local_time_and_may_run_past_midnight(string from, string until, int hour, int minute, bool quiet)
    {
        var preferences = NoticePreferences.Create([], TimeOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(until, System.Globalization.CultureInfo.InvariantCulture)).Value!;
        var local = new DateTimeOffset(2026, 12, 3, hour, minute, 0, Shanghai);
        Assert.Equal(quiet, preferences.IsQuiet(local.ToUniversalTime(), Shanghai));
    }

    [Fact]
    public void A_muted_kind_is_held_and_a_shelter_alarm_passes_quiet_hours()
    {
        var preferences = NoticePreferences.Create([NoticeKind.VoteOpened], new TimeOnly(0, 0), new TimeOnly(23, 59)).Value!;
        var now = new DateTimeOffset(2026, 12, 3, 3, 0, 0, Shanghai);
        Assert.False(preferences.Sends(Make(NoticeKind.VoteOpened), now, Shanghai));
        Assert.False(preferences.Sends(Make(NoticeKind.PlugInNow), now, Shanghai));
        Assert.True(preferences.Sends(Make(NoticeKind.ShelterAlarm), now, Shanghai));
        Assert.True(NoticePreferences.Default.Sends(Make(NoticeKind.PlugInNow), now, Shanghai));
    }

    [Fact]
    public void Quiet_hours_need_both_ends()
    {
        Assert.Equal("quietUntil", NoticePreferences.Create([], new TimeOnly(22, 0), null).Error!.Field);
        Assert.Equal("quiet-hours-empty", NoticePreferences.Create([], new TimeOnly(22, 0), new TimeOnly(22, 0)).Error!.Code);
    }
}

public sealed class PushSubscriptionKeysTests
{
    private static readonly string Key = System.Buffers.Text.Base64Url.EncodeToString([0x04, .. new byte[64]]);
    private static readonly string Auth = System.Buffers.Text.Base64Url.EncodeToString(new byte[16]);

    [Fact]
    public void A_browser_subscription_is_accepted()
    {
        var ok = PushSubscriptionKeys.Create("https://push.example/send/abc", Key, Auth, DateTimeOffset.UnixEpoch);
        Assert.True(ok.IsSuccess);
        Assert.StartsWith("push:", ok.Value!.Channel, StringComparison.Ordinal);
        Assert.Equal(17, ok.Value.Channel.Length);
    }

    [Theory]
    [InlineData("http://push.example/x", "endpoint")]
    [InlineData("not a url", "endpoint")]
    [InlineData("", "endpoint")]
    public void A_bad_endpoint_is_refused(string endpoint, string field) =>
        Assert.Equal(field, PushSubscriptionKeys.Create(endpoint, Key, Auth, DateTimeOffset.UnixEpoch).Error!.Field);

    [Fact]
    public void Plain_http_is_accepted_on_loopback_only() =>
        Assert.True(PushSubscriptionKeys.Create("http://127.0.0.1:5000/push/1", Key, Auth, DateTimeOffset.UnixEpoch).IsSuccess);

    [Fact]
    public void Bad_keys_are_refused_naming_the_field()
    {
        var shortKey = System.Buffers.Text.Base64Url.EncodeToString(new byte[33]);
        Assert.Equal("p256dh", PushSubscriptionKeys.Create("https://p.example/1", shortKey, Auth, DateTimeOffset.UnixEpoch).Error!.Field);
        Assert.Equal("p256dh", PushSubscriptionKeys.Create("https://p.example/1", "!!!", Auth, DateTimeOffset.UnixEpoch).Error!.Field);
        Assert.Equal("auth", PushSubscriptionKeys.Create("https://p.example/1", Key, Key, DateTimeOffset.UnixEpoch).Error!.Field);
    }
}
