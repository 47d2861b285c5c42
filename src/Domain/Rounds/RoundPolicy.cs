using Parking.Domain.Availability;
using Parking.Domain.Reservations;

namespace Parking.Domain.Rounds;

/// <summary>The compound's allocation rounds. Bound from configuration section <c>Parking:Rounds</c>.</summary>
public sealed class RoundPolicy
{
    public const string SectionName = "Parking:Rounds";

    /// <summary>The compound's local time of day at which a round runs by itself (a grain reminder); null: only when staff start one.</summary>
    public TimeOnly? DailyAt { get; set; }

    /// <summary>How long the optimizer may search; the greedy round is the fallback when it finds nothing better.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most windows one request may hold (a month of weekday nights is about 22).</summary>
    public int MaxWindowsPerRequest { get; set; } = 31;

    /// <summary>The longest span from a request's first start to its last end.</summary>
    public TimeSpan MaximumSpan { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How many open requests one resident may hold in the next round, and entries on the waitlist.</summary>
    public int MaxRequestsPerResident { get; set; } = 3;

    /// <summary>When the open round runs by itself next, after <paramref name="now"/>: <see cref="DailyAt"/> in the compound's local time; null when it does not.</summary>
    public DateTimeOffset? NextRun(DateTimeOffset now, TimeSpan utcOffset)
    {
        if (DailyAt is not { } at)
        {
            return null;
        }

        var local = now.ToOffset(utcOffset);
        var today = new DateTimeOffset(DateOnly.FromDateTime(local.DateTime).ToDateTime(at), utcOffset);
        return today > now ? today : today.AddDays(1);
    }
}

/// <summary>Rules of round requests and waitlist entries: pure, so the API and the grain judge alike.</summary>
public static class RoundRules
{
    /// <summary>
    /// Checks a request's windows: at least one, none overlapping another, each a window one could book
    /// (<see cref="ReservationPolicy.Validate"/>), the whole within <see cref="RoundPolicy.MaximumSpan"/>.
    /// Null when acceptable; otherwise the error names the field (<c>windows[i].start</c>...).
    /// </summary>
    public static DomainError? Validate(IReadOnlyList<TimeWindow> windows, RoundPolicy rounds, ReservationPolicy reservations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(reservations);
        if (windows.Count == 0)
        {
            return DomainError.Invalid("windows", "round-no-windows", "A request needs at least one window.");
        }

        if (windows.Count > rounds.MaxWindowsPerRequest)
        {
            return DomainError.Invalid("windows", "round-too-many-windows", $"A request holds at most {rounds.MaxWindowsPerRequest} windows.");
        }

        for (var i = 0; i < windows.Count; i++)
        {
            if (reservations.Validate(windows[i], now) is { } invalid)
            {
                return invalid with { Field = $"windows[{i}].{invalid.Field ?? "start"}" };
            }
        }

        var ordered = windows.Select((w, i) => (Window: w, Index: i)).OrderBy(x => x.Window.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Window.Overlaps(ordered[i - 1].Window))
            {
                return DomainError.Invalid($"windows[{ordered[i].Index}]", "round-windows-overlap", "Two windows of one request overlap.");
            }
        }

        if (windows.Max(w => w.End) - ordered[0].Window.Start > rounds.MaximumSpan)
        {
            return DomainError.Invalid("windows", "round-span-too-long", $"A request spans at most {rounds.MaximumSpan.TotalDays:0.#} days from its first start to its last end.");
        }

        return null;
    }

    /// <summary>
    /// The time a space can give a round within <paramref name="horizon"/>: its shared windows (all of the
    /// horizon for a common or temporary space) minus what is already held; nothing when out of service.
    /// </summary>
    public static IReadOnlyList<TimeWindow> FreeTime(SpaceAvailability space, TimeWindow horizon)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.OutOfService)
        {
            return [];
        }

        var open = (space.Shared ?? [horizon])
            .Select(w => new TimeWindow(Max(w.Start, horizon.Start), Min(w.End, horizon.End)))
            .Where(w => !w.IsEmpty)
            .OrderBy(w => w.Start)
            .ToList();
        var held = space.Held.OrderBy(h => h.Start).ToList();
        var free = new List<TimeWindow>();
        foreach (var window in open)
        {
            var cursor = window.Start;
            foreach (var h in held.Where(h => h.Overlaps(window)))
            {
                if (h.Start > cursor)
                {
                    free.Add(new TimeWindow(cursor, h.Start));
                }

                cursor = Max(cursor, h.End);
            }

            if (cursor < window.End)
            {
                free.Add(new TimeWindow(cursor, window.End));
            }
        }

        return free;
    }

    /// <summary>
    /// Whether a space's new snapshot frees time the old one did not offer: a hold released (cancelled,
    /// no-show, checked out early), a newly shared window, or the space back in service. The waitlist is
    /// tried only then. False without an old snapshot (an index being rebuilt is not news).
    /// </summary>
    public static bool FreesTime(SpaceAvailability? before, SpaceAvailability after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null || after.OutOfService)
        {
            return false;
        }

        if (before.OutOfService)
        {
            return true;
        }

        var released = before.Held.Any(h => !after.Held.Contains(h));
        var newlyShared = after.Shared is { } shared && (before.Shared is not { } old || shared.Any(w => !old.Contains(w)));
        return released || newlyShared;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
