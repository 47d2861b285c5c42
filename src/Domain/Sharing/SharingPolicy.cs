namespace Parking.Domain.Sharing;

/// <summary>The compound's sharing rules. Bound from configuration section <c>Parking:Sharing</c>.</summary>
public sealed class SharingPolicy
{
    public const string SectionName = "Parking:Sharing";

    /// <summary>
    /// The compound's local time as an offset from UTC: weekly patterns ("weekdays 08:00–18:00") are read in it.
    /// China Standard Time (UTC+8, no daylight saving) by default; the one place the zone is kept.
    /// </summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// A withdrawal that breaks a booking starting sooner than this is late: it is counted against the owner
    /// as a late break on top of the broken booking.
    /// </summary>
    public TimeSpan WithdrawalNotice { get; set; } = TimeSpan.FromHours(24);

    /// <summary>When a car overstays, the next booking on its space that starts sooner than this is moved elsewhere.</summary>
    public TimeSpan OverstayLookahead { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// The demo seed only: every private demo space is published as shared round the clock for this many days,
    /// so the demo and the load benchmark find supply; owners replace it with their own plan. Zero shares nothing.
    /// </summary>
    public int DemoSharingDays { get; set; } = 365;
}

public static class DemoSharing
{
    /// <summary>The plan the demo seed publishes for a private demo space (see <see cref="SharingPolicy.DemoSharingDays"/>); null for none.</summary>
    public static SharingPlan? PlanFor(DateTimeOffset now, SharingPolicy policy)
    {
        if (policy.DemoSharingDays <= 0)
        {
            return null;
        }

        var today = SharingPlan.LocalDate(now, policy.UtcOffset);
        return SharingPlan.RoundTheClock(today, today.AddDays(Math.Min(policy.DemoSharingDays, (int)SharingPlan.MaximumSpan.TotalDays) - 1), policy.UtcOffset);
    }
}
