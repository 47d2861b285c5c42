namespace Parking.Domain.Shelters;

/// <summary>
/// The shelter's power limit is shared: every running session may draw an equal share of the limit,
/// capped at <see cref="ShelterPolicy.PortMaxWatts"/>. Nobody queues; a new session is refused only when
/// it would push the share under <see cref="ShelterPolicy.MinPortWatts"/>, too little to charge.
/// </summary>
public static class ShelterPower
{
    /// <summary>What each running session may draw with <paramref name="sessions"/> running.</summary>
    public static double AllowanceWatts(double limitKw, int sessions, ShelterPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var limitW = limitKw * 1000;
        return sessions <= 0 ? Math.Min(policy.PortMaxWatts, limitW) : Math.Min(policy.PortMaxWatts, limitW / sessions);
    }

    /// <summary>Whether one more session still leaves every session enough to charge.</summary>
    public static bool CanAdmit(double limitKw, int runningSessions, ShelterPolicy policy) =>
        AllowanceWatts(limitKw, runningSessions + 1, policy) >= policy.MinPortWatts;
}
