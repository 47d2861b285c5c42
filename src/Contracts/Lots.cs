using System.Text.Json.Serialization;

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

/// <summary>
/// A change of one space, pushed to the lot's watchers and kept for catch-up; or, when <see cref="Kind"/> is
/// <see cref="LotChangeKinds.Restarted"/>, the lot's announcement that it rebuilt its index under a new
/// <see cref="Epoch"/> (it was re-activated, say on another silo): <see cref="Space"/> is then null and
/// <see cref="Sequence"/> is the new epoch's number at the rebuild, taken by no change, so the numbers stay gap-free.
/// A client that follows epochs reloads the lot on it, as on any change of another epoch.
/// </summary>
public sealed record LotChangeDto(
    string CompoundId,
    string LotId,
    Guid Epoch,
    long Sequence,
    DateTimeOffset ChangedAt,
    SpaceOccupancyDto? Space,
    string Kind = LotChangeKinds.Space)
{
    /// <summary>Whether this is a lot's restart announcement rather than a change of a space.</summary>
    public bool IsRestart => Kind == LotChangeKinds.Restarted;

    /// <summary>
    /// When the push passed each stage on the server; only when the host is set to send them
    /// (<c>Parking:Hub:StageTimes</c>, for benchmarks), otherwise absent from the message.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PushStageTimesDto? Times { get; init; }
}

/// <summary>
/// The server's clock as a lot's change went out to watchers (the change itself was stored at
/// <see cref="LotChangeDto.ChangedAt"/>): the lot published it, the notifier flushed the batch holding it, the host
/// received that batch, and the host handed the lot's message to its watchers' connections.
/// </summary>
public sealed record PushStageTimesDto(DateTimeOffset PublishedAt, DateTimeOffset FlushedAt, DateTimeOffset HostAt, DateTimeOffset SentAt);

/// <summary>The kinds of <see cref="LotChangeDto"/> on the wire.</summary>
public static class LotChangeKinds
{
    /// <summary>One space changed; <see cref="LotChangeDto.Space"/> is its new picture.</summary>
    public const string Space = "space";

    /// <summary>The lot rebuilt its index under a new epoch; reload the lot.</summary>
    public const string Restarted = "restarted";
}

/// <summary>
/// The changes after a sequence number. When <see cref="Complete"/> is false the lot no longer has
/// all of them (another epoch, or too old): reload the occupancy.
/// </summary>
public sealed record LotChangesDto(Guid Epoch, long Sequence, bool Complete, IReadOnlyList<LotChangeDto> Changes);
