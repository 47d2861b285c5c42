using Parking.Domain;
using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

/// <summary>How the people a compound's retention sweep reaches besides its file's are spread over list grains.</summary>
public static class HistoryRetentionLists
{
    /// <summary>
    /// Lists per compound. A person's first record writes one list whole, so its size, not the compound's count of people
    /// who joined without the file, is what that write costs: 14,000 such people make lists of about 220.
    /// </summary>
    public const int Count = 64;

    /// <summary>The list a person belongs to: the one place that decides it, for the key and for grouping a batch.</summary>
    public static int Of(string personId) => StableBuckets.Of(personId, Count);

    /// <summary>Every list of the compound.</summary>
    public static IEnumerable<IHistoryRetentionListGrain> All(IGrainFactory grains, string compoundId) =>
        Enumerable.Range(0, Count).Select(n => grains.HistoryRetentionList(compoundId, n));
}

/// <summary>
/// One of a compound's retention lists (key: compound/retention-N): the people of its share of the hash whose resident
/// or inbox grain stored something and whom the compound file does not name, or no longer names.
/// </summary>
public interface IHistoryRetentionListGrain : IGrainWithStringKey
{
    /// <summary>The person stored their first record here; written down only if the compound file does not name them.</summary>
    [OneWay]
    Task Track(string personId);

    /// <summary>People a re-import drops from the file (all of them fall in this list).</summary>
    Task Retain(IReadOnlyList<string> people);

    Task Forget(string personId);

    Task<IReadOnlyList<string>> GetPeople();
}

public sealed class HistoryRetentionListGrain(
    [PersistentState("history-retention", GrainKeys.StorageName)] IPersistentState<HistoryRetentionState> state)
    : Grain, IHistoryRetentionListGrain
{
    private string CompoundId => CompoundScopedKey.Of(this).CompoundId;

    public async Task Track(string personId)
    {
        if (state.State.People.Contains(personId) || await GrainFactory.Compound(CompoundId).GetUser(personId) is not null)
        {
            return;
        }

        state.State.Track(personId);
        await state.WriteStateAsync();
    }

    public async Task Retain(IReadOnlyList<string> people)
    {
        if (state.State.Retain(people) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Forget(string personId)
    {
        if (state.State.Forget(personId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetPeople() => Task.FromResult<IReadOnlyList<string>>([.. state.State.People]);
}
