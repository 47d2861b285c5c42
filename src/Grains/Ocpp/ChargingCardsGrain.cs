using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

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

public sealed class ChargingCardsGrain(
    [PersistentState("charging-cards", GrainKeys.StorageName)] IPersistentState<ChargingCardsState> state,
    ParkingClock time) : Grain, IChargingCardsGrain
{
    public Task<ChargingCard?> Find(string idTag) => Task.FromResult(state.State.Find(idTag));

    public Task<IReadOnlyList<ChargingCard>> List() => Task.FromResult(state.State.Listed());

    public async Task<ChargingCard> Register(string idTag, string residentId, bool blocked)
    {
        var card = state.State.Register(idTag, residentId, blocked, time.GetUtcNow());
        await state.WriteStateAsync();
        return card;
    }

    public Task<int> Forget(string residentId) => state.WriteIfChangedAsync(this, state.State.Forget(residentId));
}
