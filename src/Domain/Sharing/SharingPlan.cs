namespace Parking.Domain.Sharing;

/// <summary>
/// A weekly recurrence in the compound's local time: on each of <see cref="Days"/>, from <see cref="Start"/>
/// to <see cref="End"/>. An end before the start crosses midnight (Fri 22:00–06:00 runs into Saturday);
/// an end equal to the start is a whole day of 24 hours.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WeeklyPattern(
    [Id(0)] IReadOnlyList<DayOfWeek> Days,
    [Id(1)] TimeOnly Start,
    [Id(2)] TimeOnly End)
{
    private const int MinutesPerDay = 24 * 60;

    public TimeSpan Length
    {
        get
        {
            var length = End.ToTimeSpan() - Start.ToTimeSpan();
            return length <= TimeSpan.Zero ? length + TimeSpan.FromDays(1) : length;
        }
    }

    /// <summary>
    /// One window per local day from <paramref name="first"/> to <paramref name="last"/> (both included) that
    /// falls on one of the pattern's days, at <paramref name="utcOffset"/>; a pattern that ends at or before
    /// its start runs into the next morning.
    /// </summary>
    public IEnumerable<TimeWindow> Occurrences(DateOnly first, DateOnly last, TimeSpan utcOffset)
    {
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (Days.Contains(day.DayOfWeek))
            {
                var start = new DateTimeOffset(day.ToDateTime(Start), utcOffset);
                yield return new TimeWindow(start, start + Length);
            }
        }
    }

    /// <summary>The pattern's occurrences as minute ranges of a week that starts on Sunday 00:00; a range may run past the week's end.</summary>
    internal IEnumerable<(int Start, int End)> WeekMinutes()
    {
        var start = (int)Start.ToTimeSpan().TotalMinutes;
        var length = (int)Length.TotalMinutes;
        foreach (var day in Days.Distinct())
        {
            var from = (int)day * MinutesPerDay + start;
            yield return (from, from + length);
        }
    }
}

/// <summary>A one-off window added to a plan, in the compound's local time.</summary>
[GenerateSerializer, Immutable]
public sealed record LocalWindow(
    [Id(0)] DateTime Start,
    [Id(1)] DateTime End);

