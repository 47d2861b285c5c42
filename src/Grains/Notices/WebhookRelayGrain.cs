using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;
using Parking.Domain.Notices;

namespace Parking.Grains.Notices;

/// <summary>Where a compound's notices are relayed and the secret they are signed with.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookTarget([property: Id(0)] string Url, [property: Id(1)] string Secret);

/// <summary>One notice's delivery to the compound's webhook: status, tries, the receiver's last HTTP status.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookDelivery(
    [property: Id(0)] string NoticeId,
    [property: Id(1)] string UserId,
    [property: Id(2)] NoticeKind Kind,
    [property: Id(3)] DeliveryStatus Status,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] int? HttpStatus,
    [property: Id(7)] string? Error);

[GenerateSerializer, Immutable]
public sealed record WebhookSettings(
    [property: Id(0)] string Url,
    [property: Id(1)] string SecretHint,
    [property: Id(2)] DateTimeOffset ConfiguredAt,
    [property: Id(3)] string ConfiguredBy);

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

[GenerateSerializer]
public sealed class WebhookRelayState
{
    [Id(0)]
    public WebhookTarget? Target { get; set; }

    [Id(1)]
    public WebhookSettings? Settings { get; set; }

    [Id(2)]
    internal List<WebhookDelivery> _log = [];

    /// <summary>Newest last, bounded to <see cref="WebhookRelay.LogSize"/>.</summary>
    public IReadOnlyList<WebhookDelivery> Log => _log;

    /// <summary>A notice is on its way (pending); the oldest entries go beyond <see cref="WebhookRelay.LogSize"/>.</summary>
    public void Sending(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        _log.Add(delivery);
        if (_log.Count > WebhookRelay.LogSize)
        {
            _log.RemoveRange(0, _log.Count - WebhookRelay.LogSize);
        }
    }

    /// <summary>How the notice's delivery went; returns the entry as it was before, or null when the log no longer holds it.</summary>
    public WebhookDelivery? Record(string noticeId, NoticeDelivery delivery, int? httpStatus)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var index = _log.FindIndex(d => d.NoticeId == noticeId);
        if (index < 0)
        {
            return null;
        }

        var entry = _log[index];
        _log[index] = entry with { Status = delivery.Status, Attempts = delivery.Attempts, At = delivery.At, HttpStatus = httpStatus, Error = delivery.Error };
        return entry;
    }
}

/// <summary>The webhook's wire rules: its headers and how a body is signed.</summary>
public static class WebhookRelay
{
    public const string Channel = "webhook";
    public const int LogSize = 500;
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
        Current.Target = new WebhookTarget(url, key);
        Current.Settings = new WebhookSettings(url, "…" + key[^4..], time.GetUtcNow(), by);
        await state.WriteStateAsync();
        return key;
    }

    public async Task<bool> Remove()
    {
        if (Current.Target is null)
        {
            return false;
        }

        Current.Target = null;
        Current.Settings = null;
        await state.WriteStateAsync();
        return true;
    }

    public async Task Relay(Notice notice)
    {
        if (Current.Target is not { } target || Current.Log.Any(d => d.NoticeId == notice.Id))
        {
            return;
        }

        Current.Sending(new WebhookDelivery(notice.Id, notice.UserId, notice.Kind, DeliveryStatus.Pending, 0, time.GetUtcNow(), null, null));

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
