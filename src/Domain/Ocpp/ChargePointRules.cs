using System.Globalization;
using Parking.Domain.Charging;

namespace Parking.Domain.Ocpp;

/// <summary>What a charge point's messages mean for the charger as Parking knows it, and the checks past the schema.</summary>
public static class ChargePointRules
{
    /// <summary>How far ahead of the central system's clock a charger's timestamp may be (clocks drift).</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The answer to a boot. A retired charge point is Rejected: OCPP then lets it send nothing but another boot after the
    /// interval. One the layout does not hold yet (<paramref name="bound"/> false) is Pending, to boot again after
    /// <see cref="OcppPolicy.PendingRetry"/>; a bound one is Accepted with the heartbeat interval.
    /// </summary>
    public static BootNotificationResponse BootAnswer(bool retired, bool bound, DateTimeOffset now, OcppPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return retired ? new BootNotificationResponse("Rejected", now, (int)policy.PendingRetry.TotalSeconds)
            : bound ? new BootNotificationResponse("Accepted", now, (int)policy.HeartbeatInterval.TotalSeconds)
            : new BootNotificationResponse("Pending", now, (int)policy.PendingRetry.TotalSeconds);
    }

    /// <summary>
    /// Whether a driver may start charging now (null when they may): not while a transaction runs (the car is
    /// charging), and only when the connector reports a car plugged in and waiting (OCPP's Preparing).
    /// </summary>
    public static DomainError? DriverStart(bool transactionOpen, string? connectorStatus) =>
        transactionOpen ? DomainError.Conflict("transaction-running", "The charger already runs a transaction: the car is charging.")
        : connectorStatus != "Preparing" ? DomainError.Conflict("not-plugged-in", "The charger does not report a plugged-in car waiting to charge; plug the car in first.")
        : null;

    /// <summary>
    /// What the area's schedule asks of the charger's transaction, null for nothing. A turn whose car waits plugged in
    /// (Preparing) and has no transaction yet is started remotely, once (<paramref name="remoteStartPending"/>: a start
    /// is already on its way). A transaction Parking started for a request the schedule no longer names (the turn is
    /// over, or the car went) is stopped remotely, once (<paramref name="remoteStopAsked"/>: a stop for it was already
    /// sent). A transaction begun at the charger without a request is never stopped by the plan.
    /// </summary>
    public static TurnCommand? TurnCommand(ChargerSchedule schedule, ChargeSession? open, string? connectorStatus, bool remoteStartPending, bool remoteStopAsked)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.SessionRequestId is { } requestId && open is null && connectorStatus == "Preparing" && !remoteStartPending)
        {
            return new TurnCommand.Start(requestId, schedule.SessionResidentId);
        }

        return open is { RequestId: not null } && schedule.SessionRequestId != open.RequestId && !remoteStopAsked
            ? new TurnCommand.Stop(open.TransactionId)
            : null;
    }

    /// <summary>
    /// The charger status an OCPP connector status stands for. Suspended states keep the car on the charger
    /// (it draws nothing now); Reserved is free as far as the plan is concerned.
    /// </summary>
    public static ChargerStatus ToChargerStatus(string ocppStatus) => ocppStatus switch
    {
        "Available" or "Reserved" => ChargerStatus.Available,
        "Preparing" => ChargerStatus.Preparing,
        "Charging" or "SuspendedEVSE" or "SuspendedEV" => ChargerStatus.Charging,
        "Finishing" => ChargerStatus.Finishing,
        "Faulted" => ChargerStatus.Faulted,
        "Unavailable" => ChargerStatus.Unavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(ocppStatus), ocppStatus, "Not an OCPP 1.6 charge point status."),
    };

    /// <summary>A fault (null when none) for a timestamp too far ahead of now.</summary>
    public static OcppFault? CheckTimestamp(DateTimeOffset? timestamp, DateTimeOffset now, string field) =>
        timestamp is { } t && t > now + FutureSkew
            ? new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"{field} {t:O} is in the future (the central system's time is {now:O}).", field)
            : null;

    /// <summary>A meter reading of a sample, converted: energy register in kWh, active power in kW (null when absent).</summary>
    public static (double? EnergyKwh, double? PowerKw, OcppFault? Fault) Read(MeterValue meterValue, string field)
    {
        double? energy = null;
        double? power = null;
        for (var i = 0; i < meterValue.SampledValue.Count; i++)
        {
            var sample = meterValue.SampledValue[i];
            var measurand = sample.Measurand ?? "Energy.Active.Import.Register";
            if (measurand is not ("Energy.Active.Import.Register" or "Power.Active.Import") || sample.Phase is not null)
            {
                continue;
            }

            if (!double.TryParse(sample.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || double.IsInfinity(value) || value < 0)
            {
                return (null, null, new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"{field}.sampledValue[{i}].value is a number of 0 or more, not '{sample.Value}'.", $"{field}.sampledValue[{i}].value"));
            }

            if (measurand == "Energy.Active.Import.Register")
            {
                energy = (sample.Unit ?? "Wh") switch
                {
                    "Wh" => value / 1000,
                    "kWh" => value,
                    _ => null,
                };
            }
            else
            {
                power = (sample.Unit ?? "W") switch
                {
                    "W" => value / 1000,
                    "kW" => value,
                    _ => null,
                };
            }
        }

        return (energy, power, null);
    }
}

/// <summary>A remote start or stop the plan asks of a charge point (<see cref="ChargePointRules.TurnCommand"/>).</summary>
public abstract record TurnCommand
{
    private TurnCommand()
    {
    }

    /// <summary>Start a transaction for the turn of <paramref name="RequestId"/>, the car of <paramref name="ResidentId"/>.</summary>
    public sealed record Start(string RequestId, string? ResidentId) : TurnCommand;

    /// <summary>Stop transaction <paramref name="TransactionId"/>: its turn is over.</summary>
    public sealed record Stop(int TransactionId) : TurnCommand;
}
