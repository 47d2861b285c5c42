namespace Parking.Domain.Charging;

/// <summary>
/// How a charger's recent meter reports are read as one figure of what its car draws, so that one odd reading, high or
/// low, neither reshapes a plan nor asks for one: the planner's measured power and the book's behind-plan trigger read
/// reports the same way.
/// </summary>
public static class MeterReadings
{
    /// <summary>A reading this much (a share) below what a car is given is a meter's rounding, not a car drawing less.</summary>
    public const double Slack = 0.05;

    /// <summary>
    /// The median of <paramref name="reports"/> (the upper one of an even count), where each report that shows the car
    /// drawing less than it was given at that instant (<paramref name="givenAt"/>, by the report's time, or
    /// <paramref name="now"/> for one without a time) counts what it drew, and every other report counts the car as
    /// taking all it was given (positive infinity). So the figure is finite only when most reports show the car drawing
    /// less; null when there are no reports.
    /// </summary>
    public static double? MedianShortfallKw(IEnumerable<ChargerSnapshot> reports, Func<DateTimeOffset, double> givenAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(givenAt);
        var figures = reports
            .Select(r => Math.Max(0, r.PowerKw) < givenAt(r.ReportedAt ?? now) * (1 - Slack) ? Math.Max(0, r.PowerKw) : double.PositiveInfinity)
            .Order()
            .ToList();
        return figures.Count == 0 ? null : figures[figures.Count / 2];
    }
}
