namespace Parking.Contracts;

/// <summary>
/// Body of <c>POST /api/compounds/{compoundId}/charging/areas/{areaId}/requests</c>. Give the energy either
/// as <see cref="EnergyKwh"/> or as a battery with its state of charge now and wanted.
/// </summary>
/// <param name="Plate">The car to charge.</param>
/// <param name="EnergyKwh">Energy wanted, more than 0.</param>
/// <param name="BatteryKwh">The battery's capacity (with the two percentages instead of <paramref name="EnergyKwh"/>).</param>
/// <param name="CurrentSocPercent">State of charge now, 0 to 100.</param>
/// <param name="TargetSocPercent">State of charge wanted, above the current one.</param>
/// <param name="EarliestStart">When the car can be at the charger first; now when not given.</param>
/// <param name="Departure">When the car leaves; the turn ends by then.</param>
/// <param name="CanMove">Whether the driver can come back to move the car when the turn ends (default true). When false, the turn lasts until departure.</param>
public sealed record ChargingRequestBody(
    string? Plate,
    double? EnergyKwh,
    double? BatteryKwh,
    double? CurrentSocPercent,
    double? TargetSocPercent,
    DateTimeOffset? EarliestStart,
    DateTimeOffset? Departure,
    bool? CanMove);

public sealed record ChargingTurnDto(string ChargerId, string? SpaceId, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// A charging request as its driver and staff see it. Status: waiting, scheduled, called, charging, completed,
/// noShow, cancelled, expired.
/// </summary>
public sealed record ChargingRequestDto(
    string Id,
    string CompoundId,
    string AreaId,
    string ResidentId,
    string Plate,
    double EnergyKwh,
    DateTimeOffset EarliestStart,
    DateTimeOffset Departure,
    bool CanMove,
    ChargingRequestStatusDto Status,
    ChargingTurnDto? Turn,
    double DeliveredKwh,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PluggedAt,
    DateTimeOffset? EndedAt,
    int Revision)
{
    /// <summary>
    /// Every turn of the request still ahead or running, in time order (a car may charge, be moved and come back):
    /// <see cref="Turn"/> is the first of them; empty when it has none.
    /// </summary>
    public IReadOnlyList<ChargingTurnDto> Turns { get; init; } = [];
}

/// <summary>
/// A push to a driver about their request. Kind: turnScheduled, turnMoved, plugInNow, chargingStarted,
/// chargingFinished, turnEndingSoon, turnEnded, completed, noShow, cancelled, expired, chargerFaulted, waiting.
/// </summary>
public sealed record ChargingNoticeDto(ChargingNoticeKindDto Kind, string Message, ChargingRequestDto Request);

public sealed record ChargerDto(
    string ChargerId,
    string SpaceId,
    double MaxKw,
    ChargerStatusDto Status,
    double PowerKw,
    double EnergyMeterKwh,
    DateTimeOffset? ReportedAt,
    string? SessionRequestId);

/// <summary>A charging area as any member of the compound sees it in the list.</summary>
public sealed record ChargingAreaDto(
    string AreaId,
    string Name,
    string LotId,
    double SiteCapacityKw,
    int Chargers,
    IReadOnlyDictionary<string, int> ChargersByStatus,
    int Waiting);

/// <summary>One turn on a charger's timeline.</summary>
public sealed record TimelineTurnDto(
    string RequestId,
    string ResidentId,
    string Plate,
    ChargingRequestStatusDto Status,
    DateTimeOffset Start,
    DateTimeOffset End,
    double EnergyKwh,
    double DeliveredKwh);

public sealed record ChargerTimelineDto(ChargerDto Charger, IReadOnlyList<TimelineTurnDto> Turns);

/// <summary>How the last plan was made: the planner, its status (Optimal, Feasible, Fallback), when, and how long it took.</summary>
public sealed record ChargingPlanSummaryDto(string Algorithm, ChargingPlanStatusDto Status, DateTimeOffset PlannedAt, double SolveMilliseconds, int Turns, int Waiting)
{
    /// <summary>Which plan of the area this is (1 for the first): requests that arrive together are planned together.</summary>
    public long Number { get; init; }
}

/// <summary>
/// An area's plan as a timeline (staff): every charger with its status and its turns (past ones of the
/// area's short history included), and the requests waiting for a turn.
/// </summary>
public sealed record ChargingPlanDto(
    string CompoundId,
    string AreaId,
    string Name,
    double SiteCapacityKw,
    DateTimeOffset AsOf,
    long Version,
    ChargingPlanSummaryDto? Plan,
    IReadOnlyList<ChargerTimelineDto> Chargers,
    IReadOnlyList<ChargingRequestDto> Waiting)
{
    /// <summary>
    /// What the area's plans put first when the feed cannot serve everyone: <c>least-share-first</c> (default),
    /// <c>minimum-need-first</c> (then drivers fully served, then energy) or <c>fully-served-first</c>.
    /// </summary>
    public string ObjectiveOrder { get; init; } = "least-share-first";

    /// <summary>The minimum need per driver (kWh) of <c>minimum-need-first</c>; null when not set.</summary>
    public double? MinimumNeedKwh { get; init; }
}

/// <summary>Body of <c>PUT .../charging/areas/{areaId}/site-capacity</c>.</summary>
public sealed record SiteCapacityBody(double? SiteCapacityKw);

/// <summary>Body of <c>PUT .../charging/areas/{areaId}/objective</c>: an order's name and, for minimum-need-first, the minimum need (kWh).</summary>
public sealed record ObjectiveBody(string? Order, double? MinimumNeedKwh = null);

