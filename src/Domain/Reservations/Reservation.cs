namespace Parking.Domain.Reservations;

public enum ReservationStatus
{
    Reserved,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
}

/// <summary>
/// A driver's claim on one space for a window. <see cref="Revision"/> grows with every change. <see cref="PaidBy"/> is
/// the ledger account charged for it (null: nothing charged, or booked by an earlier build), where a refund goes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Reservation(
    [Id(0)] string Id,
    [Id(1)] string CompoundId,
    [Id(2)] string LotId,
    [Id(3)] string SpaceId,
    [Id(4)] string ResidentId,
    [Id(5)] string? Plate,
    [Id(6)] TimeWindow Window,
    [Id(7)] ReservationStatus Status,
    [Id(8)] DateTimeOffset CreatedAt,
    [Id(9)] DateTimeOffset? CheckedInAt,
    [Id(10)] DateTimeOffset? EndedAt,
    [Id(11)] int Revision,
    [Id(12)] string? PaidBy = null)
{
    /// <summary>Reserved or checked in: the reservation still holds (part of) its window.</summary>
    public bool IsActive => Status is ReservationStatus.Reserved or ReservationStatus.CheckedIn;

    /// <summary>
    /// The time this reservation keeps the space from others. Check-out frees the rest of the window;
    /// cancellation and no-show free all of it; a car that stays past its end still holds the space.
    /// </summary>
    public TimeWindow? HeldWindow => Status switch
    {
        ReservationStatus.Reserved => Window,
        ReservationStatus.CheckedIn when CheckedInAt < Window.Start => Window with { Start = CheckedInAt.Value },
        ReservationStatus.CheckedIn => Window,
        _ => null,
    };

    /// <summary>Reservation ids carry their space so any host can route a command without a lookup.</summary>
    public static string NewId(string spaceId, Guid unique) => $"{spaceId}.{unique:N}";

    public static bool TryParseSpaceId(string reservationId, out string spaceId)
    {
        var dot = reservationId.LastIndexOf('.');
        spaceId = dot > 0 ? reservationId[..dot] : string.Empty;
        return dot > 0 && dot < reservationId.Length - 1;
    }
}

/// <summary>Who asks for a change: the resident themself, or a member of staff of the compound.</summary>
[GenerateSerializer, Immutable]
public sealed record Actor([Id(0)] string UserId, [Id(1)] bool IsStaff)
{
    public bool MayActOn(Reservation reservation) => IsStaff || reservation.ResidentId == UserId;
}
