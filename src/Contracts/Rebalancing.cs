namespace Parking.Contracts;

/// <summary>
/// Demand a rebalancing suggestion serves: <c>synthetic</c> (parameters; null ones take the defaults: 0.6 cars
/// per household, 25 % electric) or <c>recorded</c> (the last <see cref="HistoryDays"/> days of reservations;
/// falls back to synthetic, with a note, when none were recorded).
/// </summary>
public sealed record RebalancingDemandDto(string? Source, double? CarsPerHousehold = null, double? EvShare = null, int? HistoryDays = null);

/// <summary>
/// Body of <c>POST /api/compounds/{c}/rebalancing/proposals</c>: spaces that may not change, the budget (space
/// changes, new chargers), kinds not to touch (<c>standard</c>, <c>ev</c>, <c>accessible</c>, <c>visitor</c>), the
/// demand, whether private spaces may be opened to the pool (and the share of owners assumed to do so), the
/// days and seed of the simulated effect, and the solve's time limit. Null fields take the defaults.
/// </summary>
public sealed record RebalancingRequestDto(
    IReadOnlyList<string>? FixedSpaceIds = null,
    int? MaxSpaceChanges = null,
    int? MaxNewChargers = null,
    IReadOnlyList<string>? KindsNotToTouch = null,
    RebalancingDemandDto? Demand = null,
    bool? ConsiderSharing = null,
    double? SharingOwnersShare = null,
    int? Days = null,
    int? Seed = null,
    int? TimeLimitSeconds = null);

/// <summary>One group of retyped spaces and why: what it serves more and less per week, for which buildings, how far they walk.</summary>
public sealed record RebalancingRetypeDto(
    string LotId,
    SpaceKindDto From,
    SpaceKindDto To,
    IReadOnlyList<string> SpaceIds,
    double ServedGainPerWeek,
    string GainUnit,
    double ServedLossPerWeek,
    string LossUnit,
    double MeanWalkMeters,
    IReadOnlyList<string> Buildings);

/// <summary>The daily hours (<c>HH:mm</c>, local) private spaces are proposed to open to the pool, and what that serves.</summary>
public sealed record RebalancingSharingDto(string From, string Until, double OwnersShare, int PrivateSpaces, double ServedGainPerWeek);

/// <summary>One need (<c>standard</c>, <c>charging</c>, <c>accessible</c>, <c>visitor</c>): demand and served per week (space-hours or kWh), and the mean walk.</summary>
public sealed record RebalancingNeedDto(RebalancingNeedKindDto Need, string Unit, double DemandPerWeek, double ServedPerWeek, double MeanWalkMeters);

public sealed record RebalancingUnservedDto(string BuildingId, RebalancingNeedKindDto Need, double UnservedPerWeek);

/// <summary>The optimizer model's figures for a layout.</summary>
public sealed record RebalancingFiguresDto(IReadOnlyList<RebalancingNeedDto> Needs, IReadOnlyList<RebalancingUnservedDto> Unserved, double Objective);

/// <summary>Key figures of one simulation run.</summary>
public sealed record RebalancingSimulatedDto(
    int Requests,
    int Served,
    int Refused,
    double MeanWaitMinutes,
    double P95WaitMinutes,
    double EnergyDeliveredShare,
    IReadOnlyDictionary<string, int> UnservedByBuilding);

/// <summary>Today's layout and the proposed one simulated with the same demand and seed; <see cref="Stale"/> after an edit.</summary>
public sealed record RebalancingEffectDto(int Days, int Seed, RebalancingSimulatedDto Today, RebalancingSimulatedDto Proposed, bool Stale);

/// <summary>
/// A rebalancing suggestion: the optimizer's suggestion to staff (an owners' vote is a <see cref="ProposalDto"/>);
/// the routes and error codes call it a proposal (<c>.../rebalancing/proposals</c>, <c>proposal-not-ready</c>). Status <c>running</c> (with <see cref="Progress"/> 0–1), <c>ready</c>, <c>accepted</c>
/// (<see cref="ScenarioId"/> is the committee's new scenario), <c>rejected</c>, <c>cancelled</c> or <c>failed</c>.
/// <see cref="SolveStatus"/>: <c>optimal</c>, <c>feasible</c> (best in the time limit) or <c>fallback</c> (greedy).
/// </summary>
public sealed record RebalancingSuggestionDto(
    string Id,
    RebalancingStatusDto Status,
    double Progress,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    RebalancingRequestDto Request,
    ScenarioChangesDto Changes,
    ScenarioRulesDto Rules,
    IReadOnlyList<RebalancingRetypeDto> Retypes,
    RebalancingSharingDto? Sharing,
    RebalancingFiguresDto? Today,
    RebalancingFiguresDto? Proposed,
    RebalancingEffectDto? Effect,
    RebalancingSolveStatusDto? SolveStatus,
    string? Method,
    double SolveSeconds,
    string? DemandUsed,
    string? Note,
    string? EditedBy,
    DateTimeOffset? EditedAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? ScenarioId,
    string? RejectReason);

/// <summary>Body of <c>PUT .../proposals/{p}</c>: the changes staff keep (drop or alter the proposed ones).</summary>
public sealed record RebalancingEditDto(ScenarioChangesDto? Changes);

/// <summary>Body of <c>POST .../proposals/{p}/accept</c>: an optional name for the scenario.</summary>
public sealed record RebalancingAcceptDto(string? Name = null);

/// <summary>Answer to an accept: the suggestion accepted and the committee's new scenario made from it.</summary>
public sealed record RebalancingAcceptedDto(string SuggestionId, string ScenarioId);

/// <summary>Body of <c>POST .../proposals/{p}/reject</c>.</summary>
public sealed record RebalancingRejectDto(string? Reason);
