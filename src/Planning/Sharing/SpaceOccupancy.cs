namespace Parking.Planning.Sharing;

/// <summary>The disjoint, sorted intervals (ticks) already given away on one space.</summary>
internal sealed class SpaceOccupancy
{
    private readonly List<long> _starts = [];
    private readonly List<long> _ends = [];

    /// <summary>True when none of the merged request windows overlaps what is taken.</summary>
    public bool IsFree(long[] windows)
    {
        for (var i = 0; i < windows.Length; i += 2)
        {
            // The first taken interval ending after this window starts is the only one that can overlap it.
            var at = FirstEndAfter(windows[i]);
            if (at < _starts.Count && _starts[at] < windows[i + 1])
            {
                return false;
            }
        }

        return true;
    }

    public void Take(long[] windows)
    {
        for (var i = 0; i < windows.Length; i += 2)
        {
            var at = FirstEndAfter(windows[i]);
            _starts.Insert(at, windows[i]);
            _ends.Insert(at, windows[i + 1]);
        }
    }

    private int FirstEndAfter(long tick)
    {
        int lo = 0, hi = _ends.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_ends[mid] > tick)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
