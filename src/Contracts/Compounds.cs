using System.Text.Json.Serialization;

namespace Parking.Contracts;

/// <summary>
/// What a client needs to show a compound's times and money: its local time as an offset from UTC
/// (<c>+08:00</c>, and in minutes) and the currency of money amounts (ISO 4217, <c>CNY</c>).
/// </summary>
public sealed record CompoundInfoDto(string CompoundId, string UtcOffset, int UtcOffsetMinutes, string Currency);

/// <summary>One compound a caller may see (<c>GET /api/compounds</c>).</summary>
public sealed record CompoundSummaryDto(
    string CompoundId,
    string Name,
    string? SubDistrictId,
    int Buildings,
    int Households,
    int Spaces,
    int LayoutVersion);

/// <summary>A space whose kind or owner a re-import changes; null where that part stays.</summary>
public sealed record SpaceChangeDto(
    string SpaceId,
    string LotId,
    SpaceKindDto? KindBefore,
    SpaceKindDto? KindAfter,
    SpaceOwnershipDto? OwnershipBefore,
    SpaceOwnershipDto? OwnershipAfter,
    string? OwnerHouseholdBefore,
    string? OwnerHouseholdAfter);

/// <summary>What a re-import does to a charger: <c>added</c>, <c>removed</c> or <c>changed</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ChargerChangeKindDto>))]
public enum ChargerChangeKindDto
{
    Added,
    Removed,
    Changed,
}

/// <summary>A charger added, removed or changed.</summary>
public sealed record ChargerChangeDto(string AreaId, string ChargerId, ChargerChangeKindDto Change, double? MaxKwBefore, double? MaxKwAfter);

/// <summary>What the change does to the live bookings of one space.</summary>
public sealed record BookingEffectDto(string SpaceId, int ActiveBookings, string Effect);

/// <summary>What the change does to one live charging request (status as the area has it; its charger, if it has a turn).</summary>
public sealed record ChargingRequestEffectDto(
    string AreaId,
    string RequestId,
    [property: JsonConverter(typeof(NameWireEnumConverter<ChargingRequestStatusDto>))] ChargingRequestStatusDto Status,
    string? ChargerId,
    string Effect);

/// <summary>What the change does to the owner's sharing plan of one removed or re-owned space.</summary>
public sealed record SharingPlanEffectDto(string SpaceId, string? OwnerHouseholdId, string Effect);

/// <summary>
/// The preview (dry run) or the result of importing a compound file. <c>LiveVersion</c> is the layout version the
/// preview was made at: pass it back as <c>expectedVersion</c> to apply exactly what was previewed.
/// <c>SpacesOutOfService</c>: spaces the file blocks (their bookings in <c>Bookings</c>); <c>SpacesBackInService</c>: spaces it reopens.
/// </summary>
public sealed record ImportReportDto(
    string CompoundId,
    bool DryRun,
    bool Applied,
    bool NewCompound,
    int LiveVersion,
    int? LayoutVersion,
    int Buildings,
    int Households,
    int Lots,
    int Spaces,
    string[] SpacesAdded,
    string[] SpacesRemoved,
    SpaceChangeDto[] SpacesRetyped,
    SpaceChangeDto[] SpacesReowned,
    int SpacesRedrawn,
    ChargerChangeDto[] ChargersChanged,
    string[] LotsAdded,
    string[] LotsRemoved,
    string[] SheltersChanged,
    int HouseholdsAdded,
    int HouseholdsRemoved,
    BookingEffectDto[] Bookings,
    int BookingsMoved,
    ChargingRequestEffectDto[]? ChargingRequests = null,
    SharingPlanEffectDto[]? SharingPlans = null,
    string[]? SpacesOutOfService = null,
    string[]? SpacesBackInService = null);

/// <summary>
/// An import running as a job (<c>POST /api/compounds/imports</c>): <c>State</c> is running, applied, cancelled or
/// failed; <c>Phase</c>, <c>Done</c> and <c>Total</c> say where it stands (the items of the phase done out of how many);
/// <c>Committed</c> whether the new layout is stored yet (a job that stops after that leaves the import unfinished on
/// the compound, to be finished with <c>POST /api/compounds/imports/finish</c>). <c>Report</c> once applied; <c>ErrorCode</c>
/// and <c>ErrorMessage</c> once cancelled or failed.
/// </summary>
public sealed record ImportJobDto(
    string JobId,
    string CompoundId,
    ImportJobStateDto State,
    string Phase,
    int Done,
    int Total,
    bool Committed,
    bool CancelRequested,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? ErrorCode,
    string? ErrorMessage,
    ImportReportDto? Report);

/// <summary>
/// One compound on the sub-district operator's dashboard, as of <c>AsOf</c>: its spaces by state now, its chargers
/// (charging, faulted) against its feed capacity, charging requests waiting, and its open alarms (shelters in alarm,
/// faulted chargers).
/// </summary>
public sealed record CompoundDashboardDto(
    string CompoundId,
    string Name,
    string? SubDistrictId,
    int LayoutVersion,
    DateTimeOffset AsOf,
    int Spaces,
    int SpacesFree,
    int SpacesReserved,
    int SpacesOccupied,
    int SpacesOutOfService,
    int Chargers,
    int ChargersCharging,
    int ChargersFaulted,
    double FeedKw,
    int ChargingWaiting,
    int Shelters,
    int SheltersInAlarm,
    int OpenAlarms,
    double ChargingKw = 0,
    int NoShows24h = 0,
    int PendingProposals = 0);

/// <summary>
/// One compound's dashboard opened up (<c>GET /api/compounds/{c}/dashboard</c>): the row of the sub-district's table,
/// then each lot, charging area and shelter, the no-shows of the last 24 hours and the proposals still pending.
/// </summary>
public sealed record CompoundDrillDownDto(
    CompoundDashboardDto Summary,
    IReadOnlyList<LotDashboardDto> Lots,
    IReadOnlyList<AreaDashboardDto> Areas,
    IReadOnlyList<ShelterDashboardDto> Shelters,
    IReadOnlyList<NoShowItemDto> NoShows,
    IReadOnlyList<PendingProposalDto> Proposals);

/// <summary>A lot's spaces by state now.</summary>
public sealed record LotDashboardDto(string LotId, string Name, int Spaces, int Free, int Reserved, int Occupied, int OutOfService);

/// <summary>A charging area: the power its chargers draw now against its feed, its chargers by state and the requests waiting.</summary>
public sealed record AreaDashboardDto(string AreaId, string Name, double FeedKw, double ChargingKw, int Chargers, int Charging, int Faulted, int Waiting, IReadOnlyList<string> FaultedChargers);

/// <summary>An e-bike shelter: ports, the power drawn now, and the alarm that is on (null when none).</summary>
public sealed record ShelterDashboardDto(string ShelterId, string Name, int Ports, double PowerW, ShelterAlarmKindDto? Alarm, DateTimeOffset? AlarmSince);

/// <summary>A proposal not yet decided: an owners' vote not closed (<c>vote</c>) or a rebalancing suggestion running or waiting for staff (<c>rebalancing</c>).</summary>
public sealed record PendingProposalDto(PendingProposalKindDto Kind, string Id, string Title, PendingProposalStatusDto Status, DateTimeOffset? Closes);
