namespace Parking.Domain.Sharing;

/// <summary>The visitor-pass quota of a household. Bound from configuration section <c>Parking:Visitors</c>.</summary>
public sealed class VisitorPolicy
{
    public const string SectionName = "Parking:Visitors";

    /// <summary>Passes a household may book per week (Monday to Sunday, compound local time).</summary>
    public int PassesPerWeek { get; set; } = 3;

    /// <summary>Hours of visitor parking a household may book per week.</summary>
    public TimeSpan HoursPerWeek { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The local week (Monday 00:00 to the next Monday 00:00) that holds an instant.</summary>
    public static TimeWindow WeekOf(DateTimeOffset instant, TimeSpan utcOffset)
    {
        var local = instant.ToOffset(utcOffset);
        var monday = local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        var start = new DateTimeOffset(monday, utcOffset);
        return new TimeWindow(start, start.AddDays(7));
    }

    /// <summary>
    /// Whether a household holding <paramref name="held"/> passes (not cancelled) may add one for <paramref name="window"/>;
    /// null when it may, else why not. The pass counts in the week its window starts.
    /// </summary>
    public DomainError? Check(IEnumerable<TimeWindow> held, TimeWindow window, TimeSpan utcOffset)
    {
        var week = WeekOf(window.Start, utcOffset);
        var inWeek = held.Where(w => week.Contains(w.Start)).ToList();
        if (inWeek.Count + 1 > PassesPerWeek)
        {
            return new DomainError(ErrorKind.Conflict, "visitor-quota", $"Your household has used its {PassesPerWeek} visitor passes for that week.", "start");
        }

        var hours = inWeek.Aggregate(TimeSpan.Zero, (sum, w) => sum + w.Duration) + window.Duration;
        if (hours > HoursPerWeek)
        {
            return new DomainError(ErrorKind.Conflict, "visitor-quota", $"Your household may book {HoursPerWeek.TotalHours:0.#} hours of visitor parking per week; this pass would make {hours.TotalHours:0.#}.", "end");
        }

        return null;
    }
}
