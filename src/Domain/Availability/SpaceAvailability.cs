using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Domain.Availability;

/// <summary>
/// What the availability index knows of one space: its definition, whether it is blocked, and the
/// windows in which it is held, as of <see cref="Version"/> of the space's calendar.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpaceAvailability(
    [property: Id(0)] SpaceDefinition Definition,
    [property: Id(1)] bool OutOfService,
    [property: Id(2)] IReadOnlyList<TimeWindow> Held,
    [property: Id(3)] SpaceStatus Status,
    [property: Id(4)] long Version,
    [property: Id(5)] DateTimeOffset AsOf)
{
    /// <summary>
    /// For a private space, the windows its owner shares (as of <see cref="AsOf"/>, some days ahead): others
    /// may book only inside one of them. Null for common and temporary spaces, which are always bookable.
    /// </summary>
    [Id(6)]
    public IReadOnlyList<TimeWindow>? Shared { get; init; }

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
    [property: Id(0)] string LotId,
    [property: Id(1)] string SpaceId,
    [property: Id(2)] string Label,
    [property: Id(3)] SpaceKind Kind,
    [property: Id(4)] SpaceOwnership Ownership,
    [property: Id(5)] int WalkMeters);

/// <summary>A question to the availability index.</summary>
[GenerateSerializer, Immutable]
public sealed record AvailabilityQuery(
    [property: Id(0)] TimeWindow Window,
    [property: Id(1)] SpaceKind? Kind,
    [property: Id(2)] string? NearBuildingId,
    [property: Id(3)] int Limit);
