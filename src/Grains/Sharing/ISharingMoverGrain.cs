namespace Parking.Grains;

/// <summary>
/// Finds a broken booking a new home: a free space of the same kind, nearest to the driver's building, for
/// the same window, booked for the driver; else the driver is told at once. One activation per silo.
/// </summary>
public interface ISharingMoverGrain : IGrainWithIntegerKey
{
    /// <param name="broken">The booking as its space cancelled it.</param>
    /// <param name="kind">The kind of space the driver had.</param>
    /// <param name="reason">Why it broke: <c>withdrawn</c> (the owner withdrew the window) or <c>overstay</c> (the space is still occupied).</param>
    [OneWay]
    Task MoveBroken(Reservation broken, SpaceKind kind, BrokenBookingReason reason);

    /// <summary>
    /// A car overstays on <paramref name="waiting"/>'s space: books the driver elsewhere and then cancels the
    /// waiting booking (refunded); with nowhere to go, the booking stays and the driver is told.
    /// </summary>
    [OneWay]
    Task MoveAway(Reservation waiting, SpaceKind kind);
}

/// <summary>The compound's overstaying cars for staff (key: compound id); kept in memory, rebuilt as spaces flag them again.</summary>
public interface IOverstayRegistryGrain : IGrainWithStringKey
{
    [OneWay]
    Task Flag(Reservation overstay);

    [OneWay]
    Task Clear(string reservationId);

    [ReadOnly]
    Task<IReadOnlyList<Reservation>> GetAll();
}
