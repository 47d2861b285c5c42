namespace Parking.Grains.Notifications;

/// <summary>
/// The clock the notifier times its window by (<see cref="HubPushOptions.FlushWindow"/>): when a lot's batch left and
/// how long its next change waits. The real clock in a silo; a test moves its own by hand, so it sees which changes
/// leave together without reading the wall clock. Not the domain clock (<c>ParkingClock</c>): a window is transport
/// time, and the grain tests move the domain clock for their own reasons.
/// </summary>
public sealed class PushWindowClock(TimeProvider time)
{
    public static PushWindowClock System { get; } = new(TimeProvider.System);

    public TimeProvider Time { get; } = time ?? throw new ArgumentNullException(nameof(time));
}
