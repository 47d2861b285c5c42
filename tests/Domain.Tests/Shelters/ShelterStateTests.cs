using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Shelters;
using Xunit;

namespace Parking.Domain.Tests.Shelters;

public class ShelterStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 20, 0, 0, TimeSpan.FromHours(8));
    private static readonly ShelterPolicy Policy = new();
    private static readonly Actor Staff = new("staff01", IsStaff: true);

    private static ShelterState NewShelter(int ports = 4, double limitKw = 0.8)
    {
        var shelter = new ShelterState();
        shelter.Configure("c", new ShelterDefinition("E01", "Shelter 1", "B01", ports, limitKw, new Dictionary<string, int> { ["B01"] = 15 }));
        return shelter;
    }

    private static ShelterSession Start(ShelterState shelter, string resident, string port, DateTimeOffset? at = null)
    {
        var outcome = shelter.Start(new StartSessionCommand(resident, port, "blue bike"), Policy, at ?? Now);
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    private static ShelterSession Session(ShelterState shelter, string sessionId) => shelter.Sessions.Single(s => s.SessionId == sessionId);

    [Fact]
    public void A_session_on_a_free_port_charges_until_the_maximum_length()
    {
        var shelter = NewShelter();
        var session = Start(shelter, "r1", "E01-P02");

        Assert.Equal(PortStatus.Charging, shelter.Ports[1].Status);
        Assert.Equal(Now + Policy.MaxSessionLength, session.EndsBy);
        Assert.Equal(TimeSpan.FromHours(8), session.TimeLeft(Now));
        Assert.Equal(session.EndsBy, shelter.NextDeadline(Policy));

        Assert.Empty(shelter.Sweep(Policy, session.EndsBy.AddTicks(-1)));
        var ended = Assert.Single(shelter.Sweep(Policy, session.EndsBy));

        Assert.Equal(SessionEndReason.MaxLength, ended.EndReason);
        Assert.Equal(session.EndsBy, ended.EndedAt);
        Assert.Equal(PortStatus.Free, shelter.Ports[1].Status);
        Assert.Null(shelter.NextDeadline(Policy));
    }

    [Fact]
    public void Power_under_the_threshold_held_long_enough_ends_the_session_as_full()
    {
        var shelter = NewShelter();
        var session = Start(shelter, "r1", "E01-P01");
        shelter.Report("E01-P01", new PortReport(180, 100), Policy, Now.AddMinutes(30));

        // A short dip is not a full battery: power comes back before the hold time.
        shelter.Report("E01-P01", new PortReport(4, 300), Policy, Now.AddMinutes(60));
        shelter.Report("E01-P01", new PortReport(150, 310), Policy, Now.AddMinutes(62));
        Assert.True(Session(shelter, session.SessionId).IsActive);
        Assert.Null(Session(shelter, session.SessionId).LowPowerSince);

        var low = Now.AddMinutes(90);
        shelter.Report("E01-P01", new PortReport(8, 400), Policy, low);
        Assert.Equal(low + Policy.FullHoldTime, shelter.NextDeadline(Policy));
        var still = shelter.Report("E01-P01", new PortReport(6, 401), Policy, low + Policy.FullHoldTime - TimeSpan.FromSeconds(1)).Value!;
        Assert.Null(still.Ended);

        var result = shelter.Report("E01-P01", new PortReport(5, 402), Policy, low + Policy.FullHoldTime).Value!;

        Assert.Equal(SessionEndReason.Full, result.Ended?.EndReason);
        Assert.Equal(402, result.Ended!.EnergyWh);
        Assert.Equal(PortStatus.Free, result.Port.Status);
    }

    [Fact]
    public void A_sweep_ends_a_full_battery_that_stopped_reporting()
    {
        var shelter = NewShelter();
        var session = Start(shelter, "r1", "E01-P01");
        shelter.Report("E01-P01", new PortReport(2, 500), Policy, Now.AddHours(2));

        var ended = Assert.Single(shelter.Sweep(Policy, Now.AddHours(2) + Policy.FullHoldTime));

        Assert.Equal(session.SessionId, ended.SessionId);
        Assert.Equal(SessionEndReason.Full, ended.EndReason);
    }

    [Fact]
    public void An_alarm_cuts_every_port_and_they_stay_off_until_staff_clear_it()
    {
        var shelter = NewShelter();
        var a = Start(shelter, "r1", "E01-P01");
        var b = Start(shelter, "r2", "E01-P03");

        var alarm = shelter.RaiseAlarm(new AlarmReading(AlarmKind.Smoke, 4.5), Policy, Now.AddMinutes(10)).Value!;

        Assert.True(alarm.Raised);
        Assert.Equal([a.SessionId, b.SessionId], alarm.Cut.Select(s => s.SessionId).Order());
        Assert.All(alarm.Cut, s => Assert.Equal(SessionEndReason.Alarm, s.EndReason));
        Assert.All(shelter.Ports, p => Assert.Equal(PortStatus.Cut, p.Status));
        Assert.Empty(shelter.Running);

        // Cut ports refuse new sessions; later readings and time do not restore them.
        Assert.Equal("port-cut", shelter.Start(new StartSessionCommand("r3", "E01-P02", null), Policy, Now.AddMinutes(11)).Error?.Code);
        Assert.False(shelter.RaiseAlarm(new AlarmReading(AlarmKind.Temperature, 20), Policy, Now.AddHours(1)).Value!.Raised);
        Assert.Empty(shelter.Sweep(Policy, Now.AddDays(1)));
        Assert.All(shelter.Ports, p => Assert.Equal(PortStatus.Cut, p.Status));

        var cleared = shelter.ClearAlarm("staff01", Now.AddHours(2)).Value!;

        Assert.Equal("staff01", cleared.ClearedBy);
        Assert.Null(shelter.ActiveAlarm);
        Assert.All(shelter.Ports, p => Assert.Equal(PortStatus.Free, p.Status));
        Assert.Equal(SessionEndReason.Alarm, Session(shelter, a.SessionId).EndReason);
        Start(shelter, "r3", "E01-P02", Now.AddHours(2));
    }

    [Theory]
    [InlineData(AlarmKind.Temperature, 59.9, false)]
    [InlineData(AlarmKind.Temperature, 60, true)]
    [InlineData(AlarmKind.Smoke, 2.9, false)]
    [InlineData(AlarmKind.Smoke, 3, true)]
    public void A_reading_raises_the_alarm_only_at_its_threshold(AlarmKind kind, double value, bool raises)
    {
        var shelter = NewShelter();
        Start(shelter, "r1", "E01-P01");
        var version = shelter.Version;

        var result = shelter.RaiseAlarm(new AlarmReading(kind, value), Policy, Now).Value!;

        Assert.Equal(raises, result.Raised);
        Assert.Equal(raises, shelter.ActiveAlarm is not null);
        Assert.Equal(raises ? 0 : 1, shelter.Running.Count());
        if (!raises)
        {
            Assert.Equal(version, shelter.Version);
        }
    }

    [Fact]
    public void Configuring_again_with_an_equal_copy_of_the_definition_changes_nothing()
    {
        var shelter = NewShelter();
        Start(shelter, "r1", "E01-P01");
        var copy = shelter.Definition! with { WalkMetersToBuilding = new Dictionary<string, int> { ["B01"] = 15 } };

        Assert.False(shelter.Configure("c", copy));
        Assert.True(shelter.Configure("c", copy with { Ports = 5 }));
        Assert.Equal(5, shelter.Ports.Count);
        Assert.Equal(PortStatus.Charging, shelter.Ports[0].Status);
    }

    [Fact]
    public void Clearing_without_an_alarm_is_a_conflict()
    {
        var shelter = NewShelter();

        Assert.Equal("no-alarm", shelter.ClearAlarm("staff01", Now).Error?.Code);
    }

    [Fact]
    public void A_busy_port_an_unknown_port_and_bad_readings_are_refused_and_change_nothing()
    {
        var shelter = NewShelter();
        Start(shelter, "r1", "E01-P01");
        var version = shelter.Version;

        Assert.Equal(("port-busy", ErrorKind.Conflict), Error(shelter.Start(new StartSessionCommand("r2", "E01-P01", null), Policy, Now)));
        Assert.Equal(("port-not-found", ErrorKind.NotFound), Error(shelter.Start(new StartSessionCommand("r2", "E01-P09", null), Policy, Now)));
        Assert.Equal(("port-not-found", ErrorKind.NotFound), Error(shelter.Report("E01-P09", new PortReport(1, 1), Policy, Now)));
        var negative = shelter.Report("E01-P01", new PortReport(-1, 1), Policy, Now).Error!;
        Assert.Equal((ErrorKind.Validation, "powerW"), (negative.Kind, negative.Field));
        Assert.Equal("energyWh", shelter.Report("E01-P01", new PortReport(1, double.NaN), Policy, Now).Error?.Field);
        Assert.Equal("value", shelter.RaiseAlarm(new AlarmReading(AlarmKind.Smoke, -1), Policy, Now).Error?.Field);

        Assert.Equal(version, shelter.Version);
    }

    [Fact]
    public void A_driver_stops_their_own_session_staff_stop_anyone_s_and_others_are_forbidden()
    {
        var shelter = NewShelter();
        var mine = Start(shelter, "r1", "E01-P01");
        var other = Start(shelter, "r2", "E01-P02");

        Assert.Equal(ErrorKind.Forbidden, shelter.Stop(other.SessionId, new Actor("r1", false), Now).Error?.Kind);
        Assert.Equal(SessionEndReason.Driver, shelter.Stop(mine.SessionId, new Actor("r1", false), Now).Value?.EndReason);
        Assert.Equal(SessionEndReason.Staff, shelter.Stop(other.SessionId, Staff, Now).Value?.EndReason);
        Assert.Equal("session-ended", shelter.Stop(mine.SessionId, new Actor("r1", false), Now).Error?.Code);
        Assert.Equal("session-not-found", shelter.Stop("E01-P01-999999", Staff, Now).Error?.Code);
    }

    [Fact]
    public void The_power_limit_is_shared_equally_and_a_session_that_would_leave_too_little_waits()
    {
        // 0.3 kW for 4 ports: one session may draw 300 W, two 150 W each, a third would get 100 W, a fourth 75 W.
        var shelter = NewShelter(ports: 4, limitKw: 0.3);
        Assert.Equal(300, ShelterPower.AllowanceWatts(0.3, 1, Policy));
        Assert.Equal(400, ShelterPower.AllowanceWatts(1.0, 1, Policy));
        Assert.Equal(150, ShelterPower.AllowanceWatts(0.3, 2, Policy));
        Start(shelter, "r1", "E01-P01");
        Start(shelter, "r2", "E01-P02");
        Start(shelter, "r3", "E01-P03");

        Assert.Equal("shelter-power-limit", shelter.Start(new StartSessionCommand("r4", "E01-P04", null), Policy, Now).Error?.Code);
        Assert.Equal(100, shelter.Snapshot(Policy, Now)!.AllowanceWPerPort);
    }

    [Fact]
    public void A_resident_may_run_only_so_many_sessions_in_one_shelter()
    {
        var shelter = NewShelter();
        Start(shelter, "r1", "E01-P01");
        Start(shelter, "r1", "E01-P02");

        Assert.Equal("too-many-sessions", shelter.Start(new StartSessionCommand("r1", "E01-P03", null), Policy, Now).Error?.Code);
    }

    [Fact]
    public void Ended_sessions_are_kept_for_the_history_period_then_pruned()
    {
        var shelter = NewShelter();
        var session = Start(shelter, "r1", "E01-P01");
        shelter.Stop(session.SessionId, new Actor("r1", false), Now);

        shelter.Prune(Policy, Now + Policy.SessionHistory);
        Assert.Single(shelter.Sessions);
        shelter.Prune(Policy, Now + Policy.SessionHistory + TimeSpan.FromSeconds(1));
        Assert.Empty(shelter.Sessions);
    }

    private static (string?, ErrorKind?) Error<T>(Outcome<T> outcome) => (outcome.Error?.Code, outcome.Error?.Kind);
}
