namespace Parking.Web.Services;

/// <summary>
/// A watched lot as the page draws it: the occupancy from <c>WatchLot</c> with the pushed changes applied
/// in order. A change of another epoch (also the lot's "restarted" announcement after it was rebuilt), or one that
/// skips a sequence number, means the picture can no longer be patched: <see cref="Apply"/> says so and the page
/// reloads it.
/// </summary>
public sealed class LotView
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<SpaceOccupancyDto> _spaces;

    public LotView(LotOccupancyDto occupancy)
    {
        ArgumentNullException.ThrowIfNull(occupancy);
        LotId = occupancy.LotId;
        Name = occupancy.Name;
        Geometry = occupancy.Geometry;
        Epoch = occupancy.Epoch;
        Sequence = occupancy.Sequence;
        _spaces = [.. occupancy.Spaces];
        for (var i = 0; i < _spaces.Count; i++)
        {
            _index[_spaces[i].SpaceId] = i;
        }
    }

    public string LotId { get; }

    public string Name { get; }

    /// <summary>The lot's outline and entrances from the compound file, when it gave them.</summary>
    public LotGeometryDto? Geometry { get; }

    public Guid Epoch { get; }

    public long Sequence { get; private set; }

    public IReadOnlyList<SpaceOccupancyDto> Spaces => _spaces;

    public int Count(SpaceStatusDto status) => _spaces.Count(s => s.Status == status);

    public LotApply Apply(LotChangeDto change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Epoch != Epoch || change.Sequence > Sequence + 1)
        {
            return LotApply.Reload;
        }

        if (change.Sequence <= Sequence)
        {
            // Also a restart announcement of the epoch this picture already shows: nothing to do.
            return LotApply.Duplicate;
        }

        if (change.IsRestart || change.Space is null)
        {
            // A restart numbers no change; one ahead of the picture cannot be patched in.
            return LotApply.Reload;
        }

        Sequence = change.Sequence;
        if (_index.TryGetValue(change.Space.SpaceId, out var at))
        {
            if (change.Space.Version >= _spaces[at].Version)
            {
                _spaces[at] = change.Space;
            }
        }
        else
        {
            _index[change.Space.SpaceId] = _spaces.Count;
            _spaces.Add(change.Space);
        }

        return LotApply.Applied;
    }
}

public enum LotApply
{
    Applied,
    Duplicate,
    Reload,
}
