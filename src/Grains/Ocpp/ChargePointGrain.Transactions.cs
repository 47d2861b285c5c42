using Microsoft.Extensions.Logging;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Domain.Ocpp;
using Parking.Grains.Charging;
using Parking.Grains.Notifications;

namespace Parking.Grains.Ocpp;

/// <summary>Transactions: remote starts, StartTransaction, MeterValues, StopTransaction and idTags, decided by <see cref="ChargePointSessions"/>.</summary>
public sealed partial class ChargePointGrain
{
    private ChargePointSessions Sessions => S.Sessions;

    public async Task<Outcome<OcppCommandRecord>> StartFor(string requestId, string residentId)
    {
        if (S.DriverStart() is { } refused)
        {
            return refused;
        }

        ExpireQueued();
        var command = Enqueue("RemoteStartTransaction", OcppCommands.RemoteStart(Sessions.IssueIdTag(requestId, residentId)), "driver:" + residentId);
        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
        return S.Command(command.Id) ?? command;
    }

    private async Task<OcppResponse> Start(StartTransactionRequest start)
    {
        if (ChargePointSessions.CheckStart(start, Now) is { } fault)
        {
            return fault;
        }

        var authorization = await Authorize(start.IdTag);
        var session = Sessions.Start(start, authorization, S.Schedule);
        if (authorization.IsAccepted && S.Schedule is { } schedule)
        {
            Enqueue("SetChargingProfile", OcppCommands.SetTxProfile(schedule, session.TransactionId, S.RateUnit), "plan");
            DeliverQueued();
        }

        await ReportMeter(start.MeterStart / 1000.0, null);
        return new StartTransactionResponse(new IdTagInfo(authorization.Status), session.TransactionId);
    }

    private async Task<OcppResponse> Meter(MeterValuesRequest meter)
    {
        var (read, fault) = Sessions.Meter(meter, Now);
        if (fault is not null)
        {
            return fault;
        }

        var (streak, overdrawing) = (Sessions.OverdrawStreak, Sessions.Overdrawing);
        foreach (var change in Sessions.CheckDraw(S.Schedule, read!.PowerSamples))
        {
            Alert(
                change.Overdrawing ? ChargerAlertKind.Overdraw : ChargerAlertKind.OverdrawCleared,
                change.Overdrawing
                    ? $"Charger {Ids.ChargerId} draws {change.Kw:0.0} kW, above its profile's {change.LimitKw:0.0} kW, for two intervals in a row."
                    : $"Charger {Ids.ChargerId} keeps to its profile again ({change.Kw:0.0} kW, limit {change.LimitKw:0.0} kW).");
        }

        _nothingStored = read.Session is null && streak == Sessions.OverdrawStreak && overdrawing == Sessions.Overdrawing;
        var refused = await ReportMeter(read.EnergyKwh, read.PowerKw);
        return refused is null ? new EmptyResponse() : refused;
    }

    private async Task<OcppResponse> Stop(StopTransactionRequest stop)
    {
        var (stopped, fault) = Sessions.Stop(stop, Now);
        if (fault is not null)
        {
            return fault;
        }

        var session = stopped!.Session;
        S.DropQueued(c => c.PayloadJson == OcppCommands.RemoteStop(session.TransactionId));
        LogSessionStopped(ChargePointId, session.TransactionId, session.EnergyKwh, session.RequestId);
        await WriteHistory(stopped);
        await ReportMeter(stop.MeterStop / 1000.0, null);
        return new StopTransactionResponse(stop.IdTag is null ? null : new IdTagInfo((await Authorize(stop.IdTag)).Status));
    }

    /// <summary>A stopped session goes to the charging history with its cost under the compound's tariff of now.</summary>
    private async Task WriteHistory(SessionStopped stopped)
    {
        var (compoundId, chargerId) = Ids;
        var session = stopped.Session;
        var areaId = (await GrainFactory.Charger(compoundId, chargerId).Get()).Value?.AreaId ?? string.Empty;
        var tariff = await GrainFactory.ChargingTariff(compoundId).Get();
        var cost = tariff.Cost(stopped.Readings, sharingOptions.Value.UtcOffset);
        history.Append(new ChargingSessionRecord(
            compoundId,
            areaId,
            chargerId,
            session.TransactionId,
            session.ResidentId,
            session.RequestId,
            session.StartedAt,
            session.StoppedAt!.Value,
            session.MeterStartWh,
            session.LastMeterWh,
            session.StopReason,
            cost));
    }

    /// <summary>
    /// An idTag is accepted when this central system issued it for a turn (remote start) or it is a card staff
    /// registered for a resident; a blocked card is Blocked; anything else Invalid. The resident it stands for, if known.
    /// </summary>
    private async Task<IdTagAuthorization> Authorize(string idTag)
    {
        if (Sessions.AuthorizeKnown(idTag, S.Retired) is { } known)
        {
            return known;
        }

        var card = await GrainFactory.ChargingCards(Ids.CompoundId).Find(idTag);
        return IdTagAuthorization.OfCard(card?.Blocked, card?.ResidentId);
    }

    private async Task<OcppFault?> ReportMeter(double? energyKwh, double? powerKw)
    {
        // A charger told Pending at boot has no charger in the layout to report to until it boots again (after the
        // retry interval): its meter values are checked and answered, not looked up again each time.
        if (Now < _unboundUntil)
        {
            return null;
        }

        var (compoundId, chargerId) = Ids;
        var charger = await GrainFactory.Charger(compoundId, chargerId).Get();
        if (charger.Value is not { } view)
        {
            return null;
        }

        // Readings replayed after an outage may be older than one already reported: the meter never runs backwards.
        var energy = energyKwh is { } kwh && kwh >= view.Charger.EnergyMeterKwh ? kwh : (double?)null;
        var power = view.Charger.Status == ChargerStatus.Charging ? powerKw : null;
        if (energy is null && power is null && view.Charger.Overdrawing == Sessions.Overdrawing)
        {
            return null;
        }

        // The area hears whether the charger keeps to its profile: it plans the others around a charger that does not.
        return await Report(new ChargerReport(view.Charger.Status, power, energy) { Overdrawing = Sessions.Overdrawing });
    }

    private async Task<OcppFault?> Report(ChargerReport report)
    {
        var (compoundId, chargerId) = Ids;
        var outcome = await GrainFactory.Charger(compoundId, chargerId).Report(report);
        return outcome.Error is { } error
            ? new OcppFault(OcppErrorCodes.PropertyConstraintViolation, error.Message, error.Field)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: transaction {TransactionId} stopped, {EnergyKwh} kWh (request {RequestId})")]
    private partial void LogSessionStopped(string chargePointId, int transactionId, double energyKwh, string? requestId);
}
