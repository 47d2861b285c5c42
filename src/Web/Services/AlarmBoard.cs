namespace Parking.Web.Services;

/// <summary>An alarm as the staff's list shows it: a shelter's smoke or temperature alarm, or a faulted charger.</summary>
/// <param name="Key">shelter:{id} or charger:{area}/{charger}.</param>
/// <param name="Source">shelter or charger.</param>
/// <param name="SiteId">The shelter, or the charger.</param>
/// <param name="Name">The shelter's name, or the charging area's.</param>
/// <param name="Kind">smoke, temperature, or faulted.</param>
/// <param name="Value">The reading that raised a shelter alarm.</param>
public sealed record AlarmEntry(string Key, string Source, string SiteId, string Name, string Kind, double? Value, DateTimeOffset? RaisedAt)
{
    /// <summary>Staff clear a shelter's alarm here; a charger's fault clears when the charger reports again.</summary>
    public bool CanClear => Source == "shelter";
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

    /// <summary>Active alarms: shelters' then chargers', newest first.</summary>
    public IReadOnlyList<AlarmEntry> Alarms =>
    [
        .. _shelters.Values
            .Where(s => s.Alarm is { ClearedAt: null })
            .Select(s => new AlarmEntry($"shelter:{s.ShelterId}", "shelter", s.ShelterId, s.Name, s.Alarm!.Kind, s.Alarm.Value, s.Alarm.RaisedAt))
            .Concat(_areas.Values.SelectMany(a => a.Faults))
            .OrderByDescending(a => a.RaisedAt ?? DateTimeOffset.MinValue)
            .ThenBy(a => a.Key, StringComparer.Ordinal),
    ];
}
