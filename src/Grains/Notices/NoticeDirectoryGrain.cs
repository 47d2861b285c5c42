using Orleans.Runtime;

namespace Parking.Grains.Notices;

[GenerateSerializer]
public sealed class NoticeDirectoryState
{
    /// <summary>User → household, for every user whose token named a household when they opened their notices.</summary>
    [Id(0)]
    public Dictionary<string, string> Households { get; set; } = new(StringComparer.Ordinal);
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
        var changed = householdId is null
            ? state.State.Households.Remove(userId)
            : !state.State.Households.TryGetValue(userId, out var known) || known != householdId;
        if (householdId is not null)
        {
            state.State.Households[userId] = householdId;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> HouseholdMembers() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Households.Keys.Order(StringComparer.Ordinal)]);
}
