using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;
using Parking.Domain.Notices;

namespace Parking.Grains.Notices;

/// <summary>
/// A compound's signed outbound webhook (key: compound), for integrators who relay notices to SMS or a
/// WeChat service account: its target, and a log of every delivery that staff can read. A notice is relayed
/// once: a second hand-over of the same id is ignored.
/// </summary>
public interface IWebhookRelayGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<bool> IsConfigured();

    [ReadOnly]
    Task<WebhookSettings?> GetSettings();

    /// <summary>Sets the target; a null secret makes a new one. Returns the secret, which is shown only here.</summary>
    Task<string> Configure(string url, string? secret, string by);

    Task<bool> Remove();

    Task Relay(Notice notice);

    Task Record(string noticeId, NoticeDelivery delivery, int? httpStatus);

    [ReadOnly]
    Task<IReadOnlyList<WebhookDelivery>> Deliveries();
}

/// <summary>The webhook's wire rules: its headers and how a body is signed.</summary>
public static class WebhookRelay
{
    public const string Channel = "webhook";
    public const string TimestampHeader = "X-Parking-Timestamp";
    public const string SignatureHeader = "X-Parking-Signature";
    public const string NoticeIdHeader = "X-Parking-Notice-Id";
    public const string AttemptHeader = "X-Parking-Attempt";

    /// <summary><c>v1=</c> and the lowercase hex HMAC-SHA256, keyed by the secret's UTF-8 bytes, of "{timestamp}.{body}".</summary>
    public static string Sign(string secret, long timestamp, string body) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    public static string NewSecret() => Base64UrlOf(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlOf(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

public sealed class WebhookRelayGrain(
    [PersistentState("webhook-relay", GrainKeys.StorageName)] IPersistentState<WebhookRelayState> state,
    ParkingClock time) : Grain, IWebhookRelayGrain
{
    private WebhookRelayState Current => state.State;

    public Task<bool> IsConfigured() => Task.FromResult(Current.Target is not null);

    public Task<WebhookSettings?> GetSettings() => Task.FromResult(Current.Settings);

    public async Task<string> Configure(string url, string? secret, string by)
    {
        var key = string.IsNullOrEmpty(secret) ? WebhookRelay.NewSecret() : secret;
        Current.Configure(url, key, time.GetUtcNow(), by);
        await state.WriteStateAsync();
        return key;
    }

    public async Task<bool> Remove()
    {
        if (!Current.Remove())
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public async Task Relay(Notice notice)
    {
        if (Current.Relay(notice, time.GetUtcNow()) is not { } target)
        {
            return;
        }

        await state.WriteStateAsync();
        GrainFactory.NoticeSender().SendWebhook(this.GetPrimaryKeyString(), target, notice).Ignore();
    }

    public async Task Record(string noticeId, NoticeDelivery delivery, int? httpStatus)
    {
        if (Current.Record(noticeId, delivery, httpStatus) is not { } entry)
        {
            return;
        }

        await state.WriteStateAsync();
        await GrainFactory.NoticeInbox(this.GetPrimaryKeyString(), entry.UserId).RecordDelivery(noticeId, delivery);
    }

    public Task<IReadOnlyList<WebhookDelivery>> Deliveries() => Task.FromResult<IReadOnlyList<WebhookDelivery>>([.. Current.Log]);
}
