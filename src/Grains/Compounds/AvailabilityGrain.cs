namespace Parking.Grains.Compounds;

/// <summary>
/// A stateless worker on every silo that asks lots in order of their walk to the building, and stops
/// as soon as no unasked lot can hold a nearer space than those already found. A search thus usually
/// reads a single lot index and never calls a space.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class AvailabilityGrain : Grain, IAvailabilityGrain
{
    private static readonly TimeSpan LayoutRefresh = TimeSpan.FromMinutes(1);

    private IReadOnlyList<LotSummary> _lots = [];
    private DateTimeOffset _lotsLoadedAt = DateTimeOffset.MinValue;

    public async Task<Outcome<IReadOnlyList<AvailableSpace>>> Search(AvailabilityQuery query)
    {
        var compoundId = this.GetPrimaryKeyString();

        // Real time: this is the age of a cached copy of the layout, not domain time.
        if (TimeProvider.System.GetUtcNow() - _lotsLoadedAt > LayoutRefresh)
        {
            _lots = await GrainFactory.Compound(compoundId).GetLots();
            _lotsLoadedAt = TimeProvider.System.GetUtcNow();
        }

        if (_lots.Count == 0)
        {
            return DomainError.NotFound("compound-not-found", $"No compound '{compoundId}'.");
        }

        if (query.NearBuildingId is { } building && !_lots[0].WalkMetersToBuilding.ContainsKey(building))
        {
            return DomainError.Invalid("nearBuilding", "building-not-found", $"No building '{building}' in this compound.");
        }

        var ordered = _lots
            .Select(l => (Lot: l, Walk: query.NearBuildingId is { } b && l.WalkMetersToBuilding.TryGetValue(b, out var m) ? m : 0))
            .OrderBy(l => l.Walk)
            .ToList();

        var hits = new List<AvailableSpace>();
        foreach (var (lot, walk) in ordered)
        {
            if (hits.Count >= query.Limit && (query.NearBuildingId is null || walk >= hits[query.Limit - 1].WalkMeters))
            {
                break;
            }

            hits.AddRange(await GrainFactory.Lot(compoundId, lot.LotId).Search(query));
            hits = [.. hits.OrderBy(h => h.WalkMeters).ThenBy(h => h.SpaceId, StringComparer.Ordinal)];
        }

        IReadOnlyList<AvailableSpace> nearest = hits.Count > query.Limit ? hits[..query.Limit] : hits;
        return new Outcome<IReadOnlyList<AvailableSpace>>(nearest, null);
    }
}
