using Parking.Domain.Layout;
using Parking.Domain.Shelters;
using Xunit;

namespace Parking.Domain.Tests.Shelters;

public class ShelterLinkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 20, 0, 0, TimeSpan.FromHours(8));
    private static readonly ShelterPolicy Policy = new();
    private static readonly string[] Ports = ["E01-P01", "E01-P02", "E01-P03"];

    private static ShelterLinkState Heard()
    {
        var link = new ShelterLinkState();
        link.Heard(Now);
        return link;
    }

    [Fact]
    public void A_shelter_no_controller_ever_reported_for_gets_no_commands_and_is_never_offline()
    {
        var link = new ShelterLinkState();
        Assert.Null(link.Issue("c", "E01", ShelterCommandAction.AllOff, Ports, null, Policy, Now));
        Assert.Equal(ControllerStatus.None, link.Status);
        Assert.Null(link.NextDeadline(Policy));
        Assert.False(link.Check(Policy, Now.AddDays(1)).WentOffline);
    }

    [Fact]
    public void An_all_off_is_confirmed_port_by_port_and_an_unconfirmed_port_fails_at_the_deadline()
    {
        var link = Heard();
        var command = link.Issue("c", "E01", ShelterCommandAction.AllOff, Ports, null, Policy, Now)!;
        Assert.Equal(Ports, command.Ports);
        Assert.Equal(Now + Policy.CommandTimeout, command.DueBy);
        link.PortReported("E01-P01", on: false, 0, Now.AddSeconds(1));
        link.PortReported("E01-P02", on: true, 150, Now.AddSeconds(1));
        link.PortReported("E01-P03", on: false, 0, Now.AddSeconds(1));

        Assert.Empty(link.Check(Policy, Now.AddSeconds(4)).Failed);
        var failure = Assert.Single(link.Check(Policy, Now.AddSeconds(5)).Failed);
        Assert.Equal(["E01-P02"], failure.Ports);
        Assert.True(failure.PortDidNotCut);
        Assert.Equal("no-ack", failure.Reason);
        Assert.Empty(link.Pending);
        Assert.Empty(link.Check(Policy, Now.AddSeconds(6)).Failed);
    }

    [Fact]
    public void An_acknowledgement_confirms_the_whole_command_once_and_a_refusal_fails_it()
    {
        var link = Heard();
        var on = link.Issue("c", "E01", ShelterCommandAction.PortOn, ["E01-P01"], 200, Policy, Now)!;
        var off = link.Issue("c", "E01", ShelterCommandAction.PortOff, ["E01-P02"], null, Policy, Now)!;
        Assert.NotEqual(on.CommandId, off.CommandId);
        Assert.Equal(200, on.MaxPowerW);

        Assert.Null(link.Acknowledge(new CommandAck(on.CommandId, true, null), Now));
        Assert.Null(link.Acknowledge(new CommandAck(on.CommandId, false, "late"), Now));
        var refused = link.Acknowledge(new CommandAck(off.CommandId, false, "relay stuck"), Now)!;
        Assert.Equal(("refused", "relay stuck"), (refused.Reason, refused.Detail));
        Assert.Empty(link.Pending);
        Assert.Single(link.Failures);
    }

    [Fact]
    public void A_command_no_connection_took_fails_at_once()
    {
        var link = Heard();
        var command = link.Issue("c", "E01", ShelterCommandAction.PortOff, ["E01-P03"], null, Policy, Now)!;
        var failure = link.Sent(command.CommandId, sent: false, Now)!;
        Assert.Equal("not-sent", failure.Reason);
        Assert.Empty(link.Pending);
    }

    [Fact]
    public void A_silent_controller_goes_offline_once_and_comes_back_when_heard()
    {
        var link = Heard();
        Assert.Equal(Now + Policy.ControllerSilence, link.NextDeadline(Policy));
        Assert.False(link.Check(Policy, Now + Policy.ControllerSilence - TimeSpan.FromSeconds(1)).WentOffline);
        Assert.True(link.Check(Policy, Now + Policy.ControllerSilence).WentOffline);
        Assert.False(link.Check(Policy, Now + Policy.ControllerSilence).WentOffline);
        Assert.Equal(ControllerStatus.Offline, link.Status);
        Assert.Null(link.NextDeadline(Policy));
        Assert.True(link.Heard(Now.AddMinutes(5)));
        Assert.Equal(ControllerStatus.Online, link.Status);
    }

    [Fact]
    public void An_offline_shelter_refuses_new_sessions_and_shows_no_free_port()
    {
        var shelter = new ShelterState();
        shelter.Configure("c", new ShelterDefinition("E01", "Shelter 1", "B01", 3, 0.6, new Dictionary<string, int> { ["B01"] = 15 }));
        Assert.True(shelter.SetControllerOffline(true));
        Assert.False(shelter.SetControllerOffline(true));
        var version = shelter.Version;
        var refused = shelter.Start(new StartSessionCommand("r1", "E01-P01", null), Policy, Now);
        Assert.Equal("shelter-offline", refused.Error?.Code);
        Assert.Equal(version, shelter.Version);
        Assert.Equal(0, shelter.Snapshot(Policy, Now)!.FreePorts);
        Assert.True(shelter.SetControllerOffline(false));
        Assert.True(shelter.Start(new StartSessionCommand("r1", "E01-P01", null), Policy, Now).IsSuccess);
    }
}
