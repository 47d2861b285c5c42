using Parking.Domain.Layout;

namespace Parking.Domain.Charging;

/// <summary>A charger's state, as OCPP names it.</summary>
public enum ChargerStatus
{
    /// <summary>Free, nothing plugged in.</summary>
    Available,

    /// <summary>A car is plugged in, not yet drawing power.</summary>
    Preparing,

    Charging,

    /// <summary>The car stopped drawing power (full, or stopped by it) but is still plugged in.</summary>
    Finishing,

    Faulted,

    /// <summary>Taken out of service (by staff or the charger itself).</summary>
    Unavailable,
}

/// <summary>What a charger (or its gateway, or staff) reports: its status, the power it delivers now, and its energy meter.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargerReport(
    [Id(0)] ChargerStatus Status,
    [Id(1)] double? PowerKw,
    [Id(2)] double? EnergyMeterKwh);

/// <summary>A charger as the area and staff see it.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargerSnapshot(
    [Id(0)] string ChargerId,
    [Id(1)] string SpaceId,
    [Id(2)] double MaxKw,
    [Id(3)] ChargerStatus Status,
    [Id(4)] double PowerKw,
    [Id(5)] double EnergyMeterKwh,
    [Id(6)] DateTimeOffset? ReportedAt)
{
    /// <summary>Something is plugged into it.</summary>
    public bool IsOccupied => Status is ChargerStatus.Preparing or ChargerStatus.Charging or ChargerStatus.Finishing;

    /// <summary>It can take a turn now or later: not faulted and not out of service.</summary>
    public bool IsUsable => Status is not (ChargerStatus.Faulted or ChargerStatus.Unavailable);

    public static ChargerSnapshot New(ChargerDefinition definition) =>
        new(definition.ChargerId, definition.SpaceId, definition.MaxKw, ChargerStatus.Available, 0, 0, null);
}

/// <summary>Which status reports a charger may make, and what they mean for the car on it.</summary>
public static class ChargerRules
{
    /// <summary>A report's slack over the charger's rated power (meters and rounding).</summary>
    public const double PowerTolerance = 1.05;

    /// <summary>
    /// Checks a report against the charger's current state; null when it is acceptable. The same status
    /// again is a meter reading. Leaving a fault goes through any state the hardware finds itself in.
    /// </summary>
    public static DomainError? Validate(ChargerSnapshot current, ChargerReport report)
    {
        if (!Enum.IsDefined(report.Status))
        {
            return DomainError.Invalid("status", "status-unknown", "status is one of available, preparing, charging, finishing, faulted, unavailable.");
        }

        if (report.PowerKw is { } power)
        {
            if (double.IsNaN(power) || power < 0)
            {
                return DomainError.Invalid("powerKw", "power-negative", "powerKw is 0 or more.");
            }

            if (power > current.MaxKw * PowerTolerance)
            {
                return DomainError.Invalid("powerKw", "power-above-rating", $"powerKw is at most the charger's rating, {current.MaxKw:0.#} kW.");
            }

            if (power > 0 && report.Status != ChargerStatus.Charging)
            {
                return DomainError.Invalid("powerKw", "power-while-not-charging", "Only a charging charger delivers power.");
            }
        }

        if (report.EnergyMeterKwh is { } meter)
        {
            if (double.IsNaN(meter) || meter < 0)
            {
                return DomainError.Invalid("energyMeterKwh", "meter-negative", "energyMeterKwh is 0 or more.");
            }

            if (meter < current.EnergyMeterKwh)
            {
                return DomainError.Invalid("energyMeterKwh", "meter-went-backwards", $"The energy meter never runs backwards: it read {current.EnergyMeterKwh:0.###} kWh.");
            }
        }

        return IsAllowed(current.Status, report.Status)
            ? null
            : DomainError.Conflict("status-transition", $"A charger cannot go from {current.Status} to {report.Status}.");
    }

    /// <summary>The OCPP transitions a connector makes; a report of the same status is always allowed.</summary>
    public static bool IsAllowed(ChargerStatus from, ChargerStatus to) => from == to || (from, to) switch
    {
        (ChargerStatus.Available, ChargerStatus.Finishing) => false,
        (ChargerStatus.Charging, ChargerStatus.Preparing) => false,
        (ChargerStatus.Finishing, ChargerStatus.Preparing) => false,
        _ => true,
    };

    /// <summary>A car was plugged in: the charger went from free (or out of order) to holding a car.</summary>
    public static bool IsPlugIn(ChargerStatus from, ChargerStatus to) =>
        to is ChargerStatus.Preparing or ChargerStatus.Charging
        && from is ChargerStatus.Available or ChargerStatus.Faulted or ChargerStatus.Unavailable;

    /// <summary>The car was unplugged: the charger held a car and is free now.</summary>
    public static bool IsPlugOut(ChargerStatus from, ChargerStatus to) =>
        to == ChargerStatus.Available && from is ChargerStatus.Preparing or ChargerStatus.Charging or ChargerStatus.Finishing;

    /// <summary>The charger stopped being usable.</summary>
    public static bool IsFault(ChargerStatus from, ChargerStatus to) =>
        to is ChargerStatus.Faulted or ChargerStatus.Unavailable && from is not (ChargerStatus.Faulted or ChargerStatus.Unavailable);

    /// <summary>The charger is usable again.</summary>
    public static bool IsRecovery(ChargerStatus from, ChargerStatus to) =>
        from is ChargerStatus.Faulted or ChargerStatus.Unavailable && to is not (ChargerStatus.Faulted or ChargerStatus.Unavailable);

    /// <summary>Applies an accepted report.</summary>
    public static ChargerSnapshot Apply(ChargerSnapshot current, ChargerReport report, DateTimeOffset now) => current with
    {
        Status = report.Status,
        PowerKw = report.Status == ChargerStatus.Charging ? report.PowerKw ?? current.PowerKw : 0,
        EnergyMeterKwh = report.EnergyMeterKwh ?? current.EnergyMeterKwh,
        ReportedAt = now,
    };
}
