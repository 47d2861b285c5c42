namespace Parking.Grains;

/// <summary>
/// The key of a grain that belongs to one compound (a space, a lot, a resident, a charger, ...):
/// <c>compound/local-id</c>. Built and parsed here only; a grain reads its own with <see cref="Of"/>.
/// </summary>
public readonly record struct CompoundScopedKey(string CompoundId, string LocalId)
{
    /// <summary>The part before the first slash is the compound; a key without one is a compound's own grain.</summary>
    public static CompoundScopedKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new(key, string.Empty) : new(key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The key of this grain.</summary>
    public static CompoundScopedKey Of(IAddressable grain) => Parse(grain.GetPrimaryKeyString());

    public override string ToString() => $"{CompoundId}/{LocalId}";
}

/// <summary>Every grain key starts with the compound id: compounds are tenants.</summary>
public static class GrainKeys
{
    public const string StorageName = "parking";

    public static string Of(string compoundId, string localId) => new CompoundScopedKey(compoundId, localId).ToString();

    public static IParkingSpaceGrain Space(this IGrainFactory grains, string compoundId, string spaceId) =>
        grains.GetGrain<IParkingSpaceGrain>(Of(compoundId, spaceId));

    public static ILotGrain Lot(this IGrainFactory grains, string compoundId, string lotId) =>
        grains.GetGrain<ILotGrain>(Of(compoundId, lotId));

    public static IResidentGrain Resident(this IGrainFactory grains, string compoundId, string residentId) =>
        grains.GetGrain<IResidentGrain>(Of(compoundId, residentId));

    public static ICompoundGrain Compound(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<ICompoundGrain>(compoundId);

    public static ICreditLedgerGrain Ledger(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<ICreditLedgerGrain>(compoundId);

    public static Charging.IChargerGrain Charger(this IGrainFactory grains, string compoundId, string chargerId) =>
        grains.GetGrain<Charging.IChargerGrain>(Of(compoundId, chargerId));

    public static Charging.IChargingAreaGrain ChargingArea(this IGrainFactory grains, string compoundId, string areaId) =>
        grains.GetGrain<Charging.IChargingAreaGrain>(Of(compoundId, areaId));

    public static Scenarios.IScenarioCatalogGrain ScenarioCatalog(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<Scenarios.IScenarioCatalogGrain>(compoundId);

    public static Scenarios.IScenarioGrain Scenario(this IGrainFactory grains, string compoundId, string scenarioId) =>
        grains.GetGrain<Scenarios.IScenarioGrain>(Of(compoundId, scenarioId));

    public static Scenarios.ISimulationRunGrain SimulationRun(this IGrainFactory grains, string compoundId, string runId) =>
        grains.GetGrain<Scenarios.ISimulationRunGrain>(Of(compoundId, runId));

    public static IAvailabilityGrain Availability(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IAvailabilityGrain>(compoundId);

    public static Rebalancing.IRebalancingGrain Rebalancing(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<Rebalancing.IRebalancingGrain>(compoundId);
}
