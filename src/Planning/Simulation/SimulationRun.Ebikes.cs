using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Shelters;

namespace Parking.Planning.Simulation;

/// <summary>
/// E-bike charging: a rider tries the three shelters nearest their building, nearest first, and takes the first
/// free port a shelter admits. The battery charges at the share of the shelter's limit each session had when it
/// started (<see cref="ShelterPower.AllowanceWatts"/>); once full the port reports no power and the shelter ends
/// the session after its hold time, or the maximum session length cuts it first.
/// </summary>
internal sealed partial class SimulationRun
{
    private const int SheltersTried = 3;

    private void SetUpShelters()
    {
        foreach (var shelter in _input.Layout.Shelters)
        {
            var state = new ShelterState();
            state.Configure(_input.Layout.CompoundId, shelter);
            _shelters[shelter.ShelterId] = new ShelterRun(shelter, state);
        }
    }

    private void OnEbikeArrival(EbikeDemand demand)
    {
        _ebikes.Requests++;
        string? refusal = null;
        foreach (var shelter in _shelters.Values
            .OrderBy(s => s.Definition.WalkMetersTo(demand.BuildingId))
            .ThenBy(s => s.Definition.ShelterId, StringComparer.Ordinal)
            .Take(SheltersTried))
        {
            var port = shelter.State.Ports.FirstOrDefault(p => p.Status == PortStatus.Free);
            if (port is null)
            {
                refusal ??= "no-free-port";
                continue;
            }

            var started = shelter.State.Start(new StartSessionCommand(demand.ResidentId, port.PortId, null), _policies.Shelters, _now);
            if (started.Value is not { } session)
            {
                refusal = started.Error!.Code;
                if (refusal == "too-many-sessions")
                {
                    break;
                }

                continue;
            }

            _ebikes.Served++;
            shelter.Sessions++;
            var watts = ShelterPower.AllowanceWatts(shelter.Definition.PowerLimitKw, shelter.State.Running.Count(), _policies.Shelters);
            var full = _now + TimeSpan.FromHours(demand.EnergyWh / Math.Max(1, watts));
            if (full < session.EndsBy)
            {
                Queue(full, new EbikeFull(shelter, port.PortId, session.SessionId, demand.EnergyWh));
            }

            SweepAt(shelter);
            return;
        }

        _ebikes.Refuse(refusal ?? "no-shelter");
        if (_shelters.Count > 0)
        {
            foreach (var shelter in _shelters.Values.OrderBy(s => s.Definition.WalkMetersTo(demand.BuildingId)).ThenBy(s => s.Definition.ShelterId, StringComparer.Ordinal).Take(1))
            {
                shelter.Refused++;
            }
        }
    }

    private void OnEbikeFull(EbikeFull e)
    {
        if (e.Shelter.State.Ports.FirstOrDefault(p => p.PortId == e.PortId)?.SessionId != e.SessionId)
        {
            return;
        }

        var report = e.Shelter.State.Report(e.PortId, new PortReport(0, e.EnergyWh), _policies.Shelters, _now);
        if (report.Value?.Ended is { } ended)
        {
            Ended(e.Shelter, ended);
        }

        SweepAt(e.Shelter);
    }

    private void SweepAt(ShelterRun shelter)
    {
        if (shelter.State.NextDeadline(_policies.Shelters) is not { } due)
        {
            return;
        }

        if (shelter.SweepAt is { } pending && pending <= due && pending >= _now)
        {
            return;
        }

        shelter.SweepAt = due;
        Queue(due, new ShelterSweep(shelter, due));
    }

    private void OnShelterSweep(ShelterRun shelter, DateTimeOffset at)
    {
        if (shelter.SweepAt == at)
        {
            shelter.SweepAt = null;
        }

        foreach (var ended in shelter.State.Sweep(_policies.Shelters, _now))
        {
            Ended(shelter, ended);
        }

        SweepAt(shelter);
    }

    private void Ended(ShelterRun shelter, ShelterSession session) =>
        Count(shelter, session.StartedAt, session.EndedAt ?? _now);

    private void Count(ShelterRun shelter, DateTimeOffset from, DateTimeOffset to)
    {
        var start = from < _start ? _start : from;
        var end = to > _end ? _end : to;
        if (end > start)
        {
            shelter.PortHours += (end - start).TotalHours;
        }

        // Overnight: the session was charging at 03:00 local on some night.
        var local = from.ToOffset(_offset);
        var three = new DateTimeOffset(local.Date.AddHours(3), _offset);
        if (three < from)
        {
            three = three.AddDays(1);
        }

        if (three < to)
        {
            shelter.Overnight++;
        }
    }

    /// <summary>Sessions still running when the run ends count up to the end.</summary>
    private void CloseShelters()
    {
        foreach (var shelter in _shelters.Values)
        {
            foreach (var session in shelter.State.Running)
            {
                Count(shelter, session.StartedAt, _end);
            }
        }
    }

    private sealed class ShelterRun(ShelterDefinition definition, ShelterState state)
    {
        public ShelterDefinition Definition => definition;

        public ShelterState State => state;

        public DateTimeOffset? SweepAt { get; set; }

        public int Sessions { get; set; }

        public int Refused { get; set; }

        public double PortHours { get; set; }

        public int Overnight { get; set; }
    }

    private sealed class EbikeArrival(EbikeDemand demand) : Event
    {
        public EbikeDemand Demand => demand;
    }

    private sealed class EbikeFull(ShelterRun shelter, string portId, string sessionId, double energyWh) : Event
    {
        public ShelterRun Shelter => shelter;

        public string PortId => portId;

        public string SessionId => sessionId;

        public double EnergyWh => energyWh;
    }

    private sealed class ShelterSweep(ShelterRun shelter, DateTimeOffset at) : Event
    {
        public ShelterRun Shelter => shelter;

        public DateTimeOffset At => at;
    }
}
