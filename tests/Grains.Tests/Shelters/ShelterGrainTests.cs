using Parking.Domain;
using Parking.Domain.Reservations;
using Parking.Domain.Shelters;
using Xunit;

namespace Parking.Grains.Tests.Shelters;

/// <summary>
/// The small demo compound's shelter E01 (10 ports, 2 kW) on the two-silo cluster. The tests share it and
/// run one after another: each uses its own ports and leaves no session running and no alarm on.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ShelterGrainTests(ClusterFixture fixture)
{
    private static readonly ShelterPolicy Policy = new();

    private IShelterGrain Shelter => fixture.Grains.Shelter(fixture.CompoundId, "E01");

    private async Task<ShelterSession> Start(string resident, string port)
    {
        var outcome = await Shelter.StartSession(new StartSessionCommand(resident, port, null));
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    private async Task<ShelterSession> Get(ShelterSession session) =>
        (await Shelter.GetSession(session.SessionId, new Actor(session.ResidentId, false))).Value!;

    [Fact]
    public async Task The_shelter_comes_from_the_compound_layout_with_every_port()
    {
        var snapshot = await Shelter.GetSnapshot();

        Assert.NotNull(snapshot);
        Assert.Equal(fixture.Layout.Shelters[0].ShelterId, snapshot.Definition.ShelterId);
        Assert.Equal(fixture.Layout.Shelters[0].PowerLimitKw, snapshot.Definition.PowerLimitKw);
        Assert.Equal(fixture.Layout.Shelters[0].PortIds, snapshot.Ports.Select(p => p.PortId));
        Assert.Null(await fixture.Grains.Shelter(fixture.CompoundId, "E99").GetSnapshot());
        Assert.Equal("shelter-not-found", (await fixture.Grains.Shelter(fixture.CompoundId, "E99").StartSession(new StartSessionCommand("r00001", "E99-P01", null))).Error?.Code);
    }

    [Fact]
    public async Task Power_held_under_the_threshold_cuts_a_full_battery()
    {
        var session = await Start("r00031", "E01-P01");
        Assert.Null((await Shelter.ReportPort("E01-P01", new PortReport(180, 50))).Value!.Ended);
        Assert.Null((await Shelter.ReportPort("E01-P01", new PortReport(6, 420))).Value!.Ended);

        ClusterFixture.Clock.Advance(Policy.FullHoldTime);
        var ended = await Get(session);

        Assert.Equal(SessionEndReason.Full, ended.EndReason);
        Assert.Equal(420, ended.EnergyWh);
        var port = (await Shelter.GetSnapshot())!.Ports.Single(p => p.PortId == "E01-P01");
        Assert.Equal(PortStatus.Free, port.Status);
    }

    [Fact]
    public async Task A_session_is_cut_at_the_maximum_length()
    {
        var session = await Start("r00032", "E01-P02");
        await Shelter.ReportPort("E01-P02", new PortReport(200, 10));

        ClusterFixture.Clock.Advance(Policy.MaxSessionLength);
        var ended = await Get(session);

        Assert.Equal(SessionEndReason.MaxLength, ended.EndReason);
        Assert.Equal(session.EndsBy, ended.EndedAt);
        Assert.Contains(await Shelter.GetSessionsOf("r00032"), s => s.SessionId == session.SessionId && s.EndReason == SessionEndReason.MaxLength);
    }

    [Fact]
    public async Task An_alarm_cuts_every_port_until_staff_clear_it()
    {
        var first = await Start("r00033", "E01-P03");
        var second = await Start("r00034", "E01-P04");

        var alarm = (await Shelter.ReportAlarm(new AlarmReading(AlarmKind.Temperature, 72))).Value!;

        Assert.True(alarm.Raised);
        Assert.Equal([first.SessionId, second.SessionId], alarm.Cut.Select(s => s.SessionId).Order());
        Assert.Equal(SessionEndReason.Alarm, (await Get(first)).EndReason);
        Assert.Equal(SessionEndReason.Alarm, (await Get(second)).EndReason);
        var cut = (await Shelter.GetSnapshot())!;
        Assert.All(cut.Ports, p => Assert.Equal(PortStatus.Cut, p.Status));
        Assert.Equal(0, cut.FreePorts);
        Assert.NotNull(cut.Alarm);

        // Time passing and readings back to normal restore nothing; a cut port refuses a session.
        ClusterFixture.Clock.Advance(TimeSpan.FromHours(1));
        Assert.False((await Shelter.ReportAlarm(new AlarmReading(AlarmKind.Temperature, 25))).Value!.Raised);
        Assert.Equal("port-cut", (await Shelter.StartSession(new StartSessionCommand("r00035", "E01-P05", null))).Error?.Code);

        var cleared = await Shelter.ClearAlarm("staff01");

        Assert.Equal("staff01", cleared.Value?.ClearedBy);
        var after = (await Shelter.GetSnapshot())!;
        Assert.Null(after.Alarm);
        Assert.All(after.Ports, p => Assert.NotEqual(PortStatus.Cut, p.Status));
        var again = await Start("r00035", "E01-P05");
        Assert.Equal(SessionEndReason.Driver, (await Shelter.StopSession(again.SessionId, new Actor("r00035", false))).Value?.EndReason);
        Assert.Equal("no-alarm", (await Shelter.ClearAlarm("staff01")).Error?.Code);
    }

    [Fact]
    public async Task Another_driver_may_not_see_or_stop_a_session_but_staff_may()
    {
        var session = await Start("r00036", "E01-P06");

        Assert.Equal(ErrorKind.Forbidden, (await Shelter.GetSession(session.SessionId, new Actor("r00037", false))).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Shelter.StopSession(session.SessionId, new Actor("r00037", false))).Error?.Kind);
        Assert.True((await Get(session)).IsActive);
        Assert.Equal(SessionEndReason.Staff, (await Shelter.StopSession(session.SessionId, new Actor("staff01", true))).Value?.EndReason);
    }
}
