namespace Parking.Domain.Reservations;

/// <summary>The compound's booking rules. Bound from configuration section <c>Parking:Reservations</c>.</summary>
public sealed class ReservationPolicy
{
    public const string SectionName = "Parking:Reservations";

    /// <summary>The shortest window one may book.</summary>
    public TimeSpan MinimumLength { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest window one may book.</summary>
    public TimeSpan MaximumLength { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far ahead a window may start.</summary>
    public TimeSpan BookingHorizon { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Time after the start in which a driver must check in, else the reservation is a no-show.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How early before the start a driver may check in, if the space is free then.</summary>
    public TimeSpan EarlyCheckIn { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Slack for clocks: a window may start this much before "now" (a request that took a moment to arrive).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many reserved or checked-in reservations one resident may hold at once.</summary>
    public int MaxActivePerResident { get; set; } = 3;

    /// <summary>
    /// How long a finished reservation stays in its space's calendar. Short: every write of the calendar
    /// carries it, and the space needs only what still holds it. The resident keeps it longer.
    /// </summary>
    public TimeSpan SpaceHistory { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long a finished reservation stays in the resident's list ("my reservations").</summary>
    public TimeSpan ResidentHistory { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Checks a requested window against the rules; null when it is acceptable.</summary>
    public DomainError? Validate(TimeWindow window, DateTimeOffset now)
    {
        if (window.End == window.Start)
        {
            return DomainError.Invalid("end", "window-empty", "The window is empty: end must be after start.");
        }

        if (window.End < window.Start)
        {
            return DomainError.Invalid("end", "window-reversed", "The window is reversed: end is before start.");
        }

        if (window.Start < now - ClockSkew)
        {
            return DomainError.Invalid("start", "window-in-past", "The window starts in the past.");
        }

        if (window.Duration < MinimumLength)
        {
            return DomainError.Invalid("end", "window-too-short", $"A reservation lasts at least {MinimumLength.TotalMinutes:0} minutes.");
        }

        if (window.Duration > MaximumLength)
        {
            return DomainError.Invalid("end", "window-too-long", $"A reservation lasts at most {MaximumLength.TotalHours:0.#} hours.");
        }

        if (window.Start > now + BookingHorizon)
        {
            return DomainError.Invalid("start", "window-too-far-ahead", $"A reservation may start at most {BookingHorizon.TotalDays:0.#} days ahead.");
        }

        return null;
    }
}
