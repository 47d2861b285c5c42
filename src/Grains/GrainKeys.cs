using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Parking.Domain.Credits;

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
public static partial class GrainKeys
{
    public const string StorageName = "parking";

    public static string Of(string compoundId, string localId) => new CompoundScopedKey(compoundId, localId).ToString();

    public static IParkingSpaceGrain Space(this IGrainFactory grains, string compoundId, string spaceId) =>
        grains.Cached<IParkingSpaceGrain>(Of(compoundId, spaceId));

    public static ILotGrain Lot(this IGrainFactory grains, string compoundId, string lotId) =>
        grains.Cached<ILotGrain>(Of(compoundId, lotId));

    public static IResidentGrain Resident(this IGrainFactory grains, string compoundId, string residentId) =>
        grains.Cached<IResidentGrain>(Of(compoundId, residentId));

    public static ICompoundGrain Compound(this IGrainFactory grains, string compoundId) =>
        grains.Cached<ICompoundGrain>(compoundId);

    /// <summary>The compound-wide ledger of earlier builds, read-only: the household ledgers and settlement shards take it over.</summary>
    public static ICreditLedgerGrain Ledger(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<ICreditLedgerGrain>(compoundId);

    public static IHouseholdLedgerGrain HouseholdLedger(this IGrainFactory grains, string compoundId, string householdId) =>
        grains.Cached<IHouseholdLedgerGrain>(Of(compoundId, householdId));

    /// <summary>How many references of one grain interface a factory keeps before it starts its cache afresh.</summary>
    public const int CachedReferences = 8192;

    private static readonly ConditionalWeakTable<IGrainFactory, ReferenceCache> References = new();

    /// <summary>
    /// The reference to a grain on the booking path, made once per factory and key and then reused. Making a reference
    /// is not free: the generated proxy looks up a copier or codec for its methods' arguments each time (the profile of
    /// a booking put the household ledger's reference alone at 2.6 % of the silo's CPU), while a reference is immutable
    /// and safe to share between activations and threads. Kept per factory, so silos sharing a process keep their own;
    /// bounded: when it holds <see cref="CachedReferences"/> keys per interface on average it is emptied and fills again.
    /// </summary>
    internal static T Cached<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        var cache = References.GetValue(grains, static _ => new ReferenceCache());
        if (cache.Entries.TryGetValue((typeof(T), key), out var known))
        {
            return (T)known;
        }

        // Counted apart: a concurrent dictionary's Count takes every one of its locks, and threads missing at the same
        // time (a silo's first bookings) queued on them.
        if (Volatile.Read(ref cache.Added) >= CachedReferences * 4)
        {
            cache.Entries.Clear();
            Volatile.Write(ref cache.Added, 0);
        }

        var made = grains.GetGrain<T>(key);
        if (cache.Entries.TryAdd((typeof(T), key), made))
        {
            Interlocked.Increment(ref cache.Added);
        }

        return made;
    }

    private sealed class ReferenceCache
    {
        public readonly ConcurrentDictionary<(Type Interface, string Key), IAddressable> Entries = new();

        /// <summary>Keys added since the cache was last emptied (about its size; a bound, not an exact count).</summary>
        public int Added;
    }

    /// <summary>
    /// The reference to a grain of which a silo needs just one (key 0: a stateless worker, or a grain for the whole
    /// cluster), made once per factory: grains publish to the notifier on every booking, and making its reference cost
    /// more than the call itself (1.7 % of the silo's CPU in the session 16 profile of a booking).
    /// </summary>
    internal static T CachedSingle<T>(this IGrainFactory grains)
        where T : class, IGrainWithIntegerKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        return Singles<T>.ByFactory.GetValue(grains, static g => g.GetGrain<T>(0));
    }

    private static class Singles<T>
        where T : class, IGrainWithIntegerKey
    {
        public static readonly ConditionalWeakTable<IGrainFactory, T> ByFactory = new();
    }

    /// <summary>How many shards settle a compound's ledger; a household's shard is <see cref="Accounts.SettlementShard"/>.</summary>
    public const int SettlementShards = 8;

    private const string SettlementPrefix = "settlement-";

    public static ISettlementShardGrain SettlementShard(this IGrainFactory grains, string compoundId, string householdAccount) =>
        grains.SettlementShard(compoundId, Accounts.SettlementShard(householdAccount, SettlementShards));

    /// <summary>Reused per key, as the other references on the booking path: every background settlement calls one.</summary>
    public static ISettlementShardGrain SettlementShard(this IGrainFactory grains, string compoundId, int shard) =>
        grains.Cached<ISettlementShardGrain>(Of(compoundId, SettlementPrefix + shard.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The shard number in a settlement shard's local id (<c>settlement-n</c>).</summary>
    public static int SettlementShardNumber(string localId) =>
        int.Parse(localId.AsSpan(SettlementPrefix.Length), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The compound's ledger as staff see it: every settlement shard's part, added up.</summary>
    public static async Task<LedgerSummary> LedgerSummary(this IGrainFactory grains, string compoundId, int limit)
    {
        var views = await Task.WhenAll(Enumerable.Range(0, SettlementShards).Select(s => grains.SettlementShard(compoundId, s).GetView(limit)));
        var compound = views.Sum(v => v.CompoundBalance);
        var households = views.Sum(v => v.InCirculation);
        var recent = views.SelectMany(v => v.Recent).OrderByDescending(t => t.At).ThenByDescending(t => t.Id).Take(limit).ToList();
        return new LedgerSummary(compound, households, compound + households, views.Sum(v => v.Households) + 1, views.Sum(v => v.Transactions), recent);
    }

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
