using System.Globalization;
using Parking.Domain.Scenarios;
using Parking.Grains.Scenarios;

namespace Parking.Api.Endpoints;

/// <summary>Scenario wire types to and from the domain's, naming the body's field when a value cannot be read.</summary>
public static class ScenarioMapping
{
    /// <summary>The domain's rule field names (from <see cref="ScenarioRuleChecks"/>) to the body's.</summary>
    private static readonly Dictionary<string, string> RuleFields = new(StringComparer.Ordinal)
    {
        ["rules.reservationGracePeriod"] = "rules.reservationGraceMinutes",
        ["rules.chargingGracePeriod"] = "rules.chargingGraceMinutes",
        ["rules.bookingHorizon"] = "rules.bookingHorizonDays",
        ["rules.shelterMaxSessionLength"] = "rules.shelterMaxSessionMinutes",
        ["rules.visitorHoursPerWeek"] = "rules.visitorHoursPerWeek",
        ["rules.sharingWithdrawalNotice"] = "rules.sharingWithdrawalNoticeMinutes",
    };

    public static DomainError ToWireField(this DomainError error) =>
        error.Field is { } field && RuleFields.TryGetValue(field, out var wire) ? error with { Field = wire } : error;

    /// <summary>The body as a domain definition, or the first field that cannot be read.</summary>
    public static Outcome<ScenarioDefinition> ToDefinition(this ScenarioBody? body)
    {
        if (body is null)
        {
            return DomainError.Invalid("body", "invalid-request", "A JSON body with name, changes and rules is required.");
        }

        var changes = body.Changes ?? new ScenarioChangesDto();
        var spaces = new List<SpaceChange>();
        for (var i = 0; i < (changes.Spaces?.Count ?? 0); i++)
        {
            var change = changes.Spaces![i];
            var field = Field("changes.spaces", i);
            if (change is null || string.IsNullOrWhiteSpace(change.SpaceId))
            {
                return DomainError.Invalid($"{field}.spaceId", "invalid-request", "spaceId is required.");
            }

            SpaceKind? kind = null;
            if (change.Kind is { } kindText)
            {
                if (!TryParse<SpaceKind>(kindText, out var parsed))
                {
                    return DomainError.Invalid($"{field}.kind", "invalid-request", "kind is standard, ev, accessible or visitor.");
                }

                kind = parsed;
            }

            SpaceOwnership? ownership = null;
            if (change.Ownership is { } ownershipText)
            {
                if (!TryParse<SpaceOwnership>(ownershipText, out var parsed))
                {
                    return DomainError.Invalid($"{field}.ownership", "invalid-request", "ownership is private, common or temporary.");
                }

                ownership = parsed;
            }

            spaces.Add(new SpaceChange(change.SpaceId, kind, ownership, change.OwnerHouseholdId, change.Remove));
        }

        var chargers = new List<ChargerChange>();
        for (var i = 0; i < (changes.Chargers?.Count ?? 0); i++)
        {
            var change = changes.Chargers![i];
            var field = Field("changes.chargers", i);
            if (change is null || string.IsNullOrWhiteSpace(change.SpaceId))
            {
                return DomainError.Invalid($"{field}.spaceId", "invalid-request", "spaceId is required.");
            }

            if (change.MaxKw is not { } kw)
            {
                return DomainError.Invalid($"{field}.maxKw", "invalid-request", "maxKw is required (0 removes the charger).");
            }

            chargers.Add(new ChargerChange(change.SpaceId, kw, change.AreaId));
        }

        var shelters = new List<ShelterChange>();
        for (var i = 0; i < (changes.Shelters?.Count ?? 0); i++)
        {
            var change = changes.Shelters![i];
            if (change is null || string.IsNullOrWhiteSpace(change.ShelterId))
            {
                return DomainError.Invalid($"{Field("changes.shelters", i)}.shelterId", "invalid-request", "shelterId is required.");
            }

            shelters.Add(new ShelterChange(change.ShelterId, change.Ports, change.PowerLimitKw));
        }

        var capacities = new List<AreaCapacityChange>();
        for (var i = 0; i < (changes.AreaCapacities?.Count ?? 0); i++)
        {
            var change = changes.AreaCapacities![i];
            var field = Field("changes.areaCapacities", i);
            if (change is null || string.IsNullOrWhiteSpace(change.AreaId))
            {
                return DomainError.Invalid($"{field}.areaId", "invalid-request", "areaId is required.");
            }

            if (change.SiteCapacityKw is not { } kw)
            {
                return DomainError.Invalid($"{field}.siteCapacityKw", "invalid-request", "siteCapacityKw is required.");
            }

            capacities.Add(new AreaCapacityChange(change.AreaId, kw));
        }

        var rules = ToRules(body.Rules ?? new ScenarioRulesDto());
        if (rules.Error is { } invalidRule)
        {
            return invalidRule;
        }

        return new ScenarioDefinition(body.Name ?? string.Empty, body.Description ?? string.Empty, new LayoutChanges(spaces, chargers, shelters, capacities), rules.Value!);
    }

