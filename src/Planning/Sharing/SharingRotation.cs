namespace Parking.Planning.Sharing;

/// <summary>
/// Rotation across rounds, as compounds do with a lottery for scarce spaces: a household that asked and got
/// nothing weighs one more in the next round; one that was served starts again at 1.
/// </summary>
public static class SharingRotation
{
    public static IReadOnlyDictionary<string, double> NextWeights(SharingInstance instance, SharingRoundResult result)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(result);
        var next = new Dictionary<string, double>(StringComparer.Ordinal);
        if (instance.HouseholdWeights is not null)
        {
            foreach (var (household, weight) in instance.HouseholdWeights)
            {
                next[household] = weight;
            }
        }

        var served = result.Assignments.Select(a => a.RequestId).ToHashSet(StringComparer.Ordinal);
        foreach (var household in instance.Requests.GroupBy(r => r.HouseholdId, StringComparer.Ordinal))
        {
            next[household.Key] = household.Any(r => served.Contains(r.Id)) ? 1.0 : instance.WeightOf(household.Key) + 1.0;
        }

        return next;
    }
}
