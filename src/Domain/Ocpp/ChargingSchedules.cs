using Parking.Domain.Charging;

namespace Parking.Domain.Ocpp;

/// <summary>From <see cref="StartSeconds"/> after the schedule's start, the charger may draw at most <see cref="LimitW"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record SchedulePeriod([Id(0)] int StartSeconds, [Id(1)] int LimitW);

/// <summary>
/// One charger's share of the plan: its power limit per period from <see cref="Start"/> on, and the request whose
/// car is plugged in for its turn now (the charger should hold a transaction for it), if any.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargerSchedule(
    [Id(0)] string ChargerId,
    [Id(1)] DateTimeOffset Start,
    [Id(2)] IReadOnlyList<SchedulePeriod> Periods,
    [Id(3)] string? SessionRequestId)
{
    /// <summary>The limit in force at <paramref name="at"/> (the last period's after the end; 0 before the start).</summary>
    public int LimitAt(DateTimeOffset at)
    {
        var offset = (at - Start).TotalSeconds;
        var limit = 0;
        foreach (var period in Periods)
        {
            if (period.StartSeconds > offset)
            {
                break;
            }

            limit = period.LimitW;
        }

        return limit;
    }

    /// <summary>Same limits and same session: re-sending it would change nothing on the charger.</summary>
    public bool SameAs(ChargerSchedule? other, DateTimeOffset now) =>
        other is not null
        && other.SessionRequestId == SessionRequestId
        && Breakpoints(this, now).SequenceEqual(Breakpoints(other, now));

    private static IEnumerable<(DateTimeOffset, int)> Breakpoints(ChargerSchedule schedule, DateTimeOffset now) =>
        schedule.Periods
            .Select(p => (At: schedule.Start.AddSeconds(p.StartSeconds), p.LimitW))
            .Where(p => p.At > now)
            .Prepend((now, schedule.LimitAt(now)));
}

/// <summary>
/// Turns the area's plan into power limits per charger. A charger may draw its rated power during its
/// planned turns and nothing outside them; if the limits of one period would add up to more than the feed
/// (a plan being replaced, a capacity just lowered), every charger's limit in it is scaled down alike, so the
/// sum of what the chargers are allowed never exceeds the site capacity.
/// </summary>
public static class ChargingSchedules
{
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(24);

    public static IReadOnlyList<ChargerSchedule> ForArea(ChargingAreaView area, DateTimeOffset now)
    {
        var start = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), now.Offset);
        var end = start + Horizon;
        var turns = area.Requests
            .Where(r => r.Turn is not null
                && r.Status is ChargingRequestStatus.Scheduled or ChargingRequestStatus.Called or ChargingRequestStatus.Charging
                && r.Turn.Window.End > start && r.Turn.Window.Start < end)
            .ToList();
        var rating = area.Chargers.ToDictionary(c => c.ChargerId, c => c.MaxKw, StringComparer.Ordinal);

        var breakpoints = new SortedSet<DateTimeOffset> { start };
        foreach (var turn in turns)
        {
            breakpoints.Add(Clamp(turn.Turn!.Window.Start, start, end));
            breakpoints.Add(Clamp(turn.Turn.Window.End, start, end));
        }

        breakpoints.Remove(end);
        var limits = area.Chargers.ToDictionary(c => c.ChargerId, _ => new List<SchedulePeriod>(), StringComparer.Ordinal);
        foreach (var at in breakpoints)
        {
            var wanted = area.Chargers.ToDictionary(
                c => c.ChargerId,
                c => turns.Any(t => t.Turn!.ChargerId == c.ChargerId && t.Turn.Window.Start <= at && t.Turn.Window.End > at) && c.IsUsable ? rating[c.ChargerId] : 0,
                StringComparer.Ordinal);
            var total = wanted.Values.Sum();
            var scale = total > area.SiteCapacityKw && total > 0 ? area.SiteCapacityKw / total : 1;
            foreach (var (chargerId, kw) in wanted)
            {
                var limitW = (int)Math.Floor(kw * scale * 1000);
                var periods = limits[chargerId];
                if (periods.Count == 0 || periods[^1].LimitW != limitW)
                {
                    periods.Add(new SchedulePeriod((int)(at - start).TotalSeconds, limitW));
                }
            }
        }

        return [.. area.Chargers.Select(c => new ChargerSchedule(
            c.ChargerId,
            start,
            limits[c.ChargerId],
            area.Requests.FirstOrDefault(r => r.Turn?.ChargerId == c.ChargerId && r.Status == ChargingRequestStatus.Charging && r.UnpluggedAt is null)?.Id))];
    }

    private static DateTimeOffset Clamp(DateTimeOffset at, DateTimeOffset min, DateTimeOffset max) =>
        at < min ? min : at > max ? max : at;
}
