using System.Text;
using Orleans.Concurrency;
using Orleans.Runtime;
using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

/// <summary>One resident of a compound as staff search for them: name, household, building and the plates of their cars.</summary>
[GenerateSerializer, Immutable]
public sealed record ResidentEntry(
    [property: Id(0)] string PersonId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? HouseholdId,
    [property: Id(3)] string? BuildingId,
    [property: Id(4)] IReadOnlyList<string> Plates)
{
    /// <summary>The person's entry in the compound from their record: none unless they are a resident there.</summary>
    public static ResidentEntry? Of(string personId, string compoundId, MemberRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Memberships.FirstOrDefault(m => m.CompoundId == compoundId) is { Role: UserRole.Resident } m
            ? new ResidentEntry(personId, m.DisplayName, m.HouseholdId, m.BuildingId,
                [.. record.Vehicles.Where(v => v.Plate is not null).Select(v => v.Plate!.Value.Value)])
            : null;
    }

    /// <summary>Whether a search (already <see cref="ResidentIndex.Searchable"/>) finds this resident; a household listed in
    /// <paramref name="householdsByUnit"/> (its unit matched, which the layout knows and the index does not) counts too.</summary>
    public bool Matches(string query, IReadOnlySet<string> householdsByUnit)
    {
        ArgumentNullException.ThrowIfNull(householdsByUnit);
        return query.Length == 0
            || ResidentIndex.Searchable(DisplayName).Contains(query, StringComparison.Ordinal)
            || (HouseholdId is { } household && (householdsByUnit.Contains(household) || ResidentIndex.Searchable(household).Contains(query, StringComparison.Ordinal)))
            || Plates.Any(p => ResidentIndex.Searchable(p).Contains(query, StringComparison.Ordinal));
    }

    public bool Equals(ResidentEntry? other) =>
        other is not null && PersonId == other.PersonId && DisplayName == other.DisplayName && HouseholdId == other.HouseholdId
        && BuildingId == other.BuildingId && Plates.SequenceEqual(other.Plates);

    public override int GetHashCode() => HashCode.Combine(PersonId, DisplayName, HouseholdId, BuildingId, Plates.Count);
}

/// <summary>
/// How a compound's residents are indexed for search. The index is cut into a fixed number of buckets by a stable hash
/// of the person id, each bucket one grain with its own stored state, so:
/// <list type="bullet">
/// <item>a change writes one bucket: at Kangcheng's size (~30,000 residents) a bucket holds ~470 entries, some 50 KB,
/// where one state for the whole compound would rewrite ~3 MB per join, leave or plate (and an import of 30,000
/// residents would rewrite it 30,000 times);</item>
/// <item>a search knows every bucket without a registry (per-building buckets would need one, and a resident whose
/// building left the layout would be lost), and a person moving household never moves bucket.</item>
/// </list>
/// </summary>
public static class ResidentIndex
{
    public const int Buckets = 64;

    /// <summary>Case, spaces and the dot some write in a plate (沪A·12345) do not matter to a search.</summary>
    public static string Searchable(string? text) =>
        string.Concat((text ?? "").Where(c => !char.IsWhiteSpace(c) && c is not ('·' or '.' or '-'))).ToUpperInvariant();

    /// <summary>The person's bucket: FNV-1a over the id's UTF-8 bytes (stable across processes, unlike string hash codes).</summary>
    public static int BucketOf(string personId)
    {
        ArgumentNullException.ThrowIfNull(personId);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(personId))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % Buckets);
    }

    /// <summary>Every resident of the compound the search finds, read from the buckets only (in no order).</summary>
    public static async Task<IReadOnlyList<ResidentEntry>> Search(IGrainFactory grains, string compoundId, string query, IReadOnlySet<string> householdsByUnit)
    {
        ArgumentNullException.ThrowIfNull(grains);
        await grains.ResidentDirectory(compoundId).EnsureBuilt();
        var found = await Task.WhenAll(Enumerable.Range(0, Buckets).Select(b => grains.ResidentBucket(compoundId, b).Find(query, householdsByUnit)));
        return [.. found.SelectMany(f => f)];
    }

    /// <summary>Tells the buckets of every compound where the person's resident entry changed between two records.</summary>
    public static Task Tell(IGrainFactory grains, string personId, MemberRecord before, MemberRecord after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changed = before.Memberships.Concat(after.Memberships).Select(m => m.CompoundId).Distinct(StringComparer.Ordinal)
            .Select(c => (Compound: c, Was: ResidentEntry.Of(personId, c, before), Now: ResidentEntry.Of(personId, c, after)))
            .Where(c => !Equals(c.Was, c.Now))
            .Select(c => grains.ResidentBucket(c.Compound, BucketOf(personId)).Set(personId, c.Now));
        return Task.WhenAll(changed);
    }
}

