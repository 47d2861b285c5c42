using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Parking.Domain.Charging;
using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

/// <summary>
/// Hands each charger of an area its share of the area's latest plan. It remembers what it last handed out
/// in memory only: after a re-activation it hands everything out once more, and each charge point drops what
/// would change nothing.
/// </summary>
public sealed partial class AreaProfilesGrain(ParkingClock time, ILogger<AreaProfilesGrain> logger) : Grain, IAreaProfilesGrain
{
    private readonly Dictionary<string, ChargerSchedule> _sent = new(StringComparer.Ordinal);
    private long _version = -1;

    public async Task PlanChanged(ChargingAreaView area, IReadOnlyList<TurnPowerSchedule> power)
    {
        if (area.Version < _version)
        {
            return;
        }

        _version = area.Version;
        var now = time.GetUtcNow();
        var began = Stopwatch.GetTimestamp();
        var schedules = ChargingSchedules.ForArea(area, now, power);
        var computed = Stopwatch.GetTimestamp();
        var changed = new List<Task>();
        foreach (var schedule in schedules)
        {
            if (schedule.SameAs(_sent.GetValueOrDefault(schedule.ChargerId), now))
            {
                continue;
            }

            _sent[schedule.ChargerId] = schedule;
            changed.Add(GrainFactory.ChargePoint(area.CompoundId, schedule.ChargerId).ApplySchedule(schedule, area.Version));
        }

        await Task.WhenAll(changed);
        LogHandedOut(this.GetPrimaryKeyString(), area.Version, Stopwatch.GetElapsedTime(began, computed).TotalMilliseconds, changed.Count, schedules.Count, Stopwatch.GetElapsedTime(computed).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Profiles of area {AreaKey} v{Version}: computed in {ComputeMilliseconds:0} ms, {Changed} of {Chargers} changed, handed to their charge points in {HandMilliseconds:0} ms")]
    private partial void LogHandedOut(string areaKey, long version, double computeMilliseconds, int changed, int chargers, double handMilliseconds);
}
