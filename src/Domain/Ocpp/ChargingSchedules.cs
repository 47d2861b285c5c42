using Parking.Domain.Charging;
using Parking.Domain.Layout;

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
    // Init-only members are stored in internal fields: the codec is generated in Parking.Grains (InternalsVisibleTo).
    [Id(4)] internal string? _sessionResidentId;
    [Id(5)] internal int _phases = 3;

    /// <summary>The driver of <see cref="SessionRequestId"/>: a transaction started for it is theirs.</summary>
    public string? SessionResidentId { get => _sessionResidentId; init => _sessionResidentId = value; }

    /// <summary>How many phases of the feed the charger loads: 3, or 1 for a single-phase charger (OCPP's numberPhases).</summary>
    public int Phases { get => _phases; init => _phases = value; }

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
        && other.Phases == Phases
        && Breakpoints(this, now).SequenceEqual(Breakpoints(other, now));

    private static IEnumerable<(DateTimeOffset, int)> Breakpoints(ChargerSchedule schedule, DateTimeOffset now) =>
        schedule.Periods
            .Select(p => (At: schedule.Start.AddSeconds(p.StartSeconds), p.LimitW))
            .Where(p => p.At > now)
            .Prepend((now, schedule.LimitAt(now)));
}

/// <summary>
/// Turns the area's plan into power limits per charger. In a planned turn a charger may draw the planner's power
/// for that period (its <see cref="TurnPowerSchedule"/>; the charger's rating when the plan gave none, as after a
/// restart or for a turn the area kept from an earlier plan), capped at its rating; outside its turns, nothing.
/// Then the feed's safety: a charger flagged for drawing above its profile counts with its measured draw as a fixed
/// load, and if the limits of one period would add up to more than what is left of the feed, in total or on one
/// phase (a third of the site capacity each), the limits of the chargers on that phase are scaled down alike. So
/// the limits plus the fixed draws never exceed the site capacity, nor a phase's third of it.
/// </summary>
public static class ChargingSchedules
{
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(24);

    /// <summary>Slack for rounding when comparing loads with the feed.</summary>
    private const double KwSlack = 1e-9;

