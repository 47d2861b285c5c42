using Parking.Domain.Charging;
using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Parking.Domain.Sharing;
using Parking.Domain.Shelters;

namespace Parking.Domain.Scenarios;

/// <summary>
/// Every rule set of a compound at once: the live ones (from configuration) or a scenario's, made by
/// <see cref="With"/>. The simulator runs the same domain rules with these, never a copy of the rules.
/// </summary>
public sealed record ScenarioPolicies(
    ReservationPolicy Reservations,
    ChargingPolicy Charging,
    ShelterPolicy Shelters,
    CreditPolicy Credits,
    VisitorPolicy Visitors,
    SharingPolicy Sharing)
{
    /// <summary>The defaults every policy class carries: the rules of a compound with no configuration.</summary>
    public static ScenarioPolicies Defaults() => new(new(), new(), new(), new(), new(), new());

    /// <summary>Copies of these policies with the scenario's rule changes applied; these are not modified.</summary>
    public ScenarioPolicies With(ScenarioRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);

        var reservations = new ReservationPolicy
        {
            MinimumLength = Reservations.MinimumLength,
            MaximumLength = Reservations.MaximumLength,
            BookingHorizon = rules.BookingHorizon ?? Reservations.BookingHorizon,
            GracePeriod = rules.ReservationGracePeriod ?? Reservations.GracePeriod,
            EarlyCheckIn = Reservations.EarlyCheckIn,
            ClockSkew = Reservations.ClockSkew,
            MaxActivePerResident = rules.MaxActivePerResident ?? Reservations.MaxActivePerResident,
            SpaceHistory = Reservations.SpaceHistory,
            ResidentHistory = Reservations.ResidentHistory,
        };
        var charging = new ChargingPolicy
        {
            GracePeriod = rules.ChargingGracePeriod ?? Charging.GracePeriod,
            MoveNotice = Charging.MoveNotice,
            EarlyPlugIn = Charging.EarlyPlugIn,
            SolveBudget = Charging.SolveBudget,
            Period = Charging.Period,
            Algorithm = rules.ChargingAlgorithm ?? Charging.Algorithm,
            Horizon = Charging.Horizon,
            MaxEnergyKwh = Charging.MaxEnergyKwh,
            MaxActivePerDriver = Charging.MaxActivePerDriver,
            ClockSkew = Charging.ClockSkew,
            History = Charging.History,
            BehindReplanEvery = Charging.BehindReplanEvery,
            QuietHoursFrom = rules.QuietHoursFrom ?? Charging.QuietHoursFrom,
            QuietHoursUntil = rules.QuietHoursUntil ?? Charging.QuietHoursUntil,
            MaxTurnsPerRequest = rules.MaxTurnsPerRequest ?? Charging.MaxTurnsPerRequest,
        };
        var shelters = new ShelterPolicy
        {
            MaxSessionLength = rules.ShelterMaxSessionLength ?? Shelters.MaxSessionLength,
            FullPowerWatts = Shelters.FullPowerWatts,
            FullHoldTime = Shelters.FullHoldTime,
            PortMaxWatts = rules.ShelterPortMaxWatts ?? Shelters.PortMaxWatts,
            MinPortWatts = Shelters.MinPortWatts,
            AlarmTemperatureCelsius = Shelters.AlarmTemperatureCelsius,
            SmokeAlarmLevel = Shelters.SmokeAlarmLevel,
            MaxSessionsPerResident = Shelters.MaxSessionsPerResident,
            SessionHistory = Shelters.SessionHistory,
        };
        var credits = new CreditPolicy
        {
            SharedPerHour = rules.SharedPerHour ?? Credits.SharedPerHour,
            CommonPerHour = rules.CommonPerHour ?? Credits.CommonPerHour,
            TemporaryPerHour = rules.TemporaryPerHour ?? Credits.TemporaryPerHour,
            Grant = rules.Grant ?? Credits.Grant,
            RefundNotice = Credits.RefundNotice,
        };
        var visitors = new VisitorPolicy
        {
            PassesPerWeek = rules.VisitorPassesPerWeek ?? Visitors.PassesPerWeek,
            HoursPerWeek = rules.VisitorHoursPerWeek ?? Visitors.HoursPerWeek,
        };
        var sharing = new SharingPolicy
        {
            UtcOffset = Sharing.UtcOffset,
            WithdrawalNotice = rules.SharingWithdrawalNotice ?? Sharing.WithdrawalNotice,
            OverstayLookahead = Sharing.OverstayLookahead,
            DemoSharingDays = Sharing.DemoSharingDays,
        };

        return new(reservations, charging, shelters, credits, visitors, sharing);
    }
}