    public static Outcome<ScenarioRules> ToRules(ScenarioRulesDto r)
    {
        ArgumentNullException.ThrowIfNull(r);

        TimeOnly? quietFrom = null, quietUntil = null, sharingFrom = null, sharingUntil = null;
        foreach (var (text, name) in new[] { (r.QuietHoursFrom, "quietHoursFrom"), (r.QuietHoursUntil, "quietHoursUntil"), (r.SharingFrom, "sharingFrom"), (r.SharingUntil, "sharingUntil") })
        {
            if (text is null)
            {
                continue;
            }

            if (!TimeOnly.TryParseExact(text, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                return DomainError.Invalid($"rules.{name}", "invalid-request", $"{name} is a time of day, HH:mm.");
            }

            switch (name)
            {
                case "quietHoursFrom": quietFrom = time; break;
                case "quietHoursUntil": quietUntil = time; break;
                case "sharingFrom": sharingFrom = time; break;
                default: sharingUntil = time; break;
            }
        }

        foreach (var (minutes, name) in new[] { (r.ReservationGraceMinutes, "reservationGraceMinutes"), (r.ChargingGraceMinutes, "chargingGraceMinutes"), (r.ShelterMaxSessionMinutes, "shelterMaxSessionMinutes"), (r.SharingWithdrawalNoticeMinutes, "sharingWithdrawalNoticeMinutes"), (r.BookingHorizonDays, "bookingHorizonDays") })
        {
            if (minutes is < 0)
            {
                return DomainError.Invalid($"rules.{name}", "rule-out-of-range", $"{name} is 0 or more.");
            }
        }

        if (r.VisitorHoursPerWeek is { } hours && (double.IsNaN(hours) || hours < 0 || hours > 168))
        {
            return DomainError.Invalid("rules.visitorHoursPerWeek", "rule-out-of-range", "visitorHoursPerWeek lies between 0 and 168.");
        }

        var algorithms = Parking.Domain.Charging.ChargingAlgorithmNames.All;
        if (r.ChargingAlgorithm is { } algorithm && !algorithms.Contains(algorithm, StringComparer.Ordinal))
        {
            return DomainError.Invalid("rules.chargingAlgorithm", "invalid-request", $"chargingAlgorithm is one of {string.Join(", ", algorithms)}.");
        }

        if (r.SharingWithdrawalNoticeMinutes is > 7 * 24 * 60)
        {
            return DomainError.Invalid("rules.sharingWithdrawalNoticeMinutes", "rule-out-of-range", "The withdrawal notice is at most a week.");
        }

        return new ScenarioRules
        {
            ReservationGracePeriod = Minutes(r.ReservationGraceMinutes),
            MaxActivePerResident = r.MaxActivePerResident,
            BookingHorizon = r.BookingHorizonDays is { } days ? TimeSpan.FromDays(days) : null,
            ChargingGracePeriod = Minutes(r.ChargingGraceMinutes),
            QuietHoursFrom = quietFrom,
            QuietHoursUntil = quietUntil,
            ChargingAlgorithm = r.ChargingAlgorithm,
            MaxTurnsPerRequest = r.MaxTurnsPerRequest,
            ShelterMaxSessionLength = Minutes(r.ShelterMaxSessionMinutes),
            ShelterPortMaxWatts = r.ShelterPortMaxWatts,
            SharedPerHour = r.SharedPerHour,
            CommonPerHour = r.CommonPerHour,
            TemporaryPerHour = r.TemporaryPerHour,
            Grant = r.Grant,
            VisitorPassesPerWeek = r.VisitorPassesPerWeek,
            VisitorHoursPerWeek = r.VisitorHoursPerWeek is { } h ? TimeSpan.FromHours(h) : null,
            SharingOwnersShare = r.SharingOwnersShare,
            SharingFrom = sharingFrom,
            SharingUntil = sharingUntil,
            SharingWithdrawalNotice = Minutes(r.SharingWithdrawalNoticeMinutes),
        };
    }

    public static ScenarioRulesDto ToDto(this ScenarioRules r) => new()
    {
        ReservationGraceMinutes = WholeMinutes(r.ReservationGracePeriod),
        MaxActivePerResident = r.MaxActivePerResident,
        BookingHorizonDays = r.BookingHorizon is { } horizon ? (int)horizon.TotalDays : null,
        ChargingGraceMinutes = WholeMinutes(r.ChargingGracePeriod),
        QuietHoursFrom = Time(r.QuietHoursFrom),
        QuietHoursUntil = Time(r.QuietHoursUntil),
        ChargingAlgorithm = r.ChargingAlgorithm,
        MaxTurnsPerRequest = r.MaxTurnsPerRequest,
        ShelterMaxSessionMinutes = WholeMinutes(r.ShelterMaxSessionLength),
        ShelterPortMaxWatts = r.ShelterPortMaxWatts,
        SharedPerHour = r.SharedPerHour,
        CommonPerHour = r.CommonPerHour,
        TemporaryPerHour = r.TemporaryPerHour,
        Grant = r.Grant,
        VisitorPassesPerWeek = r.VisitorPassesPerWeek,
        VisitorHoursPerWeek = r.VisitorHoursPerWeek?.TotalHours,
        SharingOwnersShare = r.SharingOwnersShare,
        SharingFrom = Time(r.SharingFrom),
        SharingUntil = Time(r.SharingUntil),
        SharingWithdrawalNoticeMinutes = WholeMinutes(r.SharingWithdrawalNotice),
    };

    public static ScenarioChangesDto ToDto(this LayoutChanges c) => new(
        [.. c.Spaces.Select(s => new ScenarioSpaceChangeDto(s.SpaceId, s.Kind?.Wire(), s.Ownership?.Wire(), s.OwnerHouseholdId, s.Remove))],
        [.. c.Chargers.Select(x => new ScenarioChargerChangeDto(x.SpaceId, x.MaxKw, x.AreaId))],
        [.. c.Shelters.Select(x => new ScenarioShelterChangeDto(x.ShelterId, x.Ports, x.PowerLimitKw))],
        [.. c.AreaCapacities.Select(x => new ScenarioAreaCapacityChangeDto(x.AreaId, x.SiteCapacityKw))]);

    public static ScenarioSummaryDto ToDto(this ScenarioSummary s) => new(
        s.ScenarioId, s.Name, s.Description, s.CreatedBy, s.CreatedAt, s.Origin, s.LatestVersion, s.UpdatedAt, s.Archived, s.ChangesCommonParts, s.ChangeCount);

    public static ScenarioVersionDto ToDto(this ScenarioVersion v, string scenarioId, string liveFingerprint) => new(
        scenarioId,
        v.Number,
        v.Definition.Name,
        v.Definition.Description,
        v.Definition.Changes.ToDto(),
        v.Definition.Rules.ToDto(),
        v.Author,
        v.SavedAt,
        v.LiveFingerprint,
        v.LiveSpaceCount,
        v.ScenarioSpaceCount,
        v.ChangesCommonParts,
        !string.Equals(v.LiveFingerprint, liveFingerprint, StringComparison.Ordinal));

    public static SimulationRunStatusDto ToDto(this SimulationRunStatus value) => (SimulationRunStatusDto)value;

    public static SimulationRunDto ToDto(this SimulationRunSummary r) => new(
        r.RunId,
        r.ScenarioId,
        r.Version,
        r.ScenarioName,
        r.Days,
        r.Seed,
        new SimulationDemandDto(r.Demand.Source, r.Demand.CarsPerHousehold, r.Demand.EvShare, r.Demand.EbikesPerHousehold, r.Demand.VisitorsPerDay, r.Demand.NoShowRate, r.Demand.Households),
        r.Status.ToDto(),
        r.StartedBy,
        r.CreatedAt,
        r.FinishedAt,
        r.DaysDone,
        r.Fraction,
        r.Note);

    private static bool TryParse<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    private static TimeSpan? Minutes(int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;

    private static int? WholeMinutes(TimeSpan? span) => span is { } s ? (int)s.TotalMinutes : null;

    private static string? Time(TimeOnly? time) => time?.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");
}
