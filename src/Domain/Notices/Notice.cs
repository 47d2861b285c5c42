namespace Parking.Domain.Notices;

/// <summary>The notices that matter to a driver when the page is closed; each user chooses which they want.</summary>
public enum NoticeKind
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

/// <summary>
/// One notice to one user. <see cref="Id"/> is derived from the event that caused it (the same event always
/// gives the same id), so a repeated event or a retried delivery never makes a second notice.
/// <see cref="Link"/> is the app page it opens, relative to the app's root.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Notice(
    [Id(0)] string Id,
    [Id(1)] string CompoundId,
    [Id(2)] string UserId,
    [Id(3)] NoticeKind Kind,
    [Id(4)] string Title,
    [Id(5)] string Body,
    [Id(6)] string Link,
    [Id(7)] DateTimeOffset CreatedAt)
{
    /// <summary>Safety first: a shelter alarm reaches the driver even in their quiet hours.</summary>
    public bool Urgent => Kind == NoticeKind.ShelterAlarm;
}

public enum DeliveryStatus
{
    /// <summary>Handed to the channel's sender, no answer yet.</summary>
    Pending,

    /// <summary>The push service or the webhook receiver accepted it.</summary>
    Sent,

    /// <summary>Every try failed; <see cref="NoticeDelivery.Error"/> says why.</summary>
    Failed,

    /// <summary>The user opened the notice from this channel.</summary>
    Clicked,

    /// <summary>Not sent: the user muted the kind, or it came in their quiet hours. It stays in the inbox.</summary>
    Held,
}

/// <summary>What happened to one notice on one channel (<c>push:…</c> per subscribed device, <c>webhook</c>, <c>inbox</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record NoticeDelivery(
    [Id(0)] string Channel,
    [Id(1)] DeliveryStatus Status,
    [Id(2)] DateTimeOffset At,
    [Id(3)] int Attempts,
    [Id(4)] string? Error);

/// <summary>A notice in a user's inbox with what each channel did with it.</summary>
[GenerateSerializer, Immutable]
public sealed record InboxEntry(
    [Id(0)] Notice Notice,
    [Id(1)] bool Read,
    [Id(2)] IReadOnlyList<NoticeDelivery> Deliveries);
