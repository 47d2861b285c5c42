namespace Parking.Grains.Ocpp;

/// <summary>An RFID card (its OCPP idTag) registered for a resident; a blocked card is refused at the charger.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingCard(
    [property: Id(0)] string IdTag,
    [property: Id(1)] string ResidentId,
    [property: Id(2)] bool Blocked,
    [property: Id(3)] DateTimeOffset RegisteredAt);

/// <summary>The compound's registered charging cards (key: compound id). idTags compare without regard to case, as OCPP's CiString.</summary>
public interface IChargingCardsGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<ChargingCard?> Find(string idTag);

    [ReadOnly]
    Task<IReadOnlyList<ChargingCard>> List();

    /// <summary>Registers a card for a resident, or changes its resident or whether it is blocked.</summary>
    Task<ChargingCard> Register(string idTag, string residentId, bool blocked);

    /// <summary>A resident left the compound: their cards go (a card of theirs no longer starts a charge); returns how many.</summary>
    Task<int> Forget(string residentId);
}

[GenerateSerializer]
public sealed class ChargingCardsState
{
    [Id(0)] internal Dictionary<string, ChargingCard> _cards = [];

    /// <summary>The cards by their key (the idTag as <see cref="ChargingCardsGrain"/> folds it).</summary>
    public IReadOnlyDictionary<string, ChargingCard> Cards => _cards;

    /// <summary>The card under <paramref name="key"/> is <paramref name="card"/> from now on.</summary>
    public void Put(string key, ChargingCard card) => _cards[key] = card;

    /// <summary>The cards of <paramref name="residentId"/> go; returns how many.</summary>
    public int Forget(string residentId)
    {
        var keys = _cards.Where(c => c.Value.ResidentId == residentId).Select(c => c.Key).ToList();
        keys.ForEach(k => _cards.Remove(k));
        return keys.Count;
    }
}

public sealed class ChargingCardsGrain(
    [PersistentState("charging-cards", GrainKeys.StorageName)] IPersistentState<ChargingCardsState> state,
    ParkingClock time) : Grain, IChargingCardsGrain
{
    public Task<ChargingCard?> Find(string idTag) => Task.FromResult(state.State.Cards.GetValueOrDefault(Key(idTag)));

    public Task<IReadOnlyList<ChargingCard>> List() =>
        Task.FromResult<IReadOnlyList<ChargingCard>>([.. state.State.Cards.Values.OrderBy(c => c.IdTag, StringComparer.Ordinal)]);

    public async Task<ChargingCard> Register(string idTag, string residentId, bool blocked)
    {
        var card = new ChargingCard(idTag, residentId, blocked, state.State.Cards.GetValueOrDefault(Key(idTag))?.RegisteredAt ?? time.GetUtcNow());
        state.State.Put(Key(idTag), card);
        await state.WriteStateAsync();
        return card;
    }

    public Task<int> Forget(string residentId) => state.WriteIfChangedAsync(this, state.State.Forget(residentId));

    private static string Key(string idTag) => idTag.ToUpperInvariant();
}
