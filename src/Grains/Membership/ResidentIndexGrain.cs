using Parking.Domain;
using Orleans.Concurrency;
using Orleans.Runtime;
using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

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

    /// <summary>How a search text is compared (see <see cref="ResidentQuery.Searchable"/>).</summary>
    public static string Searchable(string? text) => ResidentQuery.Searchable(text);

    /// <summary>The person's bucket: FNV-1a over the id's UTF-8 bytes (stable across processes, unlike string hash codes).</summary>
    public static int BucketOf(string personId) => StableBuckets.Of(personId, Buckets);

    /// <summary>Every resident of the compound a search text (already <see cref="Searchable"/>) finds, read from the buckets only (in no order).</summary>
    public static async Task<IReadOnlyList<ResidentEntry>> Search(IGrainFactory grains, string compoundId, string text)
    {
        ArgumentNullException.ThrowIfNull(grains);
        await grains.ResidentDirectory(compoundId).EnsureBuilt();
        return [.. (await Parts(grains, compoundId, text, int.MaxValue)).SelectMany(p => p.First)];
    }

    /// <summary>
    /// The page of the compound's residents a query asks for, ordered as <see cref="ResidentQuery.Order"/> says: each
    /// bucket gives its count and only its first matches a page can need, already in order, and they are merged.
    /// </summary>
    public static async Task<ResidentPage> Search(IGrainFactory grains, string compoundId, ResidentQuery query)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(query);
        await grains.ResidentDirectory(compoundId).EnsureBuilt();
        return query.PageOf(await Parts(grains, compoundId, query.Text, query.Wanted));
    }

    private static Task<ResidentPart[]> Parts(IGrainFactory grains, string compoundId, string text, int wanted) =>
        Task.WhenAll(Enumerable.Range(0, Buckets).Select(b => grains.ResidentBucket(compoundId, b).Find(text, wanted)));

    /// <summary>A re-import gave households other units (null: the household left the layout): every bucket relabels its entries.</summary>
    public static Task UnitsChanged(IGrainFactory grains, string compoundId, IReadOnlyDictionary<string, string?> units)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(units);
        return units.Count == 0
            ? Task.CompletedTask
            : Task.WhenAll(Enumerable.Range(0, Buckets).Select(b => grains.ResidentBucket(compoundId, b).Relabel(units)));
    }

    /// <summary>Tells the person's bucket in the compound their entry as their member record shows it now (none: not a resident there).</summary>
    public static async Task Tell(IGrainFactory grains, string compoundId, string personId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var record = await grains.Member(personId).Get();
        await grains.ResidentBucket(compoundId, BucketOf(personId)).Set(personId, ResidentEntry.Of(personId, compoundId, record));
    }

    /// <summary>
    /// Tells the buckets of every compound where the person's resident entry changed between two records, but
    /// <paramref name="toldByCaller"/>: an import tells that compound's buckets itself, a batch at a time (<see cref="TellMany"/>).
    /// </summary>
    public static Task Tell(IGrainFactory grains, string personId, MemberRecord before, MemberRecord after, string? toldByCaller = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changed = before.Memberships.Concat(after.Memberships).Select(m => m.CompoundId).Distinct(StringComparer.Ordinal)
            .Where(c => !string.Equals(c, toldByCaller, StringComparison.Ordinal))
            .Select(c => (Compound: c, Was: ResidentEntry.Of(personId, c, before), Now: ResidentEntry.Of(personId, c, after)))
            .Where(c => !Equals(c.Was, c.Now))
            .Select(c => grains.ResidentBucket(c.Compound, BucketOf(personId)).Set(personId, c.Now));
        return Task.WhenAll(changed);
    }

    /// <summary>
    /// Tells the compound's index the entries of many people at once, as their member records show them now: one call
    /// per bucket they fall in, which stores the bucket once for all of them. An import enrols a batch of people, then
    /// tells their buckets this way, where one <see cref="Tell(IGrainFactory, string, string)"/> per person would store a
    /// bucket once per person (about 470 times per bucket at Kangcheng's size).
    /// </summary>
    public static Task TellMany(IGrainFactory grains, string compoundId, IEnumerable<string> personIds)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(personIds);
        return Task.WhenAll(personIds.Distinct(StringComparer.Ordinal).GroupBy(BucketOf)
            .Select(b => grains.ResidentBucket(compoundId, b.Key).SetMany([.. b])));
    }
}

/// <summary>One bucket of a compound's resident index (key: compound/residents-N). Each member grain keeps its entry.</summary>
public interface IResidentBucketGrain : IGrainWithStringKey
{
    /// <summary>The person's entry now (null: not a resident here any more).</summary>
    Task Set(string personId, ResidentEntry? entry);

    /// <summary>
    /// The entries of these people (all of this bucket) as their member records show them now, read by the bucket
    /// itself and stored once for all of them. Reading here, not taking entries from the caller, keeps a change a member
    /// grain tells meanwhile: it is either read or applied after.
    /// </summary>
    Task SetMany(IReadOnlyList<string> personIds);

