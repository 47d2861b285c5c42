namespace Parking.Web.Services;

/// <summary>Staff edits of a rebalancing suggestion, done on the client before they are sent back for checking.</summary>
public static class SuggestionEdits
{
    /// <summary>
    /// The suggestion's changes without one group of retyped spaces: their space changes go, and so do the chargers
    /// suggested on them (a charger needs the EV space the group would have made). Everything else stays.
    /// </summary>
    public static ScenarioChangesDto Drop(ScenarioChangesDto changes, RebalancingRetypeDto group)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(group);

        var dropped = group.SpaceIds.ToHashSet(StringComparer.Ordinal);
        return changes with
        {
            Spaces = [.. (changes.Spaces ?? []).Where(s => s.SpaceId is null || !dropped.Contains(s.SpaceId))],
            Chargers = [.. (changes.Chargers ?? []).Where(c => c.SpaceId is null || !dropped.Contains(c.SpaceId))],
        };
    }

    /// <summary>How many changes a proposal makes: space changes plus charger changes.</summary>
    public static int Count(ScenarioChangesDto changes) => (changes.Spaces?.Count ?? 0) + (changes.Chargers?.Count ?? 0);
}
