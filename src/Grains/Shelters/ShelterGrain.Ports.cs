using Parking.Domain.Shelters;

namespace Parking.Grains.Shelters;

/// <summary>
/// The shelter's side of its controller: every session that starts switches its port on (with its share of
/// the power limit), every session that ends switches it off, and an alarm switches every port off. The
/// commands go to the controller grain one way (it may be calling this grain at that moment), which sends
/// them and watches for their confirmation.
/// </summary>
public sealed partial class ShelterGrain
{
    public async Task SetControllerOffline(bool offline)
    {
        await Sweep();
        if (Shelter.SetControllerOffline(offline))
        {
            await Commit([]);
        }
    }

    private IShelterControllerGrain Controller => GrainFactory.ShelterController(CompoundScopedKey.Of(this).CompoundId, CompoundScopedKey.Of(this).LocalId);

    private void SwitchPorts(IReadOnlyList<ShelterSession> changed)
    {
        if (Shelter.Definition is not { } definition)
        {
            return;
        }

        var running = Shelter.Running.Count();
        foreach (var session in changed)
        {
            if (session.IsActive && session.Revision == 1)
            {
                var allowance = ShelterPower.AllowanceWatts(definition.PowerLimitKw, running, _policy);
                Controller.Command(ShelterCommandAction.PortOn, [session.PortId], Math.Round(allowance, 1)).Ignore();
            }
            else if (!session.IsActive && session.EndReason != SessionEndReason.Alarm)
            {
                Controller.Command(ShelterCommandAction.PortOff, [session.PortId], null).Ignore();
            }
        }
    }

    private void CutEveryPort() =>
        Controller.Command(ShelterCommandAction.AllOff, [.. Shelter.Ports.Select(p => p.PortId)], null).Ignore();
}
