using System.Text.Json.Serialization;

namespace Parking.Contracts;

/// <summary>Where an entry came from: <c>round</c> (a request for a round) or <c>direct</c> (put on the waitlist).</summary>
[JsonConverter(typeof(WireEnumConverter<RoundEntryOriginDto>))]
public enum RoundEntryOriginDto
{
    Round,
    Direct,
}

/// <summary>What a round did with a request: <c>served</c> or <c>waitlisted</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<RoundRequestStatusDto>))]
public enum RoundRequestStatusDto
{
    Served,
    Waitlisted,
}

/// <summary>How far a round's solve got: <c>optimal</c>, <c>feasible</c> or <c>fallback</c> (the greedy round).</summary>
[JsonConverter(typeof(WireEnumConverter<RoundSolveStatusDto>))]
public enum RoundSolveStatusDto
{
    Optimal,
    Feasible,
    Fallback,
}

/// <summary>One window with offsets, e.g. <c>2026-11-28T10:00:00+08:00</c> to <c>2026-11-28T16:00:00+08:00</c>.</summary>
public sealed record RoundWindowDto(DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>
/// A weekly pattern from one local date to another (both included), in the compound's local time: e.g. days
/// <c>weekdays</c>, start <c>19:00</c>, end <c>07:30</c> (an end before the start runs into the next morning).
/// </summary>
public sealed record WeeklyRequestDto(IReadOnlyList<string>? Days, string? Start, string? End, DateOnly? From, DateOnly? Until);

/// <summary>
/// Body of <c>POST /api/compounds/{compoundId}/rounds/requests</c> and of <c>POST .../waitlist</c>: windows, or a
/// weekly pattern, or both; the space kind (default standard); the building to be near (default your own);
/// the round it is meant for (optional: refused when that round has closed).
/// </summary>
public sealed record RoundRequestDto(
    IReadOnlyList<RoundWindowDto>? Windows,
    WeeklyRequestDto? Weekly,
    string? Kind,
    string? PreferredBuildingId,
    string? Plate,
    int? Round);

/// <summary>A request in a round, or an entry on the waitlist (origin <c>round</c> or <c>direct</c>).</summary>
public sealed record RoundEntryDto(
    string Id,
    int Round,
    string ResidentId,
    string HouseholdId,
    IReadOnlyList<TimeWindowDto> Windows,
    SpaceKindDto Kind,
    string? PreferredBuildingId,
    string? Plate,
    DateTimeOffset CreatedAt,
    RoundEntryOriginDto Origin);

/// <summary>The open round: its number, when it runs by itself (null: when staff start it), and the requests you may see.</summary>
public sealed record OpenRoundDto(int Round, DateTimeOffset? RunsAt, IReadOnlyList<RoundEntryDto> Requests);

/// <summary>
/// What a round did with one request: served (booked on <see cref="SpaceId"/>) or waitlisted (reason
/// <c>no-space</c>, or the space's refusal code when a direct booking raced it).
/// </summary>
public sealed record RoundResultDto(
    int Round,
    RoundEntryDto Request,
    RoundRequestStatusDto Status,
    string? SpaceId,
    string? LotId,
    int WalkMeters,
    IReadOnlyList<string> ReservationIds,
    string? Reason);

/// <summary>A round's figures: planned (served, hours served) and really booked (booked, hours booked).</summary>
public sealed record RoundMetricsDto(
    int Requests,
    int RequestsServed,
    int RequestsBooked,
    double HoursRequested,
    double HoursServed,
    double HoursBooked,
    double SupplyHours,
    double SupplyUsedShare,
    double MeanWalkMeters,
    int Households,
    int HouseholdsServed,
    double JainIndex,
    double WorstHouseholdShare);

/// <summary>A finished round.</summary>
public sealed record RoundReportDto(
    int Round,
    DateTimeOffset RanAt,
    string StartedBy,
    RoundSolveStatusDto Status,
    double SolveSeconds,
    RoundMetricsDto Metrics,
    IReadOnlyList<RoundResultDto> Results);

/// <summary>Pushed when your waitlist entry was booked.</summary>
public sealed record WaitlistServedDto(RoundEntryDto Entry, string SpaceId, IReadOnlyList<string> ReservationIds);
