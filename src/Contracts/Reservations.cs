namespace Parking.Contracts;

/// <summary>Body of <c>POST /api/compounds/{compoundId}/reservations</c>.</summary>
/// <param name="SpaceId">The space to reserve, as found by an availability search.</param>
/// <param name="Start">Start of the window (inclusive), with an offset.</param>
/// <param name="End">End of the window (exclusive), with an offset.</param>
/// <param name="Plate">The car's plate, if the driver wants it on the reservation.</param>
public sealed record ReserveRequest(string? SpaceId, DateTimeOffset? Start, DateTimeOffset? End, string? Plate);

public sealed record TimeWindowDto(DateTimeOffset Start, DateTimeOffset End);

/// <summary>A reservation as its resident and staff see it. Status: reserved, checkedIn, completed, cancelled, noShow.</summary>
public sealed record ReservationDto(
    string Id,
    string CompoundId,
    string LotId,
    string SpaceId,
    string ResidentId,
    string? Plate,
    DateTimeOffset Start,
    DateTimeOffset End,
    ReservationStatusDto Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CheckedInAt,
    DateTimeOffset? EndedAt,
    int Revision);

public sealed record AvailableSpaceDto(string LotId, string SpaceId, string Label, SpaceKindDto Kind, SpaceOwnershipDto Ownership, int WalkMeters);

public sealed record AvailabilityResultDto(DateTimeOffset Start, DateTimeOffset End, SpaceKindDto? Kind, string? NearBuildingId, IReadOnlyList<AvailableSpaceDto> Spaces);
