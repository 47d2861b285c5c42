using Parking.Planning.Sharing;

namespace Parking.Planning.Tests.Sharing;

/// <summary>Checks a round against its instance from first principles, independent of the allocator's indexes.</summary>
internal static class SharingChecks
{
    public static List<string> Violations(SharingInstance instance, SharingRoundResult result)
    {
        var problems = new List<string>();
        var requests = instance.Requests.ToDictionary(r => r.Id);
        var supply = instance.Supply.ToDictionary(s => s.SpaceId);

        foreach (var group in result.Assignments.GroupBy(a => a.RequestId).Where(g => g.Count() > 1))
        {
            problems.Add($"request {group.Key} is on {group.Count()} spaces");
        }

        if (result.Assignments.Count + result.UnservedRequestIds.Count != instance.Requests.Count)
        {
            problems.Add("served + unserved != requests");
        }

        foreach (var assignment in result.Assignments)
        {
            var request = requests[assignment.RequestId];
            var slot = supply[assignment.SpaceId];
            foreach (var window in request.Windows)
            {
                // All-or-nothing: every window of the request lies inside the space's supply (adjacent supply windows join).
                var covered = slot.Windows.Where(w => w.Start <= window.Start).Any(w => CoveredFrom(slot, w.Start, window.End));
                if (!covered)
                {
                    problems.Add($"request {request.Id} window {window} outside the supply of {slot.SpaceId}");
                }
            }

            var fits = request.Kind == slot.Kind
                || (request.Kind is Domain.Layout.SpaceKind.Standard or Domain.Layout.SpaceKind.Visitor
                    && slot.Kind is Domain.Layout.SpaceKind.Standard or Domain.Layout.SpaceKind.Visitor);
            if (!fits)
            {
                problems.Add($"request {request.Id} ({request.Kind}) on a {slot.Kind} space");
            }
        }

        foreach (var space in result.Assignments.GroupBy(a => a.SpaceId))
        {
            var windows = space.SelectMany(a => requests[a.RequestId].Windows.Select(w => (a.RequestId, w))).ToList();
            for (var i = 0; i < windows.Count; i++)
            {
                for (var j = i + 1; j < windows.Count; j++)
                {
                    if (windows[i].RequestId != windows[j].RequestId && windows[i].w.Overlaps(windows[j].w))
                    {
                        problems.Add($"{windows[i].RequestId} and {windows[j].RequestId} overlap on {space.Key}");
                    }
                }
            }
        }

        return problems;
    }

    private static bool CoveredFrom(SupplySlot slot, DateTimeOffset from, DateTimeOffset until)
    {
        var reach = from;
        var progressed = true;
        while (reach < until && progressed)
        {
            progressed = false;
            foreach (var w in slot.Windows)
            {
                if (w.Start <= reach && w.End > reach)
                {
                    reach = w.End;
                    progressed = true;
                }
            }
        }

        return reach >= until;
    }
}
