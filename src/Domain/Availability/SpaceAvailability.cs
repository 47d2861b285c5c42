using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Domain.Availability;

/// <summary>
/// What the availability index knows of one space: its definition, whether it is blocked, and the
/// windows in which it is held, as of <see cref="Version"/> of the space's calendar.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpaceAvailability(
    [Id(0)] SpaceDefinition Definition,
    [Id(1)] bool OutOfService,
    [Id(2)] IReadOnlyList<TimeWindow> Held,
    [Id(3)] SpaceStatus Status,
    [Id(4)] long Version,
    [Id(5)] DateTimeOffset AsOf)
{
    /// <summary>
    /// For a private space, the windows its owner shares (as of <see cref="AsOf"/>, some days ahead): others
    /// may book only inside one of them. Null for common and temporary spaces, which are always bookable.
    /// </summary>
    // Stored in an internal field: the codec is generated in Parking.Grains (InternalsVisibleTo), which
    // cannot reach the private backing field of an init-only property in another assembly.
    [Id(6)] internal IReadOnlyList<TimeWindow>? _shared;
    public IReadOnlyList<TimeWindow>? Shared { get => _shared; init => _shared = value; }

    public bool IsFreeFor(TimeWindow window)
    {
        if (OutOfService)
        {
            return false;
        }

        // Index loops, not LINQ or foreach over the interface: a search asks this of every space of a lot,
        // and neither a closure nor an enumerator should be allocated per space.
        if (Shared is not null)
        {
            var covered = false;
            for (var i = 0; i < Shared.Count && !covered; i++)
            {
                covered = Shared[i].Start <= window.Start && Shared[i].End >= window.End;
            }

            if (!covered)
            {
                return false;
            }
        }

        for (var i = 0; i < Held.Count; i++)
        {
            if (Held[i].Overlaps(window))
            {
                return false;
            }
        }

        return true;
    }

    public SpaceStatus StatusAt(DateTimeOffset now)
    {
        if (OutOfService)
        {
            return SpaceStatus.OutOfService;
        }

        // An occupied space stays occupied until the car checks out, which is a new version.
        if (Status == SpaceStatus.Occupied)
        {
            return SpaceStatus.Occupied;
        }

        return Held.Any(w => w.Contains(now)) ? SpaceStatus.Reserved : SpaceStatus.Free;
    }
}

/// <summary>One search hit: a free space and the walk from it to the building asked about.</summary>
[GenerateSerializer, Immutable]
public sealed record AvailableSpace(
    [Id(0)] string LotId,
    [Id(1)] string SpaceId,
    [Id(2)] string Label,
    [Id(3)] SpaceKind Kind,
    [Id(4)] SpaceOwnership Ownership,
    [Id(5)] int WalkMeters);

/// <summary>A question to the availability index.</summary>
[GenerateSerializer, Immutable]
public sealed record AvailabilityQuery(
    [Id(0)] TimeWindow Window,
    [Id(1)] SpaceKind? Kind,
    [Id(2)] string? NearBuildingId,
    [Id(3)] int Limit)
{
    /// <summary>
    /// Refused with <c>building-not-found</c> (field <c>nearBuilding</c>) when the query is near a building the compound
    /// does not have; <paramref name="walkMetersToBuilding"/> is a lot's walk to each of the compound's buildings.
    /// </summary>
    public DomainError? NearBuildingRefused(IReadOnlyDictionary<string, int> walkMetersToBuilding)
    {
        ArgumentNullException.ThrowIfNull(walkMetersToBuilding);
        return NearBuildingId is { } building && !walkMetersToBuilding.ContainsKey(building)
            ? DomainError.Invalid("nearBuilding", "building-not-found", $"No building '{building}' in this compound.")
            : null;
    }
}
