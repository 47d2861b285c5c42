namespace Parking.Contracts;

/// <summary>
/// A space in a scenario: a new kind (<c>standard</c>, <c>ev</c>, <c>accessible</c>, <c>visitor</c>), a new
/// ownership (<c>private</c> with <see cref="OwnerHouseholdId"/>, <c>common</c>, <c>temporary</c>), or removed.
/// Null fields keep the live value.
/// </summary>
public sealed record ScenarioSpaceChangeDto(string? SpaceId, string? Kind = null, string? Ownership = null, string? OwnerHouseholdId = null, bool Remove = false);

/// <summary>A charger of <see cref="MaxKw"/> kW on an EV space (0 removes it); a new one joins <see cref="AreaId"/> or its lot's area.</summary>
public sealed record ScenarioChargerChangeDto(string? SpaceId, double? MaxKw, string? AreaId = null);

/// <summary>An e-bike shelter's ports and/or power limit (kW).</summary>
public sealed record ScenarioShelterChangeDto(string? ShelterId, int? Ports = null, double? PowerLimitKw = null);

/// <summary>A charging area's share of the transformer (site capacity, kW).</summary>
public sealed record ScenarioAreaCapacityChangeDto(string? AreaId, double? SiteCapacityKw);

/// <summary>What a scenario changes in the layout; a missing list is empty.</summary>
public sealed record ScenarioChangesDto(
    IReadOnlyList<ScenarioSpaceChangeDto>? Spaces = null,
    IReadOnlyList<ScenarioChargerChangeDto>? Chargers = null,
    IReadOnlyList<ScenarioShelterChangeDto>? Shelters = null,
    IReadOnlyList<ScenarioAreaCapacityChangeDto>? AreaCapacities = null);

/// <summary>
/// The rules a scenario changes; null keeps the live rule. Durations in minutes (horizon in days), times of
/// day <c>HH:mm</c> in the compound's local time, prices and grants in credits.
/// </summary>
public sealed record ScenarioRulesDto
{
    public int? ReservationGraceMinutes { get; init; }

    public int? MaxActivePerResident { get; init; }

    public int? BookingHorizonDays { get; init; }

    public int? ChargingGraceMinutes { get; init; }

    public string? QuietHoursFrom { get; init; }

    public string? QuietHoursUntil { get; init; }

    /// <summary><c>in-turn</c> (the optimizer), <c>online</c>, <c>offline</c> or a baseline: <c>fcfs</c>, <c>edf</c>, <c>llf</c>, <c>round-robin</c>.</summary>
    public string? ChargingAlgorithm { get; init; }

    /// <summary>The most turns one charging request may get, 1 to 4 (1: one turn per request); null keeps the live policy's.</summary>
    public int? MaxTurnsPerRequest { get; init; }

    public int? ShelterMaxSessionMinutes { get; init; }

    public double? ShelterPortMaxWatts { get; init; }

    public int? SharedPerHour { get; init; }

    public int? CommonPerHour { get; init; }

    public int? TemporaryPerHour { get; init; }

    public int? Grant { get; init; }

    public int? VisitorPassesPerWeek { get; init; }

    public double? VisitorHoursPerWeek { get; init; }

    /// <summary>The share (0–1) of private owners who publish their space in the simulation.</summary>
    public double? SharingOwnersShare { get; init; }

    public string? SharingFrom { get; init; }

    public string? SharingUntil { get; init; }

    public int? SharingWithdrawalNoticeMinutes { get; init; }
}

/// <summary>
/// Body of <c>POST /api/compounds/{c}/scenarios</c> (a new scenario: version 1) and of <c>PUT .../scenarios/{id}</c>
/// (a new version; <see cref="BasedOnVersion"/>, when given, must be the latest version, else 409).
/// </summary>
public sealed record ScenarioBody(string? Name, string? Description, ScenarioChangesDto? Changes, ScenarioRulesDto? Rules, int? BasedOnVersion = null);

/// <summary>A scenario in the list: its latest version's name and whether that version changes the use of common parts.</summary>
public sealed record ScenarioSummaryDto(
    string Id,
    string Name,
    string Description,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string? Origin,
    int LatestVersion,
    DateTimeOffset UpdatedAt,
    bool Archived,
    bool ChangesCommonParts,
    int ChangeCount);

/// <summary>
/// One immutable version: its content, who saved it when, the live layout it was checked against (fingerprint,
/// space count) and whether the live layout has changed since (<see cref="LiveChangedSince"/>).
/// </summary>
public sealed record ScenarioVersionDto(
    string ScenarioId,
    int Number,
    string Name,
    string Description,
    ScenarioChangesDto Changes,
    ScenarioRulesDto Rules,
    string Author,
    DateTimeOffset SavedAt,
    string LiveFingerprint,
    int LiveSpaceCount,
    int ScenarioSpaceCount,
    bool ChangesCommonParts,
    bool LiveChangedSince);

/// <summary>A scenario and all its versions, oldest first.</summary>
public sealed record ScenarioDto(ScenarioSummaryDto Summary, IReadOnlyList<ScenarioVersionDto> Versions);

/// <summary>
/// Demand of a simulation run: <c>synthetic</c> (parameters; null ones take the simulator's defaults) or
/// <c>recorded</c> (calibrated from the compound's reservation history; with too little history the run falls back to
/// synthetic demand and its note says so). <see cref="Households"/>: how many take part (null: the layout's; more repeats them).
/// </summary>
public sealed record SimulationDemandDto(
    string? Source,
    double? CarsPerHousehold = null,
    double? EvShare = null,
    double? EbikesPerHousehold = null,
    int? VisitorsPerDay = null,
    double? NoShowRate = null,
    int? Households = null);