    /// <summary>Entries read from the member records when the index is first built, except for people a change told of meanwhile.</summary>
    Task Seed(IReadOnlyList<string> personIds, IReadOnlyList<ResidentEntry> entries);

    /// <summary>Households whose unit changed (null: no longer in the layout); entries of those households take the new unit.</summary>
    Task Relabel(IReadOnlyDictionary<string, string?> units);

    /// <summary>
    /// How many entries a search text (already <see cref="ResidentIndex.Searchable"/>) finds and the first
    /// <paramref name="wanted"/> of them in the order staff read them; see <see cref="ResidentQuery.PartOf"/>.
    /// </summary>
    [AlwaysInterleave]
    Task<ResidentPart> Find(string text, int wanted);
}

public sealed class ResidentBucketGrain(
    [PersistentState("resident-index", GrainKeys.StorageName)] IPersistentState<ResidentBucketState> state) : Grain, IResidentBucketGrain
{
    private string CompoundId => CompoundScopedKey.Of(this).CompoundId;

    /// <summary>Entries stored by an earlier build have no unit: they get it from the layout once, before the first call.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var lacking = state.State.Entries.Values.Where(e => e.LacksUnit).ToList();
        if (lacking.Count == 0)
        {
            return;
        }

        var filled = await WithUnits(lacking);
        if (state.State.Relabelled(filled.Where(e => !e.LacksUnit)) > 0)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    /// <summary>The entries with their household's unit as the layout names it (one call to the compound for all of them).</summary>
    private async Task<IReadOnlyList<ResidentEntry>> WithUnits(IReadOnlyList<ResidentEntry> entries)
    {
        var households = entries.Where(e => e.LacksUnit).Select(e => e.HouseholdId!).Distinct(StringComparer.Ordinal).ToList();
        if (households.Count == 0)
        {
            return entries;
        }

        var units = await GrainFactory.Compound(CompoundId).GetUnits(households);
        return [.. entries.Select(e => e.LacksUnit && units.GetValueOrDefault(e.HouseholdId!) is { } unit ? e with { Unit = unit } : e)];
    }

    public async Task Set(string personId, ResidentEntry? entry)
    {
        if (entry is not null)
        {
            entry = (await WithUnits([entry]))[0];
        }

        if (state.State.Set(personId, entry))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task SetMany(IReadOnlyList<string> personIds)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        var records = await Task.WhenAll(personIds.Select(id => GrainFactory.Member(id).Get()));
        var entries = personIds.Zip(records, (id, record) => (Id: id, Entry: ResidentEntry.Of(id, CompoundId, record))).ToList();
        var filled = await WithUnits([.. entries.Select(e => e.Entry).OfType<ResidentEntry>()]);
        var byPerson = filled.ToDictionary(e => e.PersonId, StringComparer.Ordinal);
        var changed = 0;
        foreach (var (id, _) in entries)
        {
            changed += state.State.Set(id, byPerson.GetValueOrDefault(id)) ? 1 : 0;
        }

        if (changed > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Seed(IReadOnlyList<string> personIds, IReadOnlyList<ResidentEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (state.State.Seeded)
        {
            return;
        }

        var filled = await WithUnits([.. entries.Where(e => !state.State.ToldBeforeSeed.Contains(e.PersonId))]);
        if (state.State.Seed(personIds, filled))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Relabel(IReadOnlyDictionary<string, string?> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var changed = state.State.Entries.Values
            .Where(e => e.HouseholdId is { } h && units.TryGetValue(h, out var unit) && unit != e.Unit)
            .Select(e => e with { Unit = units[e.HouseholdId!] })
            .ToList();
        if (state.State.Relabelled(changed) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<ResidentPart> Find(string text, int wanted) => Task.FromResult(state.State.Find(text, wanted));
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
    /// everyone a record of the compound names, each as their member record shows them now (someone named who is not a
    /// resident there any more gets no entry). A change that reached a bucket first wins over the seed. Compounds
    /// imported since are told by their members as they enrol; the seed then only confirms them.
    /// </summary>
    public async Task EnsureBuilt()
    {
        if (state.State.Built)
        {
            return;
        }

        var candidates = await Candidates();
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

    /// <summary>
    /// Who may be a resident of the compound: those its file names; those who joined through the API while the people
    /// book still holds the join (before the retention sweep prunes one, it tells the joiner's entry to their bucket,
    /// which the seed keeps); and, from records the sweep never prunes, everyone whose
    /// own grains stored something here (the sweep's list of people the file does not name) and everyone who opened
    /// their notices as a member of a household.
    /// </summary>
    private async Task<List<string>> Candidates()
    {
        var named = GrainFactory.Compound(CompoundId).GetUsers(UserRole.Resident, int.MaxValue);
        var joined = GrainFactory.People(CompoundId).GetJoined();
        var tracked = GrainFactory.HistoryRetention(CompoundId).GetPeople();
        var households = GrainFactory.NoticeDirectory(CompoundId).HouseholdMembers();
        await Task.WhenAll(named, joined, tracked, households);
        return [.. (await named).Select(u => u.UserId).Concat(await joined).Concat(await tracked).Concat(await households).Distinct(StringComparer.Ordinal)];
    }
}
