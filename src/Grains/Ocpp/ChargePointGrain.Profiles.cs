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

        var open = S.Sessions.LatestOpen;
        if (changed)
        {
            EnqueueProfiles(schedule);
        }

        if (schedule.SessionRequestId is { } requestId && open is null && S.ConnectorStatus == "Preparing"
            && !S.HasPending("RemoteStartTransaction"))
        {
            Enqueue("RemoteStartTransaction", OcppCommands.RemoteStart(S.Sessions.IssueIdTag(requestId, schedule.SessionResidentId)), "plan");
        }
        else if (open is not null && open.RequestId is not null && schedule.SessionRequestId != open.RequestId
            && !S.Commands.Any(c => c.Action == "RemoteStopTransaction" && c.PayloadJson == OcppCommands.RemoteStop(open.TransactionId)))
        {
            // The turn is over (or the car went): end the transaction it was charging under.
            Enqueue("RemoteStopTransaction", OcppCommands.RemoteStop(open.TransactionId), "plan");
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
