using Parking.Domain;
using Parking.Domain.Sharing;

namespace Parking.Planning.Sharing;

/// <summary>Expands a weekly pattern ("every weekday night 19:00–07:30 in December") into windows.</summary>
public static class SharingWindows
{
    public static readonly IReadOnlyList<DayOfWeek> Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public static readonly IReadOnlyList<DayOfWeek> EveryDay =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    /// <summary>
    /// One window per day from <paramref name="first"/> to <paramref name="last"/> (both included) whose
    /// weekday is in <paramref name="days"/>, from <paramref name="start"/> to <paramref name="end"/> local
    /// time at <paramref name="utcOffset"/>; an end at or before the start runs into the next morning.
    /// </summary>
    public static IReadOnlyList<TimeWindow> Weekly(
        DateOnly first,
        DateOnly last,
        IReadOnlyCollection<DayOfWeek> days,
        TimeOnly start,
        TimeOnly end,
        TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(days);
        return [.. new WeeklyPattern([.. days], start, end).Occurrences(first, last, utcOffset)];
    }
}