/// <summary>
/// The hours in which an owner lets others use their private space: weekly patterns from
/// <see cref="From"/> to <see cref="Until"/> (local dates, both included), minus the
/// <see cref="WithdrawnDates"/> (occurrences that start on such a date are withdrawn), plus
/// <see cref="AddedWindows"/>. Local times are read with <see cref="UtcOffset"/>, the compound's zone.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SharingPlan(
    [Id(0)] IReadOnlyList<WeeklyPattern> Patterns,
    [Id(1)] DateOnly From,
    [Id(2)] DateOnly Until,
    [Id(3)] IReadOnlyList<DateOnly> WithdrawnDates,
    [Id(4)] IReadOnlyList<LocalWindow> AddedWindows,
    [Id(5)] TimeSpan UtcOffset)
{
    /// <summary>The longest plan one may publish at once.</summary>
    public static readonly TimeSpan MaximumSpan = TimeSpan.FromDays(366);

    /// <summary>A plan that shares nothing: what an owner publishes to withdraw everything.</summary>
    public static SharingPlan None(DateOnly today, TimeSpan utcOffset) => new([], today, today, [], [], utcOffset);

    /// <summary>Every day, all day, from <paramref name="from"/> to <paramref name="until"/>.</summary>
    public static SharingPlan RoundTheClock(DateOnly from, DateOnly until, TimeSpan utcOffset) =>
        new([new WeeklyPattern(Enum.GetValues<DayOfWeek>(), TimeOnly.MinValue, TimeOnly.MinValue)], from, until, [], [], utcOffset);

    public DateTimeOffset StartInstant => Local(From.ToDateTime(TimeOnly.MinValue));

    /// <summary>The plan's end: midnight (local) after <see cref="Until"/>. Nothing is shared after it.</summary>
    public DateTimeOffset EndInstant => Local(Until.AddDays(1).ToDateTime(TimeOnly.MinValue));

    /// <summary>The local date of an instant in the plan's zone.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeSpan utcOffset) => DateOnly.FromDateTime(instant.ToOffset(utcOffset).DateTime);

    /// <summary>Checks the plan as published at <paramref name="now"/>; null when acceptable, else the field at fault and why.</summary>
    public DomainError? Validate(DateTimeOffset now)
    {
        var today = LocalDate(now, UtcOffset);
        if (Until < today)
        {
            return DomainError.Invalid("until", "sharing-in-past", "The plan's end date has passed.");
        }

        if (From < today)
        {
            return DomainError.Invalid("from", "sharing-in-past", "The plan starts in the past: it may start today at the earliest.");
        }

        if (Until < From)
        {
            return DomainError.Invalid("until", "sharing-reversed", "The plan is reversed: its end date is before its start date.");
        }

        if (EndInstant - StartInstant > MaximumSpan)
        {
            return DomainError.Invalid("until", "sharing-too-long", $"A plan covers at most {MaximumSpan.TotalDays:0} days.");
        }

        for (var i = 0; i < Patterns.Count; i++)
        {
            var pattern = Patterns[i];
            if (pattern.Days is null || pattern.Days.Count == 0)
            {
                return DomainError.Invalid($"patterns[{i}].days", "sharing-no-days", "A weekly pattern names at least one day.");
            }

            if (pattern.Days.Any(d => !Enum.IsDefined(d)))
            {
                return DomainError.Invalid($"patterns[{i}].days", "sharing-bad-day", "Days are sunday to saturday.");
            }

            if (pattern.Days.Distinct().Count() != pattern.Days.Count)
            {
                return DomainError.Invalid($"patterns[{i}].days", "sharing-patterns-overlap", "A day is named twice in one pattern.");
            }
        }

        if (FirstOverlap() is { } overlap)
        {
            return DomainError.Invalid(
                $"patterns[{overlap.Second}]",
                "sharing-patterns-overlap",
                $"Patterns {overlap.First} and {overlap.Second} overlap: a week's hours may be named by one pattern only.");
        }

        for (var i = 0; i < WithdrawnDates.Count; i++)
        {
            var date = WithdrawnDates[i];
            if (date < today)
            {
                return DomainError.Invalid($"withdrawn[{i}]", "sharing-in-past", "A withdrawn date has passed.");
            }

            if (date < From || date > Until)
            {
                return DomainError.Invalid($"withdrawn[{i}]", "sharing-beyond-end-date", "A withdrawn date lies outside the plan's dates.");
            }
        }

        for (var i = 0; i < AddedWindows.Count; i++)
        {
            var added = AddedWindows[i];
            if (added.End <= added.Start)
            {
                return DomainError.Invalid($"added[{i}].end", "sharing-reversed", "An added window ends before (or when) it starts.");
            }

            if (Local(added.Start) < now)
            {
                return DomainError.Invalid($"added[{i}].start", "sharing-in-past", "An added window starts in the past.");
            }

            if (Local(added.Start) < StartInstant || Local(added.End) > EndInstant)
            {
                return DomainError.Invalid($"added[{i}].end", "sharing-beyond-end-date", "An added window lies beyond the plan's dates.");
            }

            for (var j = 0; j < i; j++)
            {
                if (added.Start < AddedWindows[j].End && AddedWindows[j].Start < added.End)
                {
                    return DomainError.Invalid($"added[{i}]", "sharing-patterns-overlap", $"Added windows {j} and {i} overlap.");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The shared time meeting <paramref name="range"/>, as ordered, disjoint, non-touching windows (two
    /// windows that meet are one), clipped to the range and to the plan's dates.
    /// </summary>
    public IReadOnlyList<TimeWindow> Expand(TimeWindow range)
    {
        var from = Max(range.Start, StartInstant);
        var to = Min(range.End, EndInstant);
        if (to <= from)
        {
            return [];
        }

        var raw = new List<TimeWindow>();
        var withdrawn = WithdrawnDates.ToHashSet();

        // A pattern that crosses midnight starts on the day before: begin one day early.
        var firstDay = LocalDate(from, UtcOffset).AddDays(-1);
        var lastDay = LocalDate(to, UtcOffset);
        var first = firstDay > From ? firstDay : From;
        var last = lastDay < Until ? lastDay : Until;
        foreach (var pattern in Patterns)
        {
            raw.AddRange(pattern.Occurrences(first, last, UtcOffset).Where(w => !withdrawn.Contains(LocalDate(w.Start, UtcOffset))));
        }

        raw.AddRange(AddedWindows.Select(a => new TimeWindow(Local(a.Start), Local(a.End))));
        return Merge(raw, from, to);
    }

    /// <summary>Whether the whole of <paramref name="window"/> is shared.</summary>
    public bool Covers(TimeWindow window) => Expand(window) is [var only] && only.Start <= window.Start && only.End >= window.End;

    private DateTimeOffset Local(DateTime local) => new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), UtcOffset);

    private (int First, int Second)? FirstOverlap()
    {
        const int week = 7 * 24 * 60;
        var ranges = Patterns
            .SelectMany((p, i) => p.WeekMinutes().SelectMany(r => new[] { (r.Start, r.End, i), (r.Start - week, r.End - week, i), (r.Start + week, r.End + week, i) }))
            .OrderBy(r => r.Item1)
            .ToList();
        for (var a = 0; a < ranges.Count; a++)
        {
            for (var b = a + 1; b < ranges.Count && ranges[b].Item1 < ranges[a].Item2; b++)
            {
                if (ranges[a].i != ranges[b].i)
                {
                    return (Math.Min(ranges[a].i, ranges[b].i), Math.Max(ranges[a].i, ranges[b].i));
                }
            }
        }

        return null;
    }

    private static List<TimeWindow> Merge(List<TimeWindow> windows, DateTimeOffset from, DateTimeOffset to)
    {
        var merged = new List<TimeWindow>();
        foreach (var window in windows.OrderBy(w => w.Start))
        {
            var clipped = new TimeWindow(Max(window.Start, from), Min(window.End, to));
            if (clipped.IsEmpty)
            {
                continue;
            }

            if (merged.Count > 0 && merged[^1].End >= clipped.Start)
            {
                merged[^1] = merged[^1] with { End = Max(merged[^1].End, clipped.End) };
            }
            else
            {
                merged.Add(clipped);
            }
        }

        return merged;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
