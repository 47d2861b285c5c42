using System.Text.Json.Serialization;

namespace Parking.Contracts;

/// <summary>
/// What a notice is about: <c>turn-scheduled</c>, <c>turn-moved</c>, <c>plug-in-now</c>, <c>move-car</c>,
/// <c>no-show-warning</c>, <c>booking-broken</c>, <c>shelter-alarm</c>, <c>round-result</c>, <c>vote-opened</c>,
/// <c>vote-closing</c>.
/// </summary>
[JsonConverter(typeof(KebabWireEnumConverter<NoticeKindDto>))]
public enum NoticeKindDto
{
    TurnScheduled,
    TurnMoved,
    PlugInNow,
    MoveCar,
    NoShowWarning,
    BookingBroken,
    ShelterAlarm,
    RoundResult,
    VoteOpened,
    VoteClosing,
}

/// <summary>What a channel did with a notice: <c>pending</c>, <c>sent</c>, <c>failed</c>, <c>clicked</c>, <c>held</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<NoticeDeliveryStatusDto>))]
public enum NoticeDeliveryStatusDto
{
    Pending,
    Sent,
    Failed,
    Clicked,
    Held,
}

/// <summary>A notice in the user's inbox. Link: the app page it opens.</summary>
public sealed record NoticeDto(
    string Id,
    NoticeKindDto Kind,
    string Title,
    string Body,
    string Link,
    DateTimeOffset CreatedAt,
    bool Read,
    IReadOnlyList<NoticeDeliveryDto> Deliveries);

/// <summary>What one channel (<c>push:…</c> per device, <c>webhook</c>, <c>inbox</c>) did.</summary>
public sealed record NoticeDeliveryDto(string Channel, NoticeDeliveryStatusDto Status, DateTimeOffset At, int Attempts, string? Error);

/// <summary>The user's notices, newest first.</summary>
public sealed record InboxDto(IReadOnlyList<NoticeDto> Notices, int Unread);

/// <summary>A click on a notice, and the channel it came from (default <c>inbox</c>).</summary>
public sealed record NoticeClickRequest(string? Channel);

/// <summary>
/// Which kinds are not sent to phones or the webhook (they still reach the inbox), and the quiet hours in the
/// compound's local time as HH:mm (both or neither; may run past midnight). <see cref="Kinds"/> lists every kind.
/// </summary>
public sealed record NoticePreferencesDto(IReadOnlyList<NoticeKindDto> Muted, string? QuietFrom, string? QuietUntil, IReadOnlyList<NoticeKindDto> Kinds);

public sealed record NoticePreferencesRequest(IReadOnlyList<string>? Muted, string? QuietFrom, string? QuietUntil);

/// <summary>The deployment's VAPID public key (base64url), for the browser's <c>pushManager.subscribe</c>.</summary>
public sealed record PushKeyDto(string PublicKey);

/// <summary>A browser's push subscription: its endpoint and its keys (base64url), as <c>PushSubscription.toJSON()</c> gives them.</summary>
public sealed record PushSubscriptionRequest(string? Endpoint, string? P256dh, string? Auth);

public sealed record PushSubscriptionDto(string Channel, string Endpoint, DateTimeOffset CreatedAt);

/// <summary>Staff: where the compound's notices are relayed. Without a secret, a new one is made and returned once.</summary>
public sealed record WebhookRequest(string? Url, string? Secret);

public sealed record WebhookSettingsDto(string Url, string SecretHint, DateTimeOffset ConfiguredAt, string ConfiguredBy);

/// <summary>The answer to setting the webhook: the only time the secret is shown.</summary>
public sealed record WebhookConfiguredDto(string Url, string Secret);

public sealed record WebhookDeliveryDto(
    string NoticeId,
    string UserId,
    NoticeKindDto Kind,
    NoticeDeliveryStatusDto Status,
    int Attempts,
    DateTimeOffset At,
    int? HttpStatus,
    string? Error);
