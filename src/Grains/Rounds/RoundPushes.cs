namespace Parking.Grains.Notifications;

/// <summary>A driver's result in a round that just ran: booked (where) or waitlisted (why).</summary>
[GenerateSerializer, Immutable]
public sealed record RoundResultPush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] int Round,
    [property: Id(2)] Domain.Rounds.RoundRequestResult Result) : Push;

/// <summary>A round's summary for every staff member of the compound; <see cref="UserId"/> started it ("schedule" for the daily run).</summary>
[GenerateSerializer, Immutable]
public sealed record RoundSummaryPush([property: Id(0)] string UserId, [property: Id(1)] Domain.Rounds.RoundReport Report) : Push;

/// <summary>A waitlist entry was served: the driver is booked on <see cref="SpaceId"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record WaitlistServedPush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] Domain.Rounds.RoundEntry Entry,
    [property: Id(2)] string SpaceId,
    [property: Id(3)] IReadOnlyList<string> ReservationIds) : Push;
