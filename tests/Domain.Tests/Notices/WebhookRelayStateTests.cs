using Parking.Domain.Notices;
using Xunit;

namespace Parking.Domain.Tests.Notices;

/// <summary>A webhook relays each notice once, shows staff only the secret's end, and keeps a bounded log.</summary>
public class WebhookRelayStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static Notice Notice(string id) => new(id, "c", "ann", NoticeKind.MoveCar, "t", "b", "/", Now);

    [Fact]
    public void Nothing_is_relayed_without_a_target_and_a_notice_is_relayed_once()
    {
        var relay = new WebhookRelayState();
        Assert.Null(relay.Relay(Notice("n1"), Now));
        Assert.Empty(relay.Log);

        relay.Configure("https://example.test/hook", "0123456789abcdefWXYZ", Now, "staff1");
        var target = relay.Relay(Notice("n1"), Now);

        Assert.Equal(new WebhookTarget("https://example.test/hook", "0123456789abcdefWXYZ"), target);
        Assert.Null(relay.Relay(Notice("n1"), Now.AddMinutes(1)));
        var entry = Assert.Single(relay.Log);
        Assert.Equal(DeliveryStatus.Pending, entry.Status);
        Assert.Equal("ann", entry.UserId);
    }

    [Fact]
    public void Staff_see_the_secrets_last_four_characters_and_a_removed_webhook_is_gone()
    {
        var relay = new WebhookRelayState();
        relay.Configure("https://example.test/hook", "0123456789abcdefWXYZ", Now, "staff1");

        Assert.Equal(new WebhookSettings("https://example.test/hook", "…WXYZ", Now, "staff1"), relay.Settings);
        Assert.True(relay.Remove());
        Assert.Null(relay.Target);
        Assert.Null(relay.Settings);
        Assert.False(relay.Remove());
    }

    [Fact]
    public void The_log_keeps_the_newest_entries_and_a_result_updates_its_entry()
    {
        var relay = new WebhookRelayState();
        relay.Configure("https://example.test/hook", "0123456789abcdefWXYZ", Now, "staff1");
        for (var i = 0; i <= WebhookRelayState.LogSize; i++)
        {
            relay.Relay(Notice($"n{i}"), Now);
        }

        Assert.Equal(WebhookRelayState.LogSize, relay.Log.Count);
        Assert.Equal("n1", relay.Log[0].NoticeId);
        Assert.Null(relay.Record("n0", new NoticeDelivery("webhook", DeliveryStatus.Sent, Now, 1, null), 200));

        var before = relay.Record("n7", new NoticeDelivery("webhook", DeliveryStatus.Failed, Now.AddMinutes(1), 3, "timeout"), 503);

        Assert.Equal(DeliveryStatus.Pending, before!.Status);
        var now = relay.Log.Single(d => d.NoticeId == "n7");
        Assert.Equal((DeliveryStatus.Failed, 3, 503, "timeout"), (now.Status, now.Attempts, now.HttpStatus, now.Error));
    }
}
