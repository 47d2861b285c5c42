namespace Parking.Web.Services;

/// <summary>
/// An alarm as the staff's list shows it: a shelter's smoke or temperature alarm, a shelter port that did not
/// cut (or start) when commanded, a shelter controller gone silent, or a faulted charger.
/// </summary>
/// <param name="Key">shelter:{id}, command:{shelter}/{commandId}, controller:{shelter} or charger:{area}/{charger}.</param>
/// <param name="Source">shelter, command, controller or charger.</param>
/// <param name="SiteId">The shelter, or the charger.</param>
/// <param name="Name">The shelter's name, or the charging area's.</param>
/// <param name="Kind">smoke, temperature, port-did-not-cut, port-did-not-start, offline, or faulted.</param>
/// <param name="Value">The reading that raised a shelter alarm.</param>
/// <param name="Ports">The ports a failed command did not switch.</param>
public sealed record AlarmEntry(string Key, string Source, string SiteId, string Name, string Kind, double? Value, DateTimeOffset? RaisedAt, IReadOnlyList<string>? Ports = null)
{
    /// <summary>Staff clear a shelter's alarm here; a charger's fault clears when the charger reports again.</summary>
    public bool CanClear => Source == "shelter";

    /// <summary>A failed command is a fact, not a state: staff dismiss it from the list once they have seen to the ports.</summary>
    public bool CanDismiss => Source == "command";

    /// <summary>The second, louder alarm: ports that may still carry power after an alarm or a session's end.</summary>
    public bool IsLoud => Kind == ShelterCommandFailureKindDto.PortDidNotCut.WireName();
}

/// <summary>
/// The staff's shelters and alarms: every shelter's latest picture (a pushed picture older than the one
/// held is ignored), the alarm pushes (which reach staff for every shelter, watched or not), and the
/// faulted chargers of each charging area. <see cref="Alarms"/> lists what is active, newest first.
/// </summary>
public sealed class AlarmBoard
{
    private readonly Dictionary<string, ShelterDto> _shelters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Version, AlarmEntry[] Faults)> _areas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AlarmEntry> _failures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dismissed = new(StringComparer.Ordinal);

    public IReadOnlyList<ShelterDto> Shelters => [.. _shelters.Values.OrderBy(s => s.ShelterId, StringComparer.Ordinal)];

    public ShelterDto? Shelter(string shelterId) => _shelters.GetValueOrDefault(shelterId);

    /// <summary>Takes a shelter's picture; false when it is older than the one held.</summary>
    public bool Apply(ShelterDto shelter)
    {
        ArgumentNullException.ThrowIfNull(shelter);
        if (_shelters.TryGetValue(shelter.ShelterId, out var known) && known.Version > shelter.Version)
        {
            return false;
        }

        _shelters[shelter.ShelterId] = shelter;
        return true;
    }

    /// <summary>
    /// An alarm raised or cleared. It may arrive before or after the shelter's new picture: a raise is
    /// ignored if the picture already shows that alarm cleared. Unknown shelters are ignored.
    /// </summary>
    public bool Apply(ShelterAlarmDto alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        if (!_shelters.TryGetValue(alarm.ShelterId, out var shelter))
        {
            return false;
        }

        if (alarm.ClearedAt is null)
        {
            if (shelter.LastAlarm is { ClearedAt: not null } last && last.RaisedAt >= alarm.RaisedAt)
            {
                return false;
            }

            _shelters[alarm.ShelterId] = shelter with { Alarm = alarm, LastAlarm = alarm };
            return true;
        }

        if (shelter.Alarm is { } active && active.RaisedAt > alarm.RaisedAt)
        {
            return false;
        }

        _shelters[alarm.ShelterId] = shelter with { Alarm = null, LastAlarm = alarm };
        return true;
    }

    /// <summary>A charging area's picture: its faulted chargers replace those known for the area.</summary>
    public bool Apply(ChargingPlanDto area)
    {
        ArgumentNullException.ThrowIfNull(area);
        if (_areas.TryGetValue(area.AreaId, out var known) && known.Version > area.Version)
        {
            return false;
        }

        _areas[area.AreaId] = (area.Version, [.. area.Chargers
            .Select(c => c.Charger)
            .Where(c => c.Status == ChargerStatusDto.Faulted)
            .Select(c => new AlarmEntry($"charger:{area.AreaId}/{c.ChargerId}", "charger", c.ChargerId, area.Name, "faulted", null, c.ReportedAt))]);
        return true;
    }

    /// <summary>A command the shelter's controller did not confirm (pushed, or read from the controller's recent failures).</summary>
    public bool Apply(ShelterCommandFailedDto failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var key = $"command:{failure.ShelterId}/{failure.CommandId}";
        if (_dismissed.Contains(key))
        {
            return false;
        }

        _failures[key] = new AlarmEntry(key, "command", failure.ShelterId, failure.Name, failure.Kind.WireName(), null, failure.At, failure.Ports);
        return true;
    }

    /// <summary>Staff have seen to a failed command: it leaves the list, and a later read of the same failure does not bring it back.</summary>
    public bool Dismiss(string key)
    {
        _dismissed.Add(key);
        return _failures.Remove(key);
    }

    /// <summary>
    /// Active alarms, newest first: ports that did not cut come first of all (the louder alarm), then shelters'
    /// alarms, controllers gone offline, failed switch-ons and faulted chargers.
    /// </summary>
    public IReadOnlyList<AlarmEntry> Alarms =>
    [
        .. _shelters.Values
            .Where(s => s.Alarm is { ClearedAt: null })
            .Select(s => new AlarmEntry($"shelter:{s.ShelterId}", "shelter", s.ShelterId, s.Name, s.Alarm!.Kind.WireName(), s.Alarm.Value, s.Alarm.RaisedAt))
            .Concat(_shelters.Values.Where(s => s.ControllerOffline).Select(s => new AlarmEntry($"controller:{s.ShelterId}", "controller", s.ShelterId, s.Name, "offline", null, null)))
            .Concat(_failures.Values)
            .Concat(_areas.Values.SelectMany(a => a.Faults))
            .OrderByDescending(a => a.IsLoud)
            .ThenByDescending(a => a.RaisedAt ?? DateTimeOffset.MinValue)
            .ThenBy(a => a.Key, StringComparer.Ordinal),
    ];
}
