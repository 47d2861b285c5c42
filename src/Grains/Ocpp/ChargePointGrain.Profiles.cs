using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

/// <summary>Profiles: the schedule the area plans for the charger, turned into charging profiles and remote starts and stops.</summary>
public sealed partial class ChargePointGrain
{
    public async Task ApplySchedule(ChargerSchedule schedule, long areaVersion)
    {
        if (S.Scheduled(schedule, areaVersion, Now) is not { } changed)
        {
            return;
        }

        if (changed)
        {
            EnqueueProfiles(schedule);
        }

        switch (S.TurnCommand(schedule))
        {
            case TurnCommand.Start start:
                Enqueue("RemoteStartTransaction", OcppCommands.RemoteStart(S.Sessions.IssueIdTag(start.RequestId, start.ResidentId)), "plan");
                break;
            case TurnCommand.Stop stop:
                // The turn is over (or the car went): end the transaction it was charging under.
                Enqueue("RemoteStopTransaction", OcppCommands.RemoteStop(stop.TransactionId), "plan");
                break;
        }

        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
    }

    /// <summary>The charger's limits (and its open transaction's); a newer profile replaces one not yet delivered.</summary>
    private void EnqueueProfiles(ChargerSchedule schedule)
    {
        S.DropQueued(c => c.Action == "SetChargingProfile");
        Enqueue("SetChargingProfile", OcppCommands.SetChargePointMaxProfile(schedule, S.RateUnit), "plan");
        if (S.Sessions.LatestOpen is { } open)
        {
            Enqueue("SetChargingProfile", OcppCommands.SetTxProfile(schedule, open.TransactionId, S.RateUnit), "plan");
        }
    }
}
