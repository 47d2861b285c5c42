using Parking.Domain;
using Parking.Domain.Layout;

namespace Parking.Planning.Sharing;

/// <summary>
/// An instance checked and indexed once for both algorithms: windows merged and sorted as ticks, and for
/// every request the spaces that fit its kind and cover all of its windows, nearest first.
/// </summary>
internal sealed class PreparedRound
{
    public SharingInstance Instance { get; }

    /// <summary>Per supply slot: its windows merged (adjacent ones joined), sorted, as ticks.</summary>
    public long[][] SupplyWindows { get; }

    /// <summary>Per request: its windows merged and sorted, as ticks.</summary>
    public long[][] RequestWindows { get; }

    /// <summary>Per request: the hours it asks for.</summary>
    public double[] RequestHours { get; }

    /// <summary>Per request: indexes of fitting, covering supply slots, nearest to the preferred building first.</summary>
    public int[][] Candidates { get; }

    /// <summary>Per request: walking meters to each of <see cref="Candidates"/>.</summary>
    public int[][] CandidateWalks { get; }

    public PreparedRound(SharingInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Validate(instance);
        Instance = instance;
        SupplyWindows = [.. instance.Supply.Select(s => Merge(s.Windows))];
        RequestWindows = [.. instance.Requests.Select(r => Merge(r.Windows))];
        RequestHours = [.. RequestWindows.Select(w => HoursOf(w))];

        // Slots with the same kind and the same windows cover the same requests: check each group once.
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var s = 0; s < instance.Supply.Count; s++)
        {
            var key = instance.Supply[s].Kind + ":" + string.Join(',', SupplyWindows[s]);
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add(s);
        }

        var groupList = groups.Values.ToList();
        Candidates = new int[instance.Requests.Count][];
        CandidateWalks = new int[instance.Requests.Count][];
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var request = instance.Requests[r];
            var found = new List<(int Walk, int Slot)>();
            foreach (var group in groupList)
            {
                var first = group[0];
                if (!Fits(request.Kind, instance.Supply[first].Kind) || !Covers(SupplyWindows[first], RequestWindows[r]))
                {
                    continue;
                }

                foreach (var s in group)
                {
                    found.Add((instance.WalkMeters(instance.Supply[s], request.PreferredBuildingId), s));
                }
            }

            found.Sort();
            Candidates[r] = [.. found.Select(f => f.Slot)];
            CandidateWalks[r] = [.. found.Select(f => f.Walk)];
        }
    }

    /// <summary>
    /// Which spaces a request may use: an EV or accessible request needs that kind of space; a standard or
    /// visitor car takes a standard or visitor space, but never blocks a charger or an accessible space.
    /// </summary>
    public static bool Fits(SpaceKind wanted, SpaceKind space) =>
        wanted == space || (wanted is SpaceKind.Standard or SpaceKind.Visitor && space is SpaceKind.Standard or SpaceKind.Visitor);

    /// <summary>True when every window of <paramref name="request"/> lies inside one window of <paramref name="supply"/>.</summary>
    public static bool Covers(long[] supply, long[] request)
    {
        for (var i = 0; i < request.Length; i += 2)
        {
            var at = LastStartAtOrBefore(supply, request[i]);
            if (at < 0 || supply[at + 1] < request[i + 1])
            {
                return false;
            }
        }

        return true;
    }

    public int WalkTo(int request, int slot)
    {
        var candidates = Candidates[request];
        var index = Array.IndexOf(candidates, slot);
        return index >= 0 ? CandidateWalks[request][index]
            : Instance.WalkMeters(Instance.Supply[slot], Instance.Requests[request].PreferredBuildingId);
    }

    /// <summary>Index (even) of the last window starting at or before <paramref name="tick"/>, or -1.</summary>
    private static int LastStartAtOrBefore(long[] windows, long tick)
    {
        int lo = 0, hi = (windows.Length / 2) - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (windows[mid * 2] <= tick)
            {
                found = mid * 2;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private static long[] Merge(IReadOnlyList<TimeWindow> windows)
    {
        var sorted = windows.Where(w => !w.IsEmpty)
            .Select(w => (Start: w.Start.UtcTicks, End: w.End.UtcTicks))
            .OrderBy(w => w.Start)
            .ToList();
        var merged = new List<long>(sorted.Count * 2);
        foreach (var (start, end) in sorted)
        {
            if (merged.Count > 0 && start <= merged[^1])
            {
                merged[^1] = Math.Max(merged[^1], end);
            }
            else
            {
                merged.Add(start);
                merged.Add(end);
            }
        }

        return [.. merged];
    }

    private static double HoursOf(long[] windows)
    {
        long ticks = 0;
        for (var i = 0; i < windows.Length; i += 2)
        {
            ticks += windows[i + 1] - windows[i];
        }

        return TimeSpan.FromTicks(ticks).TotalHours;
    }

    private static void Validate(SharingInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance.Supply);
        ArgumentNullException.ThrowIfNull(instance.Requests);
        ArgumentNullException.ThrowIfNull(instance.WalkMetersFromLotToBuilding);
        var spaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slot in instance.Supply)
        {
            if (string.IsNullOrWhiteSpace(slot.SpaceId) || !spaces.Add(slot.SpaceId))
            {
                throw new ArgumentException($"Supply slot ids must be present and unique ('{slot.SpaceId}').", nameof(instance));
            }

            if (slot.Windows is null || slot.Windows.Any(w => w.End < w.Start))
            {
                throw new ArgumentException($"Supply slot '{slot.SpaceId}' has a window that ends before it starts.", nameof(instance));
            }
        }

        var requests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in instance.Requests)
        {
            if (string.IsNullOrWhiteSpace(request.Id) || !requests.Add(request.Id))
            {
                throw new ArgumentException($"Request ids must be present and unique ('{request.Id}').", nameof(instance));
            }

            if (string.IsNullOrWhiteSpace(request.HouseholdId))
            {
                throw new ArgumentException($"Request '{request.Id}' has no household.", nameof(instance));
            }

            if (request.Windows is null || request.Windows.Count == 0 || request.Windows.Any(w => w.IsEmpty))
            {
                throw new ArgumentException($"Request '{request.Id}' needs at least one window, each ending after it starts.", nameof(instance));
            }
        }
    }
}
