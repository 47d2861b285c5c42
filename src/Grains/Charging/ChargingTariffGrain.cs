using Parking.Domain.Charging;

namespace Parking.Grains.Charging;

/// <summary>A compound's time-of-use tariff for charging (key: compound id); <see cref="TimeOfUseTariff.Default"/> until staff set one.</summary>
public interface IChargingTariffGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<TimeOfUseTariff> Get();

    Task<Outcome<TimeOfUseTariff>> Set(TimeOfUseTariff tariff);
}

[GenerateSerializer]
public sealed class ChargingTariffState
{
    [Id(0)] public TimeOfUseTariff? Tariff { get; set; }
}

public sealed class ChargingTariffGrain(
    [PersistentState("charging-tariff", GrainKeys.StorageName)] IPersistentState<ChargingTariffState> state) : Grain, IChargingTariffGrain
{
    public Task<TimeOfUseTariff> Get() => Task.FromResult(state.State.Tariff ?? TimeOfUseTariff.Default);

    public async Task<Outcome<TimeOfUseTariff>> Set(TimeOfUseTariff tariff)
    {
        if (tariff.Check() is { } invalid)
        {
            return invalid;
        }

        state.State.Tariff = tariff;
        await state.WriteStateAsync();
        return tariff;
    }
}