    public static IReadOnlyList<ChargerSchedule> ForArea(ChargingAreaView area, DateTimeOffset now, IReadOnlyList<TurnPowerSchedule>? power = null)
    {
        ArgumentNullException.ThrowIfNull(area);
        var start = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), now.Offset);
        var end = start + Horizon;
        // Every turn of a request (its current one and those after it), with the planner's power for it: the schedule of
        // the same request and charger over that turn (or the only one on that charger, as for a turn kept from an earlier plan).
        var turns = area.Requests
            .Where(r => r.Status is ChargingRequestStatus.Scheduled or ChargingRequestStatus.Called or ChargingRequestStatus.Charging)
            .SelectMany(r => r.Turns.Select(t => (Request: r, Turn: t)))
            .Where(x => x.Turn.Window.End > start && x.Turn.Window.Start < end)
            .Select(x =>
            {
                var same = (power ?? []).Where(p => p.RequestId == x.Request.Id && p.ChargerId == x.Turn.ChargerId).ToList();
                var planned = same.FirstOrDefault(p => p.Window.Overlaps(x.Turn.Window))
                    ?? (x.Request.Turns.Count(t => t.ChargerId == x.Turn.ChargerId) == 1 ? same.FirstOrDefault() : null);
                return (x.Request, x.Turn, Planned: planned);
            })
            .ToList();
        var definitions = area.Definition.Chargers.ToDictionary(c => c.ChargerId, StringComparer.Ordinal);
        var phasesOf = area.Chargers.ToDictionary(c => c.ChargerId, c => definitions.GetValueOrDefault(c.ChargerId)?.Phase ?? ChargerPhase.Three, StringComparer.Ordinal);

        var breakpoints = new SortedSet<DateTimeOffset> { start };
        foreach (var turn in turns)
        {
            breakpoints.Add(Clamp(turn.Turn.Window.Start, start, end));
            breakpoints.Add(Clamp(turn.Turn.Window.End, start, end));
            if (turn.Planned is { } steps)
            {
                foreach (var step in steps.Steps)
                {
                    breakpoints.Add(Clamp(step.Start, start, end));
                }
            }
        }

        breakpoints.Remove(end);
        var fixedDraws = area.Chargers.Where(c => c.Overdrawing).ToDictionary(c => c.ChargerId, c => c.PowerKw, StringComparer.Ordinal);
        var limits = area.Chargers.ToDictionary(c => c.ChargerId, _ => new List<SchedulePeriod>(), StringComparer.Ordinal);
        foreach (var at in breakpoints)
        {
            var wanted = area.Chargers.ToDictionary(
                c => c.ChargerId,
                c => c.IsUsable && turns.Find(t => t.Turn.ChargerId == c.ChargerId && t.Turn.Window.Start <= at && t.Turn.Window.End > at) is { Request: not null } turn
                    ? Math.Min(c.MaxKw, turn.Planned?.KwAt(at) ?? c.MaxKw)
                    : 0,
                StringComparer.Ordinal);
            var allowed = WithinFeed(wanted, fixedDraws, phasesOf, area.SiteCapacityKw, area.Definition.PhaseLimitKw);
            foreach (var (chargerId, kw) in allowed)
            {
                var limitW = (int)Math.Floor(kw * 1000);
                var periods = limits[chargerId];
                if (periods.Count == 0 || periods[^1].LimitW != limitW)
                {
                    periods.Add(new SchedulePeriod((int)(at - start).TotalSeconds, limitW));
                }
            }
        }

        return [.. area.Chargers.Select(c =>
        {
            var session = area.Requests.FirstOrDefault(r => r.Turn?.ChargerId == c.ChargerId && r.Status == ChargingRequestStatus.Charging && r.UnpluggedAt is null);
            return new ChargerSchedule(c.ChargerId, start, limits[c.ChargerId], session?.Id)
            {
                SessionResidentId = session?.ResidentId,
                Phases = phasesOf[c.ChargerId] == ChargerPhase.Three ? 3 : 1,
            };
        })];
    }

    /// <summary>
    /// Scales the wanted limits of one instant so that, with the fixed draws of non-complying chargers, neither the
    /// site capacity nor any phase's limit (<paramref name="phaseLimitKw"/>, a third of the site capacity when null) is
    /// exceeded. A charger with a fixed draw gets at most that draw.
    /// </summary>
    public static IReadOnlyDictionary<string, double> WithinFeed(
        IReadOnlyDictionary<string, double> wanted,
        IReadOnlyDictionary<string, double> fixedDraws,
        IReadOnlyDictionary<string, ChargerPhase> phases,
        double siteCapacityKw,
        double? phaseLimitKw = null)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(fixedDraws);
        ArgumentNullException.ThrowIfNull(phases);
        var free = wanted.Where(w => !fixedDraws.ContainsKey(w.Key)).ToList();
        var total = free.Sum(w => w.Value);
        var room = Math.Max(0, siteCapacityKw - fixedDraws.Values.Sum());
        var totalScale = total > room + KwSlack ? room / total : 1;

        var phaseCap = phaseLimitKw ?? siteCapacityKw / 3;
        var phaseScale = new double[3];
        for (var p = 0; p < 3; p++)
        {
            var fixedLoad = fixedDraws.Sum(f => Share(phases.GetValueOrDefault(f.Key), p) * f.Value);
            var load = free.Sum(w => Share(phases.GetValueOrDefault(w.Key), p) * w.Value);
            var phaseRoom = Math.Max(0, phaseCap - fixedLoad);
            phaseScale[p] = load > phaseRoom + KwSlack ? phaseRoom / load : 1;
        }

        var allowed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (chargerId, kw) in wanted)
        {
            if (fixedDraws.TryGetValue(chargerId, out var draw))
            {
                // Its measured draw is what counts; its limit never says more than that.
                allowed[chargerId] = Math.Min(kw, draw);
                continue;
            }

            var phase = phases.GetValueOrDefault(chargerId);
            var scale = totalScale;
            for (var p = 0; p < 3; p++)
            {
                if (Share(phase, p) > 0)
                {
                    scale = Math.Min(scale, phaseScale[p]);
                }
            }

            allowed[chargerId] = kw * scale;
        }

        return allowed;
    }

    /// <summary>The share of a charger's power that phase <paramref name="p"/> (0, 1, 2 for L1, L2, L3) carries.</summary>
    public static double Share(ChargerPhase phase, int p) => phase switch
    {
        ChargerPhase.Three => 1.0 / 3,
        ChargerPhase.L1 => p == 0 ? 1 : 0,
        ChargerPhase.L2 => p == 1 ? 1 : 0,
        _ => p == 2 ? 1 : 0,
    };

    private static DateTimeOffset Clamp(DateTimeOffset at, DateTimeOffset min, DateTimeOffset max) =>
        at < min ? min : at > max ? max : at;
}
