using Microsoft.Extensions.Logging;
using Parking.Domain.Charging;
using Parking.Domain.Ocpp;
using Parking.Grains.Charging;

namespace Parking.Grains.Ocpp;

/// <summary>Status and life cycle: connections, boots, status notifications, and the charger leaving or rejoining the layout.</summary>
public sealed partial class ChargePointGrain
{
    public async Task Connected(string connectionId, IOcppHostObserver host)
    {
        if (S.Connected(connectionId, host, Now) is { } takenOver)
        {
            takenOver.Host.Drop(ChargePointId, takenOver.ConnectionId).Ignore();
        }

        ExpireQueued();

        // What the charger did while offline is unknown: ask for its status and the unit it takes limits in, and
        // make sure it has its profile.
        Enqueue("TriggerMessage", OcppCommands.TriggerStatus(), "reconnect");
        Enqueue("GetConfiguration", OcppCommands.GetRateUnit(), RateUnitOrigin);
        if (S.Schedule is { } schedule && !S.HasPending("SetChargingProfile"))
        {
            Enqueue("SetChargingProfile", OcppCommands.SetChargePointMaxProfile(schedule, S.RateUnit), "plan");
        }

        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
    }

    public async Task Disconnected(string connectionId)
    {
        if (!S.Disconnected(connectionId))
        {
            return;
        }

        await state.WriteStateAsync();
        await ScheduleExpiry();
    }

    public async Task LayoutChanged()
    {
        var (compoundId, chargerId) = Ids;
        var inLayout = (await GrainFactory.Compound(compoundId).GetChargingAreas()).Any(a => a.Chargers.Any(c => c.ChargerId == chargerId));
        if (!S.StandingChanges(inLayout))
        {
            // Nothing to tell: its standing is unchanged, or no charge point was ever set up for this charger.
            return;
        }

        ExpireQueued();
        if (!inLayout)
        {
            // A car still charging is stopped first (its StopTransaction closes the session as usual), then the
            // charger is taken out of service. Both wait in the queue while the charge point is offline.
            S.Retire();
            if (S.Sessions.Sessions.FirstOrDefault(x => x.IsOpen) is { } open)
            {
                Enqueue("RemoteStopTransaction", OcppCommands.RemoteStop(open.TransactionId), RemovedOrigin);
            }

            Enqueue("ChangeAvailability", OcppCommands.ChangeAvailability(operative: false), RemovedOrigin);
            LogRetired(ChargePointId);
        }
        else
        {
            S.Restore();
            Enqueue("ChangeAvailability", OcppCommands.ChangeAvailability(operative: true), RemovedOrigin);
        }

        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
    }

    private async Task<OcppResponse> Boot(BootNotificationRequest boot)
    {
        S.Booted(boot.ChargePointVendor, boot.ChargePointModel, boot.FirmwareVersion);
        if (S.Retired)
        {
            return ChargePointRules.BootAnswer(retired: true, bound: false, Now, _policy);
        }

        var (compoundId, chargerId) = Ids;
        var bound = (await GrainFactory.Charger(compoundId, chargerId).Get()).IsSuccess;
        _unboundUntil = bound ? default : Now + _policy.PendingRetry;
        return ChargePointRules.BootAnswer(retired: false, bound, Now, _policy);
    }

    private async Task<OcppResponse> Status(StatusNotificationRequest status)
    {
        if (ChargePointRules.CheckTimestamp(status.Timestamp, Now, "timestamp") is { } late)
        {
            return late;
        }

        if (status.ConnectorId > 1)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"connectorId {status.ConnectorId} does not exist: this charger has one connector (1), and 0 stands for the whole charger.", "connectorId");
        }

        if (S.StatusReported(status.ConnectorId, status.Status) is not { } reported)
        {
            return new EmptyResponse();
        }

        var fault = await Report(new ChargerReport(reported, reported == ChargerStatus.Charging ? null : 0, null));
        return fault is null ? new EmptyResponse() : fault;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: its charger left the compound's file; stopped, set Inoperative, boots rejected")]
    private partial void LogRetired(string chargePointId);
}
