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
    SpaceOwnershipDto Ownership,
    string? OwnerHouseholdId,
    SharingPlanDto? Plan,
    string UtcOffset,
    SharingRecordDto Record,
    IReadOnlyList<TimeWindowDto> Upcoming,
    int BrokenNow);

/// <summary>
/// Pushed to a driver whose booking broke. Reason: <c>withdrawn</c> (the owner withdrew the window) or
/// <c>overstay</c> (the car before has not left) or <c>blocked</c> (staff closed the space). Replacement: the booking made for them elsewhere, or null.
/// </summary>
public sealed record DriverNoticeDto(BrokenBookingReasonDto Reason, ReservationDto Broken, ReservationDto? Replacement, string Message);

/// <summary>
/// One credit transaction: <c>amount</c> moved from <c>debit</c> to <c>credit</c>. Kind: grant, booking, refund, visitorPass.
/// <c>id</c> is unique in the compound: the deciding household and its own count (<c>H00001-37</c>), or a plain number for
/// a transaction of the compound-wide ledger of earlier builds.
/// </summary>
public sealed record LedgerTransactionDto(string Id, DateTimeOffset At, LedgerKindDto Kind, string Debit, string Credit, long Amount, string? Reference);

/// <summary>An account (<c>household:H00001</c> or <c>compound</c>), its balance and its newest transactions.</summary>
public sealed record CreditAccountDto(string Account, long Balance, IReadOnlyList<LedgerTransactionDto> Transactions);

/// <summary>
/// The compound's ledger: its own account (minus the grants it issued, plus common spaces' income), the credits
/// households hold, and <c>total</c> = the sum of every balance, which is always zero (<c>balanced</c>).
/// </summary>
public sealed record CompoundLedgerDto(long CompoundBalance, long InCirculation, long Total, bool Balanced, int Accounts, long Transactions, IReadOnlyList<LedgerTransactionDto> Recent);

/// <summary>The compound's prices (credits per hour), the grant of a new household and the refund rule.</summary>
public sealed record CreditPricesDto(int SharedPerHour, int CommonPerHour, int TemporaryPerHour, int Grant, TimeSpan RefundNotice);

/// <summary>Body of <c>POST /api/compounds/{compoundId}/visitor-passes</c>: the visitor's plate and window; a visitor space, or the nearest free one.</summary>
public sealed record VisitorPassRequest(string? Plate, DateTimeOffset? Start, DateTimeOffset? End, string? SpaceId);

public sealed record VisitorPassDto(string ReservationId, string SpaceId, string ResidentId, string Plate, DateTimeOffset Start, DateTimeOffset End, bool Cancelled);

/// <summary>The household's visitor passes and what is left of the quota in the week (Monday to Sunday, local) asked about.</summary>
public sealed record VisitorPassesDto(IReadOnlyList<VisitorPassDto> Passes, DateTimeOffset WeekStart, DateTimeOffset WeekEnd, int PassesLeft, double HoursLeft);

/// <summary>A car still checked in past its reservation's end, for staff; <c>next</c> is the booking it blocks, if one starts soon.</summary>
public sealed record OverstayDto(ReservationDto Overstay, ReservationDto? Next);

/// <summary>What a private space earned its owner: bookings others paid for, the credits paid, refunds, and the net.</summary>
public sealed record SpaceEarningsDto(int Bookings, long Earned, int Refunds, long Refunded, long Net);

/// <summary>
/// One private space of the caller's household (<c>GET /api/compounds/{compoundId}/spaces/mine</c>): its sharing plan
/// (null when never published), the shared windows of the next 7 days and their hours, the bookings by others not
/// yet over, the owner's record (broken bookings) and what the space earned.
/// </summary>
public sealed record MySpaceDto(
    string SpaceId,
    string Label,
    string LotId,
    SpaceKindDto Kind,
    SharingPlanDto? Plan,
    IReadOnlyList<TimeWindowDto> Upcoming,
    double SharedHoursNext7Days,
    int BookedByOthers,
    SharingRecordDto Record,
    SpaceEarningsDto Earnings);