/// <summary>One bucket of a compound's resident index (key: compound/residents-N). Each member grain keeps its entry.</summary>
public interface IResidentBucketGrain : IGrainWithStringKey
{
    /// <summary>The person's entry now (null: not a resident here any more).</summary>
    Task Set(string personId, ResidentEntry? entry);

    /// <summary>Entries read from the member records when the index is first built, except for people a change told of meanwhile.</summary>
    Task Seed(IReadOnlyList<string> personIds, IReadOnlyList<ResidentEntry> entries);

    [AlwaysInterleave]
    Task<IReadOnlyList<ResidentEntry>> Find(string query, IReadOnlySet<string> householdsByUnit);
}

public sealed class ResidentBucketGrain(
    [PersistentState("resident-index", GrainKeys.StorageName)] IPersistentState<ResidentBucketState> state) : Grain, IResidentBucketGrain
{
    public async Task Set(string personId, ResidentEntry? entry)
    {
        if (state.State.Set(personId, entry))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Seed(IReadOnlyList<string> personIds, IReadOnlyList<ResidentEntry> entries)
    {
        if (state.State.Seed(personIds, entries))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<ResidentEntry>> Find(string query, IReadOnlySet<string> householdsByUnit) =>
        Task.FromResult(state.State.Find(query, householdsByUnit));
}

/// <summary>Whether a compound's resident index is built (key: compound); builds it once, on the first search.</summary>
public interface IResidentDirectoryGrain : IGrainWithStringKey
{
    Task EnsureBuilt();
}

[GenerateSerializer]
public sealed class ResidentDirectoryState
{
    [Id(0)]
    public bool Built { get; set; }
}

public sealed class ResidentDirectoryGrain(
    [PersistentState("resident-directory", GrainKeys.StorageName)] IPersistentState<ResidentDirectoryState> state) : Grain, IResidentDirectoryGrain
{
    private string CompoundId => this.GetPrimaryKeyString();

    /// <summary>
    /// A compound whose residents were enrolled before the index existed: on its first search the index is seeded from
    /// the residents the compound file names and those who joined through the API (every invite redeemed and request
    /// approved the people book still holds), each as their member record shows them now. A change that reached a
    /// bucket first wins over the seed. Compounds imported since are told by their members as they enrol; the seed
    /// then only confirms them.
    /// </summary>
    public async Task EnsureBuilt()
    {
        if (state.State.Built)
        {
            return;
        }

        var named = (await GrainFactory.Compound(CompoundId).GetUsers(UserRole.Resident, int.MaxValue)).Select(u => u.UserId);
        var joined = await GrainFactory.People(CompoundId).GetJoined();
        var candidates = named.Concat(joined).Distinct(StringComparer.Ordinal).ToList();
        var entries = new List<ResidentEntry>(candidates.Count);
        foreach (var batch in candidates.Chunk(256))
        {
            var records = await Task.WhenAll(batch.Select(async id => ResidentEntry.Of(id, CompoundId, await GrainFactory.Member(id).Get())));
            entries.AddRange(records.OfType<ResidentEntry>());
        }

        var byBucket = candidates.GroupBy(ResidentIndex.BucketOf).ToDictionary(g => g.Key, g => g.ToList());
        var entriesByBucket = entries.GroupBy(e => ResidentIndex.BucketOf(e.PersonId)).ToDictionary(g => g.Key, g => g.ToList());
        await Task.WhenAll(Enumerable.Range(0, ResidentIndex.Buckets).Select(b =>
            GrainFactory.ResidentBucket(CompoundId, b).Seed(byBucket.GetValueOrDefault(b) ?? [], entriesByBucket.GetValueOrDefault(b) ?? [])));
        state.State.Built = true;
        await state.WriteStateAsync();
    }
}
