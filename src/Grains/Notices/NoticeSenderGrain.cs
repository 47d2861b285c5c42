using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Domain.Notices;

namespace Parking.Grains.Notices;

/// <summary>
/// Sends notices out: Web Push (RFC 8030) encrypted for the device (RFC 8291, aes128gcm) and signed with the
/// deployment's VAPID key (RFC 8292), and the compound's signed webhook. Each send is tried up to
/// <see cref="NoticeOptions.Attempts"/> times with a doubling wait; a push service that says the
/// subscription is gone (404, 410) has it removed. The outcome goes back to the inbox (and the relay's log).
/// Real time throughout: network retries are not domain time.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed partial class NoticeSenderGrain(IOptions<NoticeOptions> options, ILogger<NoticeSenderGrain> logger) : Grain, INoticeSenderGrain
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly NoticeOptions _options = options.Value;
    private VapidKeys? _keys;

    public async Task SendPush(string inboxKey, Notice notice, PushSubscriptionKeys subscription)
    {
        var (compoundId, userId) = CompoundScopedKey.Parse(inboxKey);
        var inbox = GrainFactory.NoticeInbox(compoundId, userId);
        var keys = await Keys();
        using var vapid = new VapidAuthentication(keys.PublicKey, keys.PrivateKey) { Subject = _options.VapidSubject };
        var client = new PushServiceClient(Http) { DefaultAuthentication = vapid, DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid, AutoRetryAfter = false };
        var target = new PushSubscription { Endpoint = subscription.Endpoint };
        target.SetKey(PushEncryptionKeyName.P256DH, subscription.P256dh);
        target.SetKey(PushEncryptionKeyName.Auth, subscription.Auth);
        var payload = JsonSerializer.Serialize(NoticePayload.Of(notice, subscription.Channel, link: notice.Link), Json);

        var (delivery, status) = await Try(subscription.Channel, async cancel =>
        {
            var message = new PushMessage(payload) { Topic = TopicOf(notice.Id), TimeToLive = (int)TimeToLive(notice.Kind).TotalSeconds, Urgency = UrgencyOf(notice.Kind) };
            try
            {
                await client.RequestPushMessageDeliveryAsync(target, message, cancel);
                return (int)HttpStatusCode.Created;
            }
            catch (PushServiceClientException failed)
            {
                return (int)failed.StatusCode;
            }
        });

        await inbox.RecordDelivery(notice.Id, delivery);
        if (status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.Gone)
        {
            await inbox.Unsubscribe(subscription.Endpoint);
        }
    }

    public async Task SendWebhook(string compoundId, WebhookTarget target, Notice notice)
    {
        var body = JsonSerializer.Serialize(NoticePayload.Of(notice, WebhookRelay.Channel, Absolute(notice)), Json);
        var attempt = 0;
        var (delivery, status) = await Try(WebhookRelay.Channel, async cancel =>
        {
            attempt++;
            var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(WebhookRelay.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookRelay.SignatureHeader, WebhookRelay.Sign(target.Secret, timestamp, body));
            request.Headers.Add(WebhookRelay.NoticeIdHeader, notice.Id);
            request.Headers.Add(WebhookRelay.AttemptHeader, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await Http.SendAsync(request, cancel);
            return (int)response.StatusCode;
        });

        await GrainFactory.WebhookRelay(compoundId).Record(notice.Id, delivery, status);
    }

    /// <summary>A Topic header (at most 32 base64url characters) per notice: a push service replaces a queued message of the same topic, so a retry never queues two.</summary>
    public static string TopicOf(string noticeId) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(noticeId)).AsSpan(0, 24));

    /// <summary>How long a push service should keep trying to reach a sleeping device: a "plug in now" is worthless an hour later.</summary>
    public static TimeSpan TimeToLive(NoticeKind kind) => kind switch
    {
        NoticeKind.PlugInNow or NoticeKind.MoveCar or NoticeKind.NoShowWarning => TimeSpan.FromMinutes(15),
        NoticeKind.ShelterAlarm => TimeSpan.FromHours(1),
        NoticeKind.TurnScheduled or NoticeKind.TurnMoved => TimeSpan.FromHours(2),
        _ => TimeSpan.FromDays(1),
    };

    public static PushMessageUrgency UrgencyOf(NoticeKind kind) => kind switch
    {
        NoticeKind.ShelterAlarm or NoticeKind.PlugInNow or NoticeKind.MoveCar or NoticeKind.NoShowWarning => PushMessageUrgency.High,
        NoticeKind.VoteOpened or NoticeKind.VoteClosing => PushMessageUrgency.Low,
        _ => PushMessageUrgency.Normal,
    };

    private static bool Retryable(int status) => status is 408 or 429 or >= 500;

    private async Task<(NoticeDelivery Delivery, int? Status)> Try(string channel, Func<CancellationToken, Task<int>> send)
    {
        var delay = _options.RetryDelay;
        int? status = null;
        string? error = null;
        var attempts = Math.Max(1, _options.Attempts);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout);
            try
            {
                status = await send(timeout.Token);
                error = status is >= 200 and < 300 ? null : $"HTTP {status}";
            }
            catch (Exception failed) when (failed is HttpRequestException or OperationCanceledException)
            {
                status = null;
                error = failed is OperationCanceledException ? "timed out" : failed.Message;
            }

            if (error is null)
            {
                return (new NoticeDelivery(channel, DeliveryStatus.Sent, TimeProvider.System.GetUtcNow(), attempt, null), status);
            }

            if (status is { } code && !Retryable(code))
            {
                LogFailed(channel, attempt, error);
                return (new NoticeDelivery(channel, DeliveryStatus.Failed, TimeProvider.System.GetUtcNow(), attempt, error), status);
            }

            if (attempt < attempts)
            {
                await Task.Delay(delay);
                delay *= 2;
            }
        }

        LogFailed(channel, attempts, error!);
        return (new NoticeDelivery(channel, DeliveryStatus.Failed, TimeProvider.System.GetUtcNow(), attempts, error), status);
    }

    private async Task<VapidKeys> Keys() => _keys ??= await VapidKeysOf(_options, GrainFactory);

    /// <summary>The configured pair, or the one the cluster made and keeps.</summary>
    public static async Task<VapidKeys> VapidKeysOf(NoticeOptions options, IGrainFactory grains) =>
        !string.IsNullOrWhiteSpace(options.VapidPublicKey) && !string.IsNullOrWhiteSpace(options.VapidPrivateKey)
            ? new VapidKeys(options.VapidPublicKey, options.VapidPrivateKey)
            : await grains.VapidKeys().Get();

    /// <summary>The app's notices page, which records the click as the webhook's and then opens the notice's own page.</summary>
    private string Absolute(Notice notice)
    {
        var link = $"/notices?clicked={Uri.EscapeDataString(notice.Id)}&channel={WebhookRelay.Channel}&then={Uri.EscapeDataString(notice.Link)}";
        return string.IsNullOrWhiteSpace(_options.PublicBaseUrl) ? link : new Uri(new Uri(_options.PublicBaseUrl), link).AbsoluteUri;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice delivery on {Channel} failed after {Attempts} tries: {Error}")]
    private partial void LogFailed(string channel, int attempts, string error);
}

/// <summary>What a device's service worker and a webhook receiver get: the notice, and which channel carried it.</summary>
public sealed record NoticePayload(
    string Id,
    string CompoundId,
    string UserId,
    string Kind,
    string Title,
    string Body,
    string Link,
    DateTimeOffset CreatedAt,
    string Channel)
{
    public static NoticePayload Of(Notice notice, string channel, string link) =>
        new(notice.Id, notice.CompoundId, notice.UserId, KindName(notice.Kind), notice.Title, notice.Body, link, notice.CreatedAt, channel);

    /// <summary>Kinds on the wire in kebab case: <c>plug-in-now</c>, <c>shelter-alarm</c>.</summary>
    public static string KindName(NoticeKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}
