namespace Parking.Domain.History;

/// <summary>A report's period, <c>[From, To)</c>.</summary>
public readonly record struct ReportPeriod(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The longest period a report covers: a month of hours is what a staff screen can show.</summary>
    public static readonly TimeSpan MaximumSpan = TimeSpan.FromDays(31);

    public TimeSpan Span => To - From;

    /// <summary>Null when the period can be reported on; otherwise the error naming the field at fault.</summary>
    public DomainError? Validate()
    {
        if (To <= From)
        {
            return DomainError.Invalid("to", "period-empty", "to must be after from.");
        }

        return Span > MaximumSpan
            ? DomainError.Invalid("to", "period-too-long", $"A report covers at most {MaximumSpan.TotalDays:0} days.")
            : null;
    }
}

/// <summary>
/// One hour of one lot. <see cref="HeldShare"/> is reserved-or-occupied space-hours ÷ (capacity × the
/// hour); <see cref="OccupiedShare"/> counts only the time a car stood there (checked in to checked out).
/// </summary>
public sealed record LotHourOccupancy(
    string LotId,
    DateTimeOffset HourStart,
    int Capacity,
    double HeldSpaceHours,
    double OccupiedSpaceHours,
    double HeldShare,
    double OccupiedShare);

/// <summary>
/// Reservations whose window started in the period, by what became of them. <see cref="Rate"/> is
/// no-shows ÷ (no-shows + shown): cancelled reservations were never expected, and pending ones (still
/// reserved, within their grace) are not decided yet.
/// </summary>
public sealed record NoShowReport(int Reservations, int Cancelled, int Pending, int Shown, int NoShows, double Rate);

/// <summary>
/// Completed stays (checked out in the period) of one lot, or of all lots when <see cref="LotId"/> is
/// null: <see cref="StaysPerSpacePerDay"/> is stays ÷ (capacity × days of the period); the mean stay
/// runs from check-in to check-out.
/// </summary>
public sealed record TurnoverRow(string? LotId, int Capacity, int CompletedStays, double StaysPerSpacePerDay, TimeSpan MeanStay);

/// <summary>Staff reports as pure functions of the history and a period; no clock, no storage.</summary>
public static class ReservationReports
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>The state of every reservation as its newest event (highest revision) describes it.</summary>
    public static IReadOnlyList<ReservationEvent> Latest(IEnumerable<ReservationEvent> events) =>
        [.. events
            .GroupBy(e => e.ReservationId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => (e.Revision, e.At))!)];

    /// <summary>
    /// Occupancy of each lot in <paramref name="capacities"/> for every UTC hour that meets the period
    /// (the first hour starts at <c>From</c> rounded down to the hour, the last one ends at or after <c>To</c>).
    /// </summary>
    public static IReadOnlyList<LotHourOccupancy> Occupancy(
        IEnumerable<ReservationEvent> events,
        ReportPeriod period,
        IReadOnlyDictionary<string, int> capacities)
    {
        ArgumentNullException.ThrowIfNull(capacities);
        var latest = Latest(events);
        var first = FloorToHour(period.From);
        var hours = (int)Math.Ceiling((period.To - first) / Hour);
        var rows = new List<LotHourOccupancy>(capacities.Count * hours);
        foreach (var (lotId, capacity) in capacities.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var lot = latest.Where(e => e.LotId == lotId).ToArray();
            for (var h = 0; h < hours; h++)
            {
                var bucket = new TimeWindow(first + (h * Hour), first + ((h + 1) * Hour));
                var held = lot.Sum(e => OverlapHours(e.Held, bucket));
                var occupied = lot.Sum(e => OverlapHours(e.Occupied, bucket));
                rows.Add(new LotHourOccupancy(
                    lotId,
                    bucket.Start,
                    capacity,
                    held,
                    occupied,
                    capacity > 0 ? held / capacity : 0,
                    capacity > 0 ? occupied / capacity : 0));
            }
        }

        return rows;
    }

    /// <summary>What became of the reservations whose window started in the period.</summary>
    public static NoShowReport NoShows(IEnumerable<ReservationEvent> events, ReportPeriod period)
    {
        var due = Latest(events).Where(e => e.Window.Start >= period.From && e.Window.Start < period.To).ToArray();
        var cancelled = due.Count(e => e.Kind == ReservationEventKind.Cancelled);
        var pending = due.Count(e => e.Kind == ReservationEventKind.Created);
        var shown = due.Count(e => e.Kind is ReservationEventKind.CheckedIn or ReservationEventKind.Completed);
        var noShows = due.Count(e => e.Kind == ReservationEventKind.NoShow);
        var decided = shown + noShows;
        return new NoShowReport(due.Length, cancelled, pending, shown, noShows, decided > 0 ? (double)noShows / decided : 0);
    }

    /// <summary>
    /// Turnover of each lot in <paramref name="capacities"/>, then a total row (null lot) over all of them.
    /// A stay counts in the period its check-out falls in.
    /// </summary>
    public static IReadOnlyList<TurnoverRow> Turnover(
        IEnumerable<ReservationEvent> events,
        ReportPeriod period,
        IReadOnlyDictionary<string, int> capacities)
    {
        ArgumentNullException.ThrowIfNull(capacities);
        var stays = Latest(events)
            .Where(e => e.Kind == ReservationEventKind.Completed
                && e.CheckedInAt is not null
                && e.EndedAt is { } ended && ended >= period.From && ended < period.To
                && capacities.ContainsKey(e.LotId))
            .ToArray();
        var days = period.Span.TotalDays;

        var rows = capacities
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => Row(c.Key, c.Value, stays.Where(e => e.LotId == c.Key).ToArray(), days))
            .ToList();
        rows.Add(Row(null, capacities.Values.Sum(), stays, days));
        return rows;
    }

    private static TurnoverRow Row(string? lotId, int capacity, ReservationEvent[] stays, double days)
    {
        var mean = stays.Length > 0
            ? TimeSpan.FromTicks((long)stays.Average(e => (e.EndedAt!.Value - e.CheckedInAt!.Value).Ticks))
            : TimeSpan.Zero;
        var perSpacePerDay = capacity > 0 && days > 0 ? stays.Length / (capacity * days) : 0;
        return new TurnoverRow(lotId, capacity, stays.Length, perSpacePerDay, mean);
    }

    private static double OverlapHours(TimeWindow? window, TimeWindow bucket)
    {
        if (window is not { } w)
        {
            return 0;
        }

        var start = w.Start > bucket.Start ? w.Start : bucket.Start;
        var end = w.End < bucket.End ? w.End : bucket.End;
        return end > start ? (end - start) / Hour : 0;
    }

    private static DateTimeOffset FloorToHour(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
