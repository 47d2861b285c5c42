using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Domain.Availability;

/// <summary>
/// The availability of every space of one lot, kept current by the space calendars' snapshots, so a
/// search reads one index instead of asking every space. A snapshot older than the one held is ignored,
/// so reports may arrive out of order. It answers searches; the space itself has the last word on a booking.
/// </summary>
public sealed class LotIndex(LotDefinition lot)
{
    private readonly Dictionary<string, SpaceAvailability> _spaces = new(StringComparer.Ordinal);
    private readonly SpaceDefinition[] _byWalk = [.. lot.Spaces.OrderBy(s => s.WalkOffsetMeters).ThenBy(s => s.SpaceId, StringComparer.Ordinal)];

    public LotDefinition Lot => lot;

    public int Count => _spaces.Count;

    /// <summary>Takes a space's snapshot; returns false when it is not newer than what the index has.</summary>
    public bool Apply(SpaceAvailability snapshot)
    {
        if (_spaces.TryGetValue(snapshot.Definition.SpaceId, out var known) && known.Version >= snapshot.Version)
        {
            return false;
        }

        _spaces[snapshot.Definition.SpaceId] = snapshot;
        return true;
    }

    public SpaceAvailability? Get(string spaceId) => _spaces.GetValueOrDefault(spaceId);

    /// <summary>Free spaces for the query, nearest first (lot entrance to building, then entrance to space).</summary>
    public IReadOnlyList<AvailableSpace> Search(AvailabilityQuery query)
    {
        var baseWalk = lot.WalkMetersTo(query.NearBuildingId);
        var hits = new List<AvailableSpace>(Math.Min(query.Limit, 64));
        foreach (var space in _byWalk)
        {
            // The space's own definition, as it last reported it: staff may have retyped or reassigned it since the lot was read.
            if (!_spaces.TryGetValue(space.SpaceId, out var availability) || (query.Kind is { } kind && availability.Definition.Kind != kind))
            {
                continue;
            }

            if (availability.IsFreeFor(query.Window))
            {
                var current = availability.Definition;
                hits.Add(new AvailableSpace(lot.LotId, space.SpaceId, current.Label, current.Kind, current.Ownership, baseWalk + current.WalkOffsetMeters));
                if (hits.Count >= query.Limit)
                {
                    break;
                }
            }
        }

        return hits;
    }

    public IReadOnlyList<SpaceAvailability> All() => [.. _byWalk.Select(s => _spaces.GetValueOrDefault(s.SpaceId)).OfType<SpaceAvailability>()];

    public IReadOnlyDictionary<SpaceStatus, int> CountByStatus(DateTimeOffset now)
    {
        var counts = Enum.GetValues<SpaceStatus>().ToDictionary(s => s, _ => 0);
        foreach (var space in _spaces.Values)
        {
            counts[space.StatusAt(now)]++;
        }

        return counts;
    }
}
