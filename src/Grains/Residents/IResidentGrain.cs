namespace Parking.Grains;

/// <summary>A reservation as the resident's request produced it; <see cref="Replayed"/> when an idempotency key matched.</summary>
[GenerateSerializer, Immutable]
public sealed record ReserveResult([property: Id(0)] Reservation Reservation, [property: Id(1)] bool Replayed);

/// <summary>A resident (key: compound/resident): their reservations, their limit, their idempotency keys.</summary>
public interface IResidentGrain : IPersonalHistory
{
    /// <summary>
    /// Reserves a space for this resident. With an idempotency key, a retry of the same request returns
    /// the reservation made the first time instead of making a second one.
    /// </summary>
    Task<Outcome<ReserveResult>> Reserve(string spaceId, TimeWindow window, string? plate, string? idempotencyKey);

    [ReadOnly]
    Task<IReadOnlyList<Reservation>> GetReservations();

    /// <summary>A space tells the resident that one of their reservations changed. One-way, so a space never waits on a resident.</summary>
    [OneWay]
    Task ReservationUpdated(Reservation reservation);

    /// <summary>
    /// The person left the compound: the bookings on the spaces name <paramref name="pseudonym"/> instead, and this
    /// grain's record is removed. An update that arrives later is dropped (<see cref="PersonalRecords"/>).
    /// </summary>
    Task Depart(string pseudonym);
}
