namespace Parking.Domain.Charging;

/// <summary>From <see cref="Start"/> until the next step (or the end of the schedule), at most <see cref="Kw"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record PowerStep(
    [Id(0)] DateTimeOffset Start,
    [Id(1)] double Kw);

/// <summary>
/// The power a plan gives one turn, period by period: what a charging profile sends the charger. The car holds
/// <see cref="ChargerId"/> over <see cref="Window"/> (plug-in to unplug); <see cref="Steps"/> start at the window's
/// start, in time order, equal neighbouring periods merged, and a step of 0 kW means the car waits plugged in.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TurnPowerSchedule(
    [Id(0)] string RequestId,
    [Id(1)] string ChargerId,
    [Id(2)] TimeWindow Window,
    [Id(3)] IReadOnlyList<PowerStep> Steps)
{
    /// <summary>The power at <paramref name="instant"/>: that of the last step started by then; 0 outside the window.</summary>
    public double KwAt(DateTimeOffset instant)
    {
        if (instant < Window.Start || instant >= Window.End) return 0;
        var kw = 0.0;
        foreach (var step in Steps)
        {
            if (step.Start > instant) break;
            kw = step.Kw;
        }
        return kw;
    }
}
