namespace Parking.Domain.Charging;

/// <summary>
/// What a turn may draw over time as an area's plan allows it: inside its power schedule's window, the schedule's
/// power (never above the charger's rating); in the rest of the turn (or all of it, when the plan gave no schedule),
/// the charger's rating; nothing outside the turn. The area book checks the feed with it, and the simulator charges
/// its cars with it, so a simulated night draws what a live area tells its chargers.
/// </summary>
public sealed record TurnDraw(ChargingTurn Turn, double RatingKw, TurnPowerSchedule? Schedule)
{
    /// <summary>The power the turn may draw at <paramref name="instant"/>.</summary>
    public double KwAt(DateTimeOffset instant) =>
        !Turn.Window.Contains(instant) ? 0
        : Schedule is { } s && s.Window.Contains(instant) ? Math.Min(RatingKw, s.KwAt(instant))
        : RatingKw;

    /// <summary>The instants at which the draw may change (unsorted, possibly repeated).</summary>
    public IEnumerable<DateTimeOffset> Changes() =>
        Schedule is { } s
            ? [Turn.Window.Start, Turn.Window.End, s.Window.Start, s.Window.End, .. s.Steps.Select(step => step.Start)]
            : [Turn.Window.Start, Turn.Window.End];

    /// <summary>
    /// The stretches of [<paramref name="from"/>, <paramref name="to"/>) over which the draw is constant, in time order,
    /// each split at the boundaries of periods of <paramref name="period"/> (counted from the Unix epoch, as areas'
    /// periods are), with the power drawn in it.
    /// </summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End, double Kw)> Stretches(DateTimeOffset from, DateTimeOffset to, TimeSpan period)
    {
        if (to <= from)
        {
            yield break;
        }

        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The period is more than zero.");
        }

        var cuts = Changes().Where(t => t > from && t < to).ToHashSet();
        var ticks = period.Ticks;
        for (var boundary = from.UtcTicks - (from.UtcTicks % ticks) + ticks; boundary < to.UtcTicks; boundary += ticks)
        {
            cuts.Add(new DateTimeOffset(boundary, TimeSpan.Zero));
        }

        var at = from;
        foreach (var cut in cuts.Order().Append(to))
        {
            yield return (at, cut, KwAt(at));
            at = cut;
        }
    }
}
