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
    [property: Id(0)] string Id,
    [property: Id(1)] string CompoundId,
    [property: Id(2)] string UserId,
    [property: Id(3)] NoticeKind Kind,
    [property: Id(4)] string Title,
    [property: Id(5)] string Body,
    [property: Id(6)] string Link,
    [property: Id(7)] DateTimeOffset CreatedAt)
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
    [property: Id(0)] string Channel,
    [property: Id(1)] DeliveryStatus Status,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int Attempts,
    [property: Id(4)] string? Error);

/// <summary>A notice in a user's inbox with what each channel did with it.</summary>
[GenerateSerializer, Immutable]
public sealed record InboxEntry(
    [property: Id(0)] Notice Notice,
    [property: Id(1)] bool Read,
    [property: Id(2)] IReadOnlyList<NoticeDelivery> Deliveries);
