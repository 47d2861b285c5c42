namespace Parking.Contracts;

/// <summary>
/// A notice in the user's inbox. Kind: turn-scheduled, turn-moved, plug-in-now, move-car, no-show-warning,
/// booking-broken, shelter-alarm, round-result, vote-opened, vote-closing. Link: the app page it opens.
/// </summary>
public sealed record NoticeDto(
    string Id,
    string Kind,
    string Title,
    string Body,
    string Link,
    DateTimeOffset CreatedAt,
    bool Read,
    IReadOnlyList<NoticeDeliveryDto> Deliveries);

/// <summary>What one channel (<c>push:…</c> per device, <c>webhook</c>, <c>inbox</c>) did: pending, sent, failed, clicked, held.</summary>
public sealed record NoticeDeliveryDto(string Channel, string Status, DateTimeOffset At, int Attempts, string? Error);

/// <summary>The user's notices, newest first.</summary>
public sealed record InboxDto(IReadOnlyList<NoticeDto> Notices, int Unread);

/// <summary>A click on a notice, and the channel it came from (default <c>inbox</c>).</summary>
public sealed record NoticeClickRequest(string? Channel);

/// <summary>
/// Which kinds are not sent to phones or the webhook (they still reach the inbox), and the quiet hours in the
/// compound's local time as HH:mm (both or neither; may run past midnight). <see cref="Kinds"/> lists every kind.
/// </summary>
public sealed record NoticePreferencesDto(IReadOnlyList<string> Muted, string? QuietFrom, string? QuietUntil, IReadOnlyList<string> Kinds);

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
    string Kind,
    string Status,
    int Attempts,
    DateTimeOffset At,
    int? HttpStatus,
    string? Error);
