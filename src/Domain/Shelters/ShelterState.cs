using System.Globalization;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Domain.Shelters;

/// <summary>
/// One e-bike shelter's ports, sessions and alarms, and the rules that keep it safe: a session runs on a
/// free port and ends when the battery is full, when it reaches the maximum length, when the driver or
/// staff stop it, or when an alarm cuts every port at once; cut ports stay off until staff clear the alarm.
/// Every command either changes the state and bumps <see cref="Version"/>, or refuses and changes nothing.
/// It is the state of the shelter grain, its single writer.
/// </summary>
[GenerateSerializer]
public sealed class ShelterState
{
    private const int AlarmsKept = 20;

    [Id(0)]
    public string? CompoundId { get; internal set; }

    [Id(1)]
    public ShelterDefinition? Definition { get; internal set; }

    [Id(2)]
    internal List<ShelterPort> _ports = [];

    public IReadOnlyList<ShelterPort> Ports => _ports;

    /// <summary>Running sessions and those ended within <see cref="ShelterPolicy.SessionHistory"/>.</summary>
    [Id(3)]
    internal List<ShelterSession> _sessions = [];

    public IReadOnlyList<ShelterSession> Sessions => _sessions;

    /// <summary>Recent alarms, oldest first; the last one is in force while it is not cleared.</summary>
    [Id(4)]
    internal List<ShelterAlarm> _alarms = [];

    public IReadOnlyList<ShelterAlarm> Alarms => _alarms;

    [Id(5)]
    public long Version { get; internal set; }

    [Id(6)]
    public long SessionsStarted { get; internal set; }

    /// <summary>The shelter's controller fell silent: no new session starts until it reports again.</summary>
    [Id(7)]
    public bool ControllerOffline { get; internal set; }

    public bool IsConfigured => Definition is not null;

    public ShelterAlarm? ActiveAlarm => _alarms.Count > 0 && _alarms[^1].IsActive ? _alarms[^1] : null;

    public IEnumerable<ShelterSession> Running => _sessions.Where(s => s.IsActive);

    /// <summary>Defines (or redefines) the shelter, keeping ports that still exist; returns false when nothing changed.</summary>
    public bool Configure(string compoundId, ShelterDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (CompoundId == compoundId && Definition is { } current && Same(current, definition))
        {
            return false;
        }

        var existing = _ports.ToDictionary(p => p.PortId, StringComparer.Ordinal);
        var cut = ActiveAlarm is not null;
        CompoundId = compoundId;
        Definition = definition;
        _ports = [.. definition.PortIds.Select(id => existing.GetValueOrDefault(id) ?? new ShelterPort(id, cut, null, 0, null))];
        Version++;
        return true;
    }

    /// <summary>
    /// The shelter left the compound's layout: every running session ends (reason staff: the operator's file removed
    /// it), and the shelter is undefined, so it refuses sessions and reports as unknown. Returns the sessions ended.
    /// </summary>
    public IReadOnlyList<ShelterSession> Retire(DateTimeOffset now)
    {
        var ended = Running.ToList().Select(s => EndSession(s, SessionEndReason.Staff, now)).ToList();
        Definition = null;
        _ports = [];
        Version++;
        return ended;
    }

    public Outcome<ShelterSession> Start(StartSessionCommand command, ShelterPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(policy);
        if (Definition is null)
        {
            return UnknownShelter();
        }

        if (command.Bike is { Length: > 32 })
        {
            return DomainError.Invalid("bike", "bike-too-long", "bike has at most 32 characters.");
        }

        var index = PortIndex(command.PortId);
        if (index < 0)
        {
            return UnknownPort(command.PortId);
        }

        if (ControllerOffline)
        {
            return DomainError.Conflict("shelter-offline", "The shelter's controller is not reporting, so no port can be switched on; try another shelter.");
        }

        var port = _ports[index];
        if (port.Cut)
        {
            return DomainError.Conflict("port-cut", "The port is cut by an alarm; it stays off until staff clear the alarm.");
        }

        if (port.SessionId is not null)
        {
            return DomainError.Conflict("port-busy", "Another e-bike is charging on this port.");
        }

        var running = Running.ToList();
        if (running.Count(s => s.ResidentId == command.ResidentId) >= policy.MaxSessionsPerResident)
        {
            return DomainError.Conflict(
                "too-many-sessions",
                string.Create(CultureInfo.InvariantCulture, $"You already charge {policy.MaxSessionsPerResident} e-bike(s) in this shelter."));
        }

        if (!ShelterPower.CanAdmit(Definition.PowerLimitKw, running.Count, policy))
        {
            return DomainError.Conflict("shelter-power-limit", "The shelter's power limit is taken up by the e-bikes charging now; try again later.");
        }

        var session = new ShelterSession(
            string.Create(CultureInfo.InvariantCulture, $"{command.PortId}-{SessionsStarted + 1:000000}"),
            CompoundId!,
            Definition.ShelterId,
            command.PortId,
            command.ResidentId,
            command.Bike,
            StartedAt: now,
            EndsBy: now + policy.MaxSessionLength,
            EnergyWh: 0,
            PowerW: 0,
            LastReportAt: null,
            LowPowerSince: null,
            EndedAt: null,
            EndReason: null,
            Revision: 1);
        SessionsStarted++;
        _sessions.Add(session);
        _ports[index] = port with { SessionId = session.SessionId, PowerW = 0 };
        Version++;
        return session;
    }

