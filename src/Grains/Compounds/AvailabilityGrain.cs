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

    /// <summary>Lots asked at once after the nearest one.</summary>
    private const int WaveSize = 4;

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

        if (query.NearBuildingRefused(_lots[0].WalkMetersToBuilding) is { } unknownBuilding)
        {
            return unknownBuilding;
        }

        // A search for one kind asks only the lots whose layout has spaces of that kind. Staff retyping a space update
        // the layout, which this worker reads again within a minute.
        var ordered = _lots
            .Where(l => query.Kind is not { } kind || l.SpacesByKind.GetValueOrDefault(kind) > 0)
            .Select(l => (Lot: l, Walk: query.NearBuildingId is { } b && l.WalkMetersToBuilding.TryGetValue(b, out var m) ? m : 0))
            .OrderBy(l => l.Walk)
            .ToList();

        // The nearest lot first: most searches end there. When it is not enough, the next lots are asked a few at a
        // time, in parallel, so a search that must go far (a kind that few lots have) waits for a handful of rounds
        // rather than one call per lot after another.
        var hits = new List<AvailableSpace>();
        var next = 0;
        var wave = 1;
        while (next < ordered.Count)
        {
            if (hits.Count >= query.Limit && (query.NearBuildingId is null || ordered[next].Walk >= hits[query.Limit - 1].WalkMeters))
            {
                break;
            }

            var asked = ordered.Skip(next).Take(wave).Select(l => GrainFactory.Lot(compoundId, l.Lot.LotId).Search(query)).ToList();
            next += asked.Count;
            wave = WaveSize;
            foreach (var found in await Task.WhenAll(asked))
            {
                hits.AddRange(found);
            }

            hits = [.. hits.OrderBy(h => h.WalkMeters).ThenBy(h => h.SpaceId, StringComparer.Ordinal)];
        }

        IReadOnlyList<AvailableSpace> nearest = hits.Count > query.Limit ? hits[..query.Limit] : hits;
        return new Outcome<IReadOnlyList<AvailableSpace>>(nearest, null);
    }
}
