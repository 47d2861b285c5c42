namespace Parking.Domain;

/// <summary>
/// The clock of the domain: windows, grace periods, no-shows. A <see cref="TimeProvider"/> of its own
/// type so that tests and the simulator can move it without moving the clock the Orleans runtime and
/// ASP.NET Core run on (membership, timeouts, token lifetimes).
/// </summary>
public sealed class ParkingClock(TimeProvider time) : TimeProvider
{
    public static ParkingClock RealTime { get; } = new(TimeProvider.System);

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

    public override long GetTimestamp() => time.GetTimestamp();

    public override long TimestampFrequency => time.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        time.CreateTimer(callback, state, dueTime, period);
}
