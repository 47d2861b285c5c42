namespace Parking.Grains;

/// <summary>One parking space (key: compound/space): the single writer of its calendar.</summary>
public interface IParkingSpaceGrain : IGrainWithStringKey
{
    Task Configure(SpaceDefinition definition);

    Task<Outcome<Reservation>> Reserve(ReserveCommand command);

    Task<Outcome<Reservation>> Cancel(string reservationId, Actor actor);

    Task<Outcome<Reservation>> CheckIn(string reservationId, Actor actor);

    Task<Outcome<Reservation>> CheckOut(string reservationId, Actor actor);

    Task<Outcome<Reservation>> GetReservation(string reservationId, Actor actor);

    Task<Outcome<bool>> SetOutOfService(bool outOfService);

    /// <summary>Releases reservations not checked in within the grace period; returns how many.</summary>
    Task<int> ReleaseNoShows();

    /// <summary>
    /// The space's availability for the index. Interleaves: the lot asks for it while rebuilding,
    /// possibly while this space is waiting on the lot.
    /// </summary>
    [AlwaysInterleave]
    Task<SpaceAvailability?> GetAvailability();
}
