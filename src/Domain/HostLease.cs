namespace Parking.Domain;

/// <summary>
/// How long a host's registration (a web host's hub observer) holds without being renewed. Host liveness is read on
/// the real clock, not domain time: tests move the domain clock.
/// </summary>
public static class HostLease
{
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    /// <summary>Whether a host last seen at <paramref name="seen"/> still counts as live at <paramref name="now"/>.</summary>
    public static bool Live(DateTimeOffset seen, DateTimeOffset now) => seen >= now - Expiry;
}
