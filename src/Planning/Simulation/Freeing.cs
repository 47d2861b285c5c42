using Parking.Domain;
using Parking.Domain.Availability;

namespace Parking.Planning.Simulation;

/// <summary>
/// When spaces of one kind come free: the end of every hold booked in the run and every hold released early
/// (no-shows). A driver who found nothing for a window starting at <c>s</c> and tries again for one starting at
/// <c>s'</c> (later) can only find a space whose hold ended in <c>(s, s']</c>, or that was released since, or whose
/// shared hours began in <c>(s, s']</c>: holds otherwise only grow. The run searches again only when one of those
/// spaces is free for the new window; the search it then makes is the live one, so its answer is the same.
/// </summary>
internal sealed class Freeing
{
    private readonly SortedSet<(long Ticks, string SpaceId)> _ends = new(Comparer<(long Ticks, string SpaceId)>.Create(
        (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : string.CompareOrdinal(a.SpaceId, b.SpaceId)));

    private readonly List<(long Ticks, string SpaceId)> _released = [];

    private readonly SortedSet<long> _sharedStarts = [];

    public void Holds(DateTimeOffset end, string spaceId) => _ends.Add((end.UtcTicks, spaceId));

    public void Released(DateTimeOffset at, string spaceId) => _released.Add((at.UtcTicks, spaceId));

    public void SharedFrom(DateTimeOffset start) => _sharedStarts.Add(start.UtcTicks);

    /// <summary>Whether any space that came free between the two attempts is free for <paramref name="window"/> now.</summary>
    public bool AnyFree(DateTimeOffset previousStart, DateTimeOffset start, DateTimeOffset previousAt, DateTimeOffset now, TimeWindow window, IReadOnlyDictionary<string, LotIndex> indexOf)
    {
        if (_sharedStarts.GetViewBetween(previousStart.UtcTicks + 1, start.UtcTicks).Count > 0)
        {
            return true;
        }

        foreach (var (_, spaceId) in _ends.GetViewBetween((previousStart.UtcTicks + 1, string.Empty), (start.UtcTicks, "\uffff\uffff")))
        {
            if (IsFree(spaceId, window, indexOf))
            {
                return true;
            }
        }

        // Released in (previousAt, now]: the list is in time order.
        for (var i = _released.Count - 1; i >= 0 && _released[i].Ticks > previousAt.UtcTicks; i--)
        {
            if (_released[i].Ticks <= now.UtcTicks && IsFree(_released[i].SpaceId, window, indexOf))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFree(string spaceId, TimeWindow window, IReadOnlyDictionary<string, LotIndex> indexOf) =>
        indexOf.TryGetValue(spaceId, out var index) && index.Get(spaceId)?.IsFreeFor(window) == true;
}
