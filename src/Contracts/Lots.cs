namespace Parking.Contracts;

public sealed record LotSummaryDto(string LotId, string Name, LotKindDto Kind, int Spaces);

/// <summary>One space in a lot's live picture. Status: free, reserved, occupied, outOfService (as of the occupancy's AsOf).</summary>
public sealed record SpaceOccupancyDto(
    string SpaceId,
    string Label,
    SpaceKindDto Kind,
    SpaceOwnershipDto Ownership,
    SpaceStatusDto Status,
    IReadOnlyList<TimeWindowDto> Held,
    long Version,
    PointDto? Position = null,
    double? HeadingDegrees = null);

/// <summary>A point in the compound's local frame: metres east (X) and north (Y) of its origin.</summary>
public sealed record PointDto(double X, double Y);

/// <summary>
/// A lot as it lies on the ground, from the compound file: its boundary (a closed polygon) and its entrances, in the
/// compound's local frame. A space's <see cref="SpaceOccupancyDto.Position"/> is the middle of its painted box and
/// its <see cref="SpaceOccupancyDto.HeadingDegrees"/> the way a parked car faces, clockwise from north.
/// </summary>
public sealed record LotGeometryDto(IReadOnlyList<PointDto> Outline, IReadOnlyList<PointDto> Entrances);

/// <summary>
/// A lot's live picture. <see cref="Epoch"/> and <see cref="Sequence"/> let a client that lost its
/// connection ask for the changes it missed (<c>GET .../lots/{lotId}/changes?epoch=&amp;since=</c>).
/// </summary>
public sealed record LotOccupancyDto(
    string CompoundId,
    string LotId,
    string Name,
    Guid Epoch,
    long Sequence,
    DateTimeOffset AsOf,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<SpaceOccupancyDto> Spaces,
    LotGeometryDto? Geometry = null);

/// <summary>A change of one space, pushed to the lot's watchers and kept for catch-up.</summary>
public sealed record LotChangeDto(
    string CompoundId,
    string LotId,
    Guid Epoch,
    long Sequence,
    DateTimeOffset ChangedAt,
    SpaceOccupancyDto Space);

/// <summary>
/// The changes after a sequence number. When <see cref="Complete"/> is false the lot no longer has
/// all of them (another epoch, or too old): reload the occupancy.
/// </summary>
public sealed record LotChangesDto(Guid Epoch, long Sequence, bool Complete, IReadOnlyList<LotChangeDto> Changes);
