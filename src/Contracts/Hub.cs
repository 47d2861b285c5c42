namespace Parking.Contracts;

/// <summary>The SignalR hub's address and method names, shared by server and clients.</summary>
public static class ParkingHub
{
    public const string Path = "/hubs/parking";

    /// <summary>Server method: start watching a lot; returns its current <see cref="LotOccupancyDto"/>.</summary>
    public const string WatchLot = nameof(WatchLot);

    /// <summary>Server method: stop watching a lot.</summary>
    public const string UnwatchLot = nameof(UnwatchLot);
}

/// <summary>
/// What the server calls on a connected client. A client hears about the lots it watches and about
/// its own reservations, nothing else.
/// </summary>
public interface IParkingClient
{
    Task LotChanged(LotChangeDto change);

    Task ReservationChanged(ReservationDto reservation);

    /// <summary>One of your bookings broke (its window was withdrawn, or the car before overstays): where you were moved, if anywhere.</summary>
    Task DriverNotice(DriverNoticeDto notice);
}
