namespace Parking.Contracts;

/// <summary>
/// A space as staff manage it: what it is (kind, ownership, owner household), whether it is blocked, its
/// bookings still to come or running, and the bookings the last change cancelled (a block), if any.
/// </summary>
public sealed record SpaceAdminDto(
    string CompoundId,
    string LotId,
    string SpaceId,
    string Label,
    SpaceKindDto Kind,
    SpaceOwnershipDto Ownership,
    string? OwnerHouseholdId,
    bool OutOfService,
    IReadOnlyList<ReservationDto> Active,
    IReadOnlyList<ReservationDto> Cancelled,
    long Version);

/// <summary>Body of <c>PUT .../spaces/{spaceId}/kind</c>: standard, ev, accessible or visitor.</summary>
public sealed record SpaceKindBody(string? Kind);

/// <summary>Body of <c>PUT .../spaces/{spaceId}/service</c>: true blocks the space (out of service), false reopens it.</summary>
public sealed record SpaceServiceBody(bool? OutOfService);

/// <summary>Body of <c>PUT .../spaces/{spaceId}/owner</c>: private (with the owner household), common or temporary.</summary>
public sealed record SpaceOwnerBody(string? Ownership, string? HouseholdId);

/// <summary>
/// One no-show: a reservation nobody checked in to within the grace period (Kind reservation: LotId and
/// SpaceId), or a charging turn nobody plugged in to (Kind charging: AreaId, ChargerId, Plate).
/// Start and End are the window or turn; At is when it was released.
/// </summary>
public sealed record NoShowItemDto(
    NoShowKindDto Kind,
    string Id,
    string ResidentId,
    string? LotId,
    string? SpaceId,
    string? AreaId,
    string? ChargerId,
    string? Plate,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset At);

/// <summary>The no-shows whose window or turn started in <c>[From, To)</c>, newest first.</summary>
public sealed record NoShowListDto(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<NoShowItemDto> Items);
