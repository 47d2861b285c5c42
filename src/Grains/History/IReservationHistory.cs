using Parking.Domain.History;

namespace Parking.Grains.History;

/// <summary>
/// The append-only history of reservations, for staff reports and the simulator's calibration.
/// A process-wide service, not a grain: space grains append to it on their hot path.
/// </summary>
public interface IReservationHistory
{
    /// <summary>
    /// Records an event. Returns at once and never blocks or throws for I/O: a store that writes to a
    /// database queues the event and writes it in the background.
    /// </summary>
    void Append(ReservationEvent reservationEvent);

    /// <summary>
    /// The events that bear on <c>[from, to)</c> (<see cref="ReservationEvent.BearsOn"/>) in the compound,
    /// of one lot or of all. Events still queued for writing may be missing.
    /// </summary>
    Task<IReadOnlyList<ReservationEvent>> Query(string compoundId, DateTimeOffset from, DateTimeOffset to, string? lotId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A person left the compound (PIPL): every event that names them, and every one recorded later, names
    /// <paramref name="pseudonym"/> instead. The events stay (reports still count them), only who is gone.
    /// </summary>
    Task Anonymise(string compoundId, string residentId, string pseudonym, CancellationToken cancellationToken = default);

    /// <summary>
    /// The compound's retention period (PIPL): removes the events that happened before <paramref name="cutoff"/> of
    /// bookings whose window also ended before it; returns how many went.
    /// </summary>
    Task<int> Forget(string compoundId, DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
