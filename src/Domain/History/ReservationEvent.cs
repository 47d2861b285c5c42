using Parking.Domain.Reservations;

namespace Parking.Domain.History;

/// <summary>What happened to a reservation: the state it moved into.</summary>
public enum ReservationEventKind
{
    Created,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
}

/// <summary>
/// One entry of the append-only history: a reservation as it stood right after a change. Every event
/// carries the whole state (window, check-in, end), so the newest event of a reservation tells all
/// that a report needs even when its older events fall outside what was read.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReservationEvent(
    [Id(0)] DateTimeOffset At,
    [Id(1)] string CompoundId,
    [Id(2)] string LotId,
    [Id(3)] string SpaceId,
    [Id(4)] string ReservationId,
    [Id(5)] string ResidentId,
    [Id(6)] ReservationEventKind Kind,
    [Id(7)] TimeWindow Window,
    [Id(8)] DateTimeOffset? CheckedInAt,
    [Id(9)] DateTimeOffset? EndedAt,
    [Id(10)] int Revision)
{
    /// <summary>
    /// How early before its window a reservation's events can matter to a period: a car may check in
    /// up to <see cref="ReservationPolicy.EarlyCheckIn"/> (15 min by default) early. Generous on purpose.
    /// </summary>
    public static readonly TimeSpan EarlyArrivalMargin = TimeSpan.FromHours(1);

    /// <summary>The event of a reservation that just changed, stamped with the domain instant of the change.</summary>
    public static ReservationEvent Of(Reservation reservation)
    {
        var kind = reservation.Status switch
        {
            ReservationStatus.Reserved => ReservationEventKind.Created,
            ReservationStatus.CheckedIn => ReservationEventKind.CheckedIn,
            ReservationStatus.Completed => ReservationEventKind.Completed,
            ReservationStatus.Cancelled => ReservationEventKind.Cancelled,
            _ => ReservationEventKind.NoShow,
        };

        // The domain instant of the change; a no-show is stamped when its grace ran out, not when it was noticed.
        var at = kind switch
        {
            ReservationEventKind.Created => reservation.CreatedAt,
            ReservationEventKind.CheckedIn => reservation.CheckedInAt ?? reservation.CreatedAt,
            _ => reservation.EndedAt ?? reservation.Window.End,
        };

        return new ReservationEvent(
            at,
            reservation.CompoundId,
            reservation.LotId,
            reservation.SpaceId,
            reservation.Id,
            reservation.ResidentId,
            kind,
            reservation.Window,
            reservation.CheckedInAt,
            reservation.EndedAt,
            reservation.Revision);
    }

    /// <summary>
    /// Whether this event can bear on a report of <c>[from, to)</c>: its reservation's window (or, for an
    /// overstay, its end) reaches into the period. Stores answer queries with exactly this filter.
    /// </summary>
    public bool BearsOn(DateTimeOffset from, DateTimeOffset to) =>
        Window.Start < to + EarlyArrivalMargin && (Window.End > from || EndedAt > from);

    /// <summary>
    /// The time the reservation kept the space from others, as this event describes it: from its start (or
    /// an earlier check-in) to its end, to check-out (early or late), or to cancellation or no-show.
    /// Null when it never held the space (cancelled before its window).
    /// </summary>
    public TimeWindow? Held
    {
        get
        {
            var start = CheckedInAt < Window.Start ? CheckedInAt.Value : Window.Start;
            var end = Kind switch
            {
                ReservationEventKind.Completed => EndedAt ?? Window.End,
                _ when EndedAt < Window.End => EndedAt.Value,
                _ => Window.End,
            };
            return end > start ? new TimeWindow(start, end) : null;
        }
    }

    /// <summary>The time a car stood on the space: from check-in to check-out (or the window's end while still checked in).</summary>
    public TimeWindow? Occupied =>
        CheckedInAt is { } checkedIn && Kind is ReservationEventKind.CheckedIn or ReservationEventKind.Completed && Held is { } held && held.End > checkedIn
            ? new TimeWindow(checkedIn, held.End)
            : null;
}