/// <summary>Checks of a scenario's rule changes that need no layout.</summary>
public static class ScenarioRuleChecks
{
    /// <summary>The most turns per charging request a scenario may try: each further turn is another move for the driver and a larger model to solve.</summary>
    public const int MaxTurnsPerRequestLimit = 4;

    /// <summary>Null when every rule change is acceptable, else the first that is not, naming its field.</summary>
    public static DomainError? Validate(ScenarioRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);

        if (rules.ReservationGracePeriod is { } grace && (grace < TimeSpan.Zero || grace > TimeSpan.FromHours(2)))
        {
            return DomainError.Invalid("rules.reservationGracePeriod", "rule-out-of-range", "A reservation's grace period lies between 0 and 2 hours.");
        }

        if (rules.ChargingGracePeriod is { } chargingGrace && (chargingGrace < TimeSpan.Zero || chargingGrace > TimeSpan.FromHours(1)))
        {
            return DomainError.Invalid("rules.chargingGracePeriod", "rule-out-of-range", "A charging turn's grace period lies between 0 and 1 hour.");
        }

        if (rules.MaxActivePerResident is < 1 or > 50)
        {
            return DomainError.Invalid("rules.maxActivePerResident", "rule-out-of-range", "A resident may hold between 1 and 50 reservations at once.");
        }

        if (rules.BookingHorizon is { } horizon && (horizon < TimeSpan.FromHours(1) || horizon > TimeSpan.FromDays(90)))
        {
            return DomainError.Invalid("rules.bookingHorizon", "rule-out-of-range", "The booking horizon lies between 1 hour and 90 days.");
        }

        if (rules.MaxTurnsPerRequest is < 1 or > MaxTurnsPerRequestLimit)
        {
            return DomainError.Invalid("rules.maxTurnsPerRequest", "rule-out-of-range", $"A charging request may get between 1 and {MaxTurnsPerRequestLimit} turns.");
        }

        if ((rules.QuietHoursFrom is null) != (rules.QuietHoursUntil is null))
        {
            return DomainError.Invalid("rules.quietHoursUntil", "quiet-hours-half", "Quiet hours need both a start and an end.");
        }

        if (rules.ShelterMaxSessionLength is { } session && (session < TimeSpan.FromMinutes(30) || session > TimeSpan.FromHours(24)))
        {
            return DomainError.Invalid("rules.shelterMaxSessionLength", "rule-out-of-range", "A shelter session may be limited to between 30 minutes and 24 hours.");
        }

        if (rules.ShelterPortMaxWatts is { } watts && (double.IsNaN(watts) || watts <= 0 || watts > 2000))
        {
            return DomainError.Invalid("rules.shelterPortMaxWatts", "rule-out-of-range", "A port's power lies above 0 and at most 2,000 W.");
        }

        foreach (var (value, name) in new[] { (rules.SharedPerHour, "sharedPerHour"), (rules.CommonPerHour, "commonPerHour"), (rules.TemporaryPerHour, "temporaryPerHour"), (rules.Grant, "grant"), (rules.VisitorPassesPerWeek, "visitorPassesPerWeek") })
        {
            if (value is < 0 or > 10_000)
            {
                return DomainError.Invalid($"rules.{name}", "rule-out-of-range", "Prices, grants and quotas lie between 0 and 10,000.");
            }
        }

        if (rules.SharingOwnersShare is { } share && (double.IsNaN(share) || share < 0 || share > 1))
        {
            return DomainError.Invalid("rules.sharingOwnersShare", "rule-out-of-range", "The share of owners who publish their space lies between 0 and 1.");
        }

        if ((rules.SharingFrom is null) != (rules.SharingUntil is null))
        {
            return DomainError.Invalid("rules.sharingUntil", "sharing-hours-half", "Sharing hours need both a start and an end.");
        }

        return null;
    }
}
