using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Grains;
using Parking.Domain.Membership;
using Parking.Grains.Membership;
using Xunit;

namespace Parking.Grains.Tests.Membership;

/// <summary>
/// A bucket of the resident index changes only through its methods: a change that reaches it before the first build
/// wins over the seed, the seed runs once, and a search finds what matches. It stores the bytes the bucket with public
/// settable collections stored (<see cref="EarlierResidentBucketState"/>, that class as it was).
/// </summary>
public sealed class ResidentBucketStateTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly).AddAssembly(typeof(EarlierResidentBucketState).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static readonly ResidentEntry Ann = new("p1", "Ann Li", "h1", "b1", ["沪A·12345"]);
    private static readonly ResidentEntry AnnMoved = new("p1", "Ann Li", "h9", "b3", ["沪A·12345"]);
    private static readonly ResidentEntry Bob = new("p2", "Bob Wu", "h2", null, []);

    [Fact]
    public void A_change_before_the_first_build_wins_over_the_seed_and_the_seed_runs_once()
    {
        var bucket = new ResidentBucketState();
        Assert.True(bucket.Set("p1", AnnMoved));
        Assert.True(bucket.Set("p3", null));
        Assert.False(bucket.Set("p3", null));

        Assert.True(bucket.Seed(["p1", "p2", "p3", "p4"], [Ann, Bob, new ResidentEntry("p3", "Gone", null, null, [])]));

        Assert.True(bucket.Seeded);
        Assert.Empty(bucket.ToldBeforeSeed);
        Assert.Equal((2, AnnMoved, Bob), (bucket.Entries.Count, bucket.Entries["p1"], bucket.Entries["p2"]));
        Assert.False(bucket.Seed(["p1", "p2"], [Ann]));
        Assert.Equal(AnnMoved, bucket.Entries["p1"]);
    }

    [Fact]
    public void The_seed_drops_a_listed_person_who_is_no_resident_and_after_it_the_same_entry_changes_nothing()
    {
        var earlier = new EarlierResidentBucketState();
        earlier.Entries["p2"] = Bob;
        var bucket = Serializer.Deserialize<ResidentBucketState>(Serializer.SerializeToArray(earlier))!;
        Assert.True(bucket.Seed(["p2"], []));
        Assert.Empty(bucket.Entries);

        var fresh = new ResidentBucketState();
        Assert.True(fresh.Seed(["p2"], []));
        Assert.False(fresh.Set("p2", null));
        Assert.True(fresh.Set("p1", Ann));
        Assert.False(fresh.Set("p1", Ann));
        Assert.Empty(fresh.ToldBeforeSeed);
        Assert.True(fresh.Set("p1", null));
        Assert.Empty(fresh.Entries);
    }

    [Fact]
    public void A_search_finds_by_name_plate_household_or_unit()
    {
        var bucket = new ResidentBucketState();
        bucket.Seed([], [Ann, Bob with { Unit = "UNIT-7" }]);

        Assert.Equal(["p1"], bucket.Find("ANNLI").Select(e => e.PersonId));
        Assert.Equal(["p1"], bucket.Find("A12345").Select(e => e.PersonId));
        Assert.Equal(["p2"], bucket.Find("H2").Select(e => e.PersonId));
        Assert.Equal(["p2"], bucket.Find("UNIT7").Select(e => e.PersonId));
        Assert.Empty(bucket.Find("CAROL"));
    }

    [Fact]
    public void Relabelling_replaces_held_entries_only()
    {
        var bucket = new ResidentBucketState();
        bucket.Seed([], [Ann]);

        Assert.Equal(1, bucket.Relabelled([Ann with { Unit = "3-101" }, Bob with { Unit = "3-102" }]));
        Assert.Equal("3-101", bucket.Entries["p1"].Unit);
        Assert.False(bucket.Entries.ContainsKey("p2"));
    }

    /// <summary>A bucket keeps its entries in order between searches: every kind of change is seen by the next search, and what it keeps is not stored.</summary>
    [Fact]
    public void A_search_after_each_change_sees_it_and_the_order_kept_for_searches_is_not_stored()
    {
        var bucket = new ResidentBucketState();
        Assert.Empty(bucket.Find(""));
        bucket.Seed([], [Bob]);
        Assert.Equal(["p2"], bucket.Find("").Select(e => e.PersonId));

        bucket.Set("p1", Ann);
        Assert.Equal(["p1", "p2"], bucket.Find("").Select(e => e.PersonId));
        var first = bucket.Find("", 1);
        Assert.Equal(2, first.Count);
        Assert.Equal(Ann, Assert.Single(first.First));

        bucket.Relabelled([Ann with { Unit = "x-0901" }]);
        Assert.Equal(["p2", "p1"], bucket.Find("").Select(e => e.PersonId));
        Assert.Equal(["p1"], bucket.Find("X0901").Select(e => e.PersonId));

        bucket.Set("p2", null);
        Assert.Equal(["p1"], bucket.Find("").Select(e => e.PersonId));

        var earlier = new EarlierResidentBucketState { Seeded = true };
        earlier.Entries["p1"] = Ann with { Unit = "x-0901" };
        Assert.Equal(Serializer.SerializeToArray(earlier), Serializer.SerializeToArray(bucket));
    }

    [Fact]
    public void It_stores_what_the_bucket_with_public_collections_stored_and_reads_it_back()
    {
        var unseeded = new ResidentBucketState();
        unseeded.Set("p1", Ann);
        unseeded.Set("p3", null);
        var seeded = new ResidentBucketState();
        seeded.Seed([], [Ann, Bob]);
        var earlierUnseeded = new EarlierResidentBucketState();
        earlierUnseeded.Entries["p1"] = Ann;
        earlierUnseeded.ToldBeforeSeed.Add("p1");
        earlierUnseeded.ToldBeforeSeed.Add("p3");
        var earlierSeeded = new EarlierResidentBucketState { Seeded = true };
        earlierSeeded.Entries["p1"] = Ann;
        earlierSeeded.Entries["p2"] = Bob;

        Assert.Equal(Serializer.SerializeToArray(earlierUnseeded), Serializer.SerializeToArray(unseeded));
        Assert.Equal(Serializer.SerializeToArray(earlierSeeded), Serializer.SerializeToArray(seeded));
        var read = Serializer.Deserialize<ResidentBucketState>(Serializer.SerializeToArray(earlierUnseeded))!;
        Assert.Equal((1, false), (read.Entries.Count, read.Seeded));
        Assert.Equal(["p1", "p3"], read.ToldBeforeSeed.Order(StringComparer.Ordinal));
        Assert.False(read.Set("p1", Ann));
    }
}

/// <summary><c>ResidentBucketState</c> as it was before it guarded itself (main at 75fca24): public settable collections.</summary>
[GenerateSerializer]
public sealed class EarlierResidentBucketState
{
    [Id(0)]
    public Dictionary<string, ResidentEntry> Entries { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public HashSet<string> ToldBeforeSeed { get; set; } = new(StringComparer.Ordinal);

    [Id(2)]
    public bool Seeded { get; set; }
}
