using Orleans.Runtime;

namespace Parking.Grains.Notices;

[GenerateSerializer]
public sealed class NoticeDirectoryState
{
    /// <summary>User → household, for every user whose token named a household when they opened their notices.</summary>
    [Id(0)]
    internal Dictionary<string, string> _households = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Households => _households;

    /// <summary>The user belongs to <paramref name="householdId"/>, or to none when null. Returns whether that changed anything.</summary>
    public bool Register(string userId, string? householdId)
    {
        if (householdId is null)
        {
            return _households.Remove(userId);
        }

        if (_households.TryGetValue(userId, out var known) && known == householdId)
        {
            return false;
        }

        _households[userId] = householdId;
        return true;
    }
}

/// <remarks>
/// Parking learns who belongs to a household from the tokens of its users (the identity issuer keeps people,
/// Parking keeps membership as the tokens state it), so a user is reachable for household matters once they
/// have opened the app.
/// </remarks>
public sealed class NoticeDirectoryGrain(
    [PersistentState("notice-directory", GrainKeys.StorageName)] IPersistentState<NoticeDirectoryState> state) : Grain, INoticeDirectoryGrain
{
    public async Task Register(string userId, string? householdId)
    {
        if (state.State.Register(userId, householdId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> HouseholdMembers() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Households.Keys.Order(StringComparer.Ordinal)]);
}
