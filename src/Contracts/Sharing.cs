namespace Parking.Contracts;

/// <summary>
/// A weekly pattern in the compound's local time. Days: sunday to saturday (or <c>weekdays</c>, <c>weekend</c>,
/// <c>daily</c>). Start and end as <c>HH:mm</c>; an end before the start crosses midnight, an end equal to the
/// start (or <c>24:00</c> with start <c>00:00</c>) is a whole day.
/// </summary>
public sealed record WeeklyPatternDto(IReadOnlyList<string>? Days, string? Start, string? End);

/// <summary>A one-off window in the compound's local time (no offset), e.g. <c>2026-11-28T09:00</c>.</summary>
public sealed record LocalWindowDto(DateTime? Start, DateTime? End);

/// <summary>
/// Body of <c>PUT /api/compounds/{compoundId}/spaces/{spaceId}/sharing</c>: the owner's whole plan, replacing the
/// one before. From and until are local dates, both included. Withdrawn: dates whose occurrences are not shared.
/// </summary>
public sealed record SharingPlanDto(
    IReadOnlyList<WeeklyPatternDto>? Patterns,
    DateOnly? From,
    DateOnly? Until,
    IReadOnlyList<DateOnly>? Withdrawn,
    IReadOnlyList<LocalWindowDto>? Added);

/// <summary>How often the owner's withdrawals broke bookings (late: within the notice period).</summary>
public sealed record SharingRecordDto(int Publications, int BrokenBookings, int LateBrokenBookings);

/// <summary>A private space's sharing: the plan, the compound's UTC offset, the owner's record and the shared windows of the next 7 days.</summary>
public sealed record SpaceSharingDto(
    string SpaceId,
    string Ownership,
    string? OwnerHouseholdId,
    SharingPlanDto? Plan,
    string UtcOffset,
    SharingRecordDto Record,
    IReadOnlyList<TimeWindowDto> Upcoming,
    int BrokenNow);

/// <summary>
/// Pushed to a driver whose booking broke. Reason: <c>withdrawn</c> (the owner withdrew the window) or
/// <c>overstay</c> (the car before has not left). Replacement: the booking made for them elsewhere, or null.
/// </summary>
public sealed record DriverNoticeDto(string Reason, ReservationDto Broken, ReservationDto? Replacement, string Message);
