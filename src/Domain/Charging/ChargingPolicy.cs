namespace Parking.Domain.Charging;

/// <summary>The rules of in-turn charging. Bound from configuration section <c>Parking:Charging</c>.</summary>
public sealed class ChargingPolicy
{
    public const string SectionName = "Parking:Charging";

    /// <summary>Time after a turn starts in which the car must be plugged in, else it is a no-show and the next driver is called.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long before a turn ends the driver is told to come and move the car.</summary>
    public TimeSpan MoveNotice { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How early before its turn a car may plug in (if the charger is free) and count as arrived.</summary>
    public TimeSpan EarlyPlugIn { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The planner's time budget per re-plan; the best plan found by then is published.</summary>
    public TimeSpan SolveBudget { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Length of one planning period: turns start and end on these boundaries.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The planner used for turns (a name the planning registry knows).</summary>
    public string Algorithm { get; set; } = "in-turn";

    /// <summary>How far ahead a departure may lie.</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The most energy one request may ask for.</summary>
    public double MaxEnergyKwh { get; set; } = 150;

    /// <summary>How many waiting or planned requests one driver may hold in an area at once.</summary>
    public int MaxActivePerDriver { get; set; } = 2;

    /// <summary>Slack for clocks: an earliest start this much before now is taken as now.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a finished request stays in its area (for "my requests" and the timeline).</summary>
    public TimeSpan History { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// At most this many finished requests stay in their area besides (the newest first), however many ended within
    /// <see cref="History"/>: the area stores, plans over and pushes its whole book on every change, so its cost must
    /// not grow with how many drivers asked and withdrew (finished charges are kept by the charging history too).
    /// </summary>
    public int MaxFinishedKept { get; set; } = 200;

    /// <summary>
    /// The most turns one request may get (a car charges, is moved, and comes back for another turn later in its stay):
    /// 2 by default, 1 for one turn per request. Turns never start or end inside the quiet hours but at the car's own
    /// arrival and departure, so nobody moves a car at night.
    /// </summary>
    public int MaxTurnsPerRequest { get; set; } = 2;

    /// <summary>
    /// A meter report showing a charging car cannot get what it still needs by its turn's end at the power it draws asks
    /// the area to re-plan (to offer it a longer or a later turn), at most once per car in this time, so a meter reporting
    /// every minute does not re-plan the area every minute.
    /// </summary>
    public TimeSpan BehindReplanEvery { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Start of the quiet hours (compound local time) in which no turn may start or end, because people are asleep; null for none.</summary>
    public TimeOnly? QuietHoursFrom { get; set; }

    /// <summary>End of the quiet hours; may be before <see cref="QuietHoursFrom"/> (the hours cross midnight).</summary>
    public TimeOnly? QuietHoursUntil { get; set; }
}