/// <summary>Body of <c>POST .../scenarios/{id}/versions/{v}/runs</c> (id <c>live</c>, version 0: today's layout): days 1–60, a seed.</summary>
public sealed record SimulationRunRequestDto(int? Days, int? Seed, SimulationDemandDto? Demand);

/// <summary>
/// A simulation run: status <c>queued</c>, <c>running</c>, <c>completed</c>, <c>cancelled</c> or <c>failed</c>;
/// progress as simulated days done and a fraction 0–1; <see cref="Note"/> explains a fallback or a failure.
/// </summary>
public sealed record SimulationRunDto(
    string Id,
    string ScenarioId,
    int Version,
    string ScenarioName,
    int Days,
    int Seed,
    SimulationDemandDto Demand,
    SimulationRunStatusDto Status,
    string StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    int DaysDone,
    double Fraction,
    string? Note);

/// <summary>How many requests were refused for one reason (<c>no-space</c>, <c>no-turn</c>, ...).</summary>
public sealed record ReasonCountDto(string Reason, int Count);

/// <summary>Waits in minutes: <see cref="Counts"/>[i] lay below <see cref="UpperMinutes"/>[i]; the last count holds the waits at or above the last bound.</summary>
public sealed record WaitHistogramDto(IReadOnlyList<double> UpperMinutes, IReadOnlyList<int> Counts);

/// <summary>Car parking: stays asked, booked, refused, no-shows, waits for a space, fairness (Jain, 1 = equal), the shared supply.</summary>
public sealed record ParkingOutcomeDto(
    int Requests,
    int Served,
    IReadOnlyList<ReasonCountDto> Refused,
    int NoShows,
    double MeanWaitMinutes,
    double P95WaitMinutes,
    double Fairness,
    int VisitorRequests,
    int VisitorsServed,
    double SharedHoursPublished,
    double SharedHoursBooked,
    double SharedUtilizationPercent);

/// <summary>One charging area: chargers, site capacity, the peak drawn, energy asked and delivered.</summary>
public sealed record AreaOutcomeDto(string AreaId, int Chargers, double SiteCapacityKw, double PeakKw, double RequestedKwh, double DeliveredKwh, int Requests, int Served, int Plans)
{
    /// <summary>Plug-ins at a later turn of a request (the car was moved after an earlier turn).</summary>
    public int Moves { get; init; }
}

/// <summary>In-turn charging: requests, served, refused, waits for a turn, energy delivered % of requested, each area.</summary>
public sealed record ChargingOutcomeDto(
    int Requests,
    int Served,
    IReadOnlyList<ReasonCountDto> Refused,
    int NoShows,
    double MeanWaitMinutes,
    double P95WaitMinutes,
    double RequestedKwh,
    double DeliveredKwh,
    double DeliveredPercent,
    IReadOnlyList<AreaOutcomeDto> Areas)
{
    /// <summary>Plug-ins at a later turn of a request, over every area.</summary>
    public int Moves { get; init; }
}

public sealed record ShelterOutcomeDto(string ShelterId, int Ports, int Sessions, int Refused, double UtilizationPercent, int OvernightSessions);

/// <summary>E-bike charging: sessions asked and started, port utilization, overnight sessions, each shelter.</summary>
public sealed record EbikeOutcomeDto(int Requests, int Served, IReadOnlyList<ReasonCountDto> Refused, double PortUtilizationPercent, int OvernightSessions, IReadOnlyList<ShelterOutcomeDto> Shelters);

/// <summary>Credits: owners' earnings from sharing, the compound's income from common spaces, refunds.</summary>
public sealed record CreditOutcomeDto(long OwnersEarnings, long CompoundIncome, long Refunded, int OwnersEarning);

/// <summary>One building: stays asked, booked, refused, residents left unserved, charging requests and served.</summary>
public sealed record BuildingOutcomeDto(string BuildingId, int Households, int Requests, int Served, int Refused, int ResidentsUnserved, int ChargingRequests, int ChargingServed);

/// <summary>The chart series: occupancy (%) by hour of day and by weekday (0 = Sunday) and hour, wait histograms.</summary>
public sealed record SimulationChartsDto(
    IReadOnlyList<double> OccupancyByHour,
    IReadOnlyList<IReadOnlyList<double>> OccupancyByWeekdayHour,
    WaitHistogramDto SpaceWait,
    WaitHistogramDto ChargingWait);

/// <summary>A completed run's result: the demand it used (<c>synthetic</c>, <c>calibrated</c>) and every outcome.</summary>
public sealed record SimulationResultDto(
    DateTimeOffset Start,
    int Days,
    int Seed,
    string DemandSource,
    ParkingOutcomeDto Parking,
    ChargingOutcomeDto Charging,
    EbikeOutcomeDto Ebikes,
    CreditOutcomeDto Credits,
    IReadOnlyList<BuildingOutcomeDto> Buildings,
    SimulationChartsDto Charts,
    long Events);

/// <summary>A run with its result (null until it completes; a cancelled or failed run keeps none).</summary>
public sealed record SimulationRunDetailDto(SimulationRunDto Run, SimulationResultDto? Result);

/// <summary>Runs side by side (<c>GET /api/compounds/{c}/simulations/compare?runs=a,b</c>), in the order asked.</summary>
public sealed record SimulationComparisonDto(IReadOnlyList<SimulationRunDetailDto> Runs);