    /// <summary>Stops a running session: the driver's own (reason driver) or anyone's by staff (reason staff).</summary>
    public Outcome<ShelterSession> Stop(string sessionId, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var found = Find(sessionId, actor);
        if (!found.IsSuccess)
        {
            return found;
        }

        var session = found.Value!;
        if (!session.IsActive)
        {
            return DomainError.Conflict("session-ended", "The session has already ended.");
        }

        return EndSession(session, actor.UserId == session.ResidentId ? SessionEndReason.Driver : SessionEndReason.Staff, now);
    }

    /// <summary>A session as its driver (or staff) may see it.</summary>
    public Outcome<ShelterSession> Find(string sessionId, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Definition is null)
        {
            return UnknownShelter();
        }

        var session = _sessions.Find(s => s.SessionId == sessionId);
        if (session is null)
        {
            return DomainError.NotFound("session-not-found", $"No session '{sessionId}' in this shelter.");
        }

        return actor.IsStaff || actor.UserId == session.ResidentId
            ? session
            : DomainError.Forbidden("The session belongs to another resident.");
    }

    /// <summary>
    /// A port's meter reading. It updates the port and its running session; power under
    /// <see cref="ShelterPolicy.FullPowerWatts"/> held for <see cref="ShelterPolicy.FullHoldTime"/> ends the
    /// session as full. Energy is the session's running total, so a lower reading than the last one
    /// (a meter restarting) does not lower it.
    /// </summary>
    public Outcome<PortReportResult> Report(string portId, PortReport report, ShelterPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(policy);
        if (report.Validate() is { } invalid)
        {
            return invalid;
        }

        if (Definition is null)
        {
            return UnknownShelter();
        }

        var index = PortIndex(portId);
        if (index < 0)
        {
            return UnknownPort(portId);
        }

        var port = _ports[index] with { PowerW = report.PowerW, LastReportAt = now };
        _ports[index] = port;
        ShelterSession? ended = null;
        if (port.SessionId is { } sessionId && _sessions.FindIndex(s => s.SessionId == sessionId) is var at and >= 0)
        {
            var session = _sessions[at];
            var low = report.PowerW < policy.FullPowerWatts;
            session = session with
            {
                PowerW = report.PowerW,
                EnergyWh = Math.Max(session.EnergyWh, report.EnergyWh),
                LastReportAt = now,
                LowPowerSince = low ? session.LowPowerSince ?? now : null,
                Revision = session.Revision + 1,
            };
            _sessions[at] = session;
            if (IsFull(session, policy, now))
            {
                ended = EndSession(session, SessionEndReason.Full, now);
                port = _ports[index];
            }
        }

        Version++;
        return new PortReportResult(port, ended);
    }

    /// <summary>
    /// A detector's reading. At or over its threshold it raises the alarm: every running session ends
    /// (reason alarm) and every port is cut. Under the threshold, or while the alarm is on, nothing changes.
    /// </summary>
    public Outcome<AlarmResult> RaiseAlarm(AlarmReading reading, ShelterPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(policy);
        if (reading.Validate() is { } invalid)
        {
            return invalid;
        }

        if (Definition is null)
        {
            return UnknownShelter();
        }

        if (ActiveAlarm is { } active)
        {
            return new AlarmResult(false, active, []);
        }

        var threshold = reading.Kind == AlarmKind.Smoke ? policy.SmokeAlarmLevel : policy.AlarmTemperatureCelsius;
        if (reading.Value < threshold)
        {
            return new AlarmResult(false, null, []);
        }

        var alarm = new ShelterAlarm(reading.Kind, reading.Value, now, null, null);
        _alarms.Add(alarm);
        if (_alarms.Count > AlarmsKept)
        {
            _alarms.RemoveRange(0, _alarms.Count - AlarmsKept);
        }

        var cut = Running.ToList().Select(s => EndSession(s, SessionEndReason.Alarm, now)).ToList();
        _ports = [.. _ports.Select(p => p with { Cut = true, SessionId = null, PowerW = 0 })];
        Version++;
        return new AlarmResult(true, alarm, cut);
    }

    /// <summary>Staff clear the alarm in force: every cut port is free again (sessions it ended stay ended).</summary>
    public Outcome<ShelterAlarm> ClearAlarm(string staffId, DateTimeOffset now)
    {
        if (Definition is null)
        {
            return UnknownShelter();
        }

        if (ActiveAlarm is not { } active)
        {
            return DomainError.Conflict("no-alarm", "The shelter has no alarm to clear.");
        }

        var cleared = active with { ClearedAt = now, ClearedBy = staffId };
        _alarms[^1] = cleared;
        _ports = [.. _ports.Select(p => p with { Cut = false })];
        Version++;
        return cleared;
    }

    /// <summary>The controller went silent or came back; returns false when nothing changed.</summary>
    public bool SetControllerOffline(bool offline)
    {
        if (ControllerOffline == offline || Definition is null)
        {
            return false;
        }

        ControllerOffline = offline;
        Version++;
        return true;
    }

    /// <summary>Ends sessions past their maximum length or with a full battery; returns them.</summary>
    public IReadOnlyList<ShelterSession> Sweep(ShelterPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var ended = new List<ShelterSession>();
        foreach (var session in Running.ToList())
        {
            if (now >= session.EndsBy)
            {
                ended.Add(EndSession(session, SessionEndReason.MaxLength, now));
            }
            else if (IsFull(session, policy, now))
            {
                ended.Add(EndSession(session, SessionEndReason.Full, now));
            }
        }

        if (ended.Count > 0)
        {
            Version++;
        }

        return ended;
    }

    /// <summary>When <see cref="Sweep"/> next has something to end, if a session runs.</summary>
    public DateTimeOffset? NextDeadline(ShelterPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        DateTimeOffset? next = null;
        foreach (var session in Running)
        {
            var due = session.LowPowerSince is { } low && low + policy.FullHoldTime < session.EndsBy
                ? low + policy.FullHoldTime
                : session.EndsBy;
            if (next is null || due < next)
            {
                next = due;
            }
        }

        return next;
    }

    /// <summary>Puts <paramref name="pseudonym"/> in place of a driver who left the compound on every session of theirs, without the bike's name; returns how many changed.</summary>
    public int Anonymise(string residentId, string pseudonym)
    {
        var changed = 0;
        for (var i = 0; i < _sessions.Count; i++)
        {
            if (_sessions[i] is { } s && s.ResidentId == residentId)
            {
                _sessions[i] = s with { ResidentId = pseudonym, Bike = null };
                changed++;
            }
        }

        return changed;
    }

    /// <summary>Drops the sessions that ended before <paramref name="cutoff"/> (the compound's retention period); returns how many.</summary>
    public int Forget(DateTimeOffset cutoff) => _sessions.RemoveAll(s => s.EndedAt is { } ended && ended < cutoff);

    /// <summary>Drops sessions that ended longer ago than <see cref="ShelterPolicy.SessionHistory"/>.</summary>
    public void Prune(ShelterPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _sessions.RemoveAll(s => s.EndedAt is { } ended && ended < now - policy.SessionHistory);
    }

    public ShelterSnapshot? Snapshot(ShelterPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (Definition is null)
        {
            return null;
        }

        var sessions = Running.ToDictionary(s => s.SessionId, StringComparer.Ordinal);
        var ports = _ports
            .Select(p => new PortSnapshot(p.PortId, p.Status, p.PowerW, p.SessionId is { } id ? sessions.GetValueOrDefault(id) : null))
            .ToList();
        return new ShelterSnapshot(
            CompoundId!,
            Definition,
            ports,
            Math.Round(_ports.Sum(p => p.PowerW), 1),
            ShelterPower.AllowanceWatts(Definition.PowerLimitKw, sessions.Count, policy),
            ActiveAlarm,
            _alarms.Count > 0 ? _alarms[^1] : null,
            Version,
            now,
            ControllerOffline);
    }

    /// <summary>Records compare their dictionaries by reference; a definition read afresh from the layout is a copy.</summary>
    private static bool Same(ShelterDefinition a, ShelterDefinition b) =>
        a with { WalkMetersToBuilding = b.WalkMetersToBuilding } == b
        && a.WalkMetersToBuilding.Count == b.WalkMetersToBuilding.Count
        && a.WalkMetersToBuilding.All(w => b.WalkMetersToBuilding.TryGetValue(w.Key, out var meters) && meters == w.Value);

    private static bool IsFull(ShelterSession session, ShelterPolicy policy, DateTimeOffset now) =>
        session.LowPowerSince is { } low && now - low >= policy.FullHoldTime;

    private ShelterSession EndSession(ShelterSession session, SessionEndReason reason, DateTimeOffset now)
    {
        var ended = session.End(reason, now);
        _sessions[_sessions.FindIndex(s => s.SessionId == session.SessionId)] = ended;
        var index = PortIndex(session.PortId);
        if (index >= 0 && _ports[index].SessionId == session.SessionId)
        {
            _ports[index] = _ports[index] with { SessionId = null, PowerW = 0 };
        }

        Version++;
        return ended;
    }

    private int PortIndex(string portId) => _ports.FindIndex(p => p.PortId == portId);

    private static DomainError UnknownShelter() => DomainError.NotFound("shelter-not-found", "No such e-bike shelter.");

    private static DomainError UnknownPort(string portId) => DomainError.NotFound("port-not-found", $"No port '{portId}' in this shelter.");
}
