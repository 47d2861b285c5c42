namespace Parking.Contracts;

/// <summary>
/// One UTC hour of one lot. HeldShare: reserved-or-occupied space-hours ÷ (capacity × 1 h);
/// OccupiedShare: the same for the time cars actually stood there (check-in to check-out).
/// </summary>
public sealed record LotHourOccupancyDto(
    string LotId,
    DateTimeOffset HourStart,
    int Capacity,
    double HeldSpaceHours,
    double OccupiedSpaceHours,
    double HeldShare,
    double OccupiedShare);

/// <summary>Occupancy per lot per hour for every hour meeting <c>[From, To)</c>.</summary>
public sealed record OccupancyReportDto(DateTimeOffset From, DateTimeOffset To, string? LotId, IReadOnlyList<LotHourOccupancyDto> Hours);

/// <summary>
/// Reservations whose window started in <c>[From, To)</c>, by what became of them.
/// Rate = NoShows ÷ (NoShows + Shown); cancelled and pending (still reserved) ones are left out of it.
/// </summary>
public sealed record NoShowReportDto(
    DateTimeOffset From,
    DateTimeOffset To,
    string? LotId,
    int Reservations,
    int Cancelled,
    int Pending,
    int Shown,
    int NoShows,
    double Rate);

/// <summary>Completed stays checked out in the period: stays ÷ (spaces × days), and their mean length in minutes.</summary>
public sealed record TurnoverRowDto(string? LotId, int Capacity, int CompletedStays, double StaysPerSpacePerDay, double MeanStayMinutes);

/// <summary>Turnover of each lot and of all of them together (<see cref="Total"/>).</summary>
public sealed record TurnoverReportDto(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TurnoverRowDto> Lots, TurnoverRowDto Total);
