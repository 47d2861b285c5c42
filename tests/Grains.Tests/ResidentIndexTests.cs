using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Grains.Compounds;
using Parking.Grains.Membership;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The resident index carries each resident's unit (a search reads only its buckets), reads what an earlier build
/// stored, and its one-time build finds residents from records the retention sweep never prunes. Each test has a
/// compound of its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ResidentIndexTests(ClusterFixture fixture)
{
    /// <summary>
    /// What the earlier build's serializer wrote for a bucket (taken from that build): seeded, with Wang Fang of household
    /// H-0007 (building B01, plate 沪A12345) and Li Lei of no household; entries then had no unit.
    /// </summary>
    private const string EarlierBucket =
        "ICAwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4AEFQQ9wLW9sZC0xIOjAD0ETV2FuZyBGYW5nQQ1ILTAwMDdBB0IwMTEBw9luPk1SZWFk" +
        "T25seUxpc3RJbnRlcmZhY2VDb2RlY2AxW1tzdHJpbmddXQADQRPmsqpBMTIzNDXg4EAPcC1vbGQtMiDowCFBDUxpIExlacEBwQEpNeDg" +
        "4CE4AwADAQHg4AED4A==";

    private IGrainStorage Storage =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);

    private static CompoundLayout Layout(string compoundId, params Household[] households) =>
        new(compoundId, compoundId, [new Building("B01", "Building 1")], [], households, []);

    private async Task StoreMember(string personId, CompoundMembership membership, params string[] plates)
    {
        var record = MemberRecord.Empty.Join(membership);
        foreach (var plate in plates)
        {
            record = record.AddCar(plate, false).Value!;
        }

        // Stored as an earlier build left it: the member grain never told an index that did not exist yet.
        await Storage.WriteStateAsync("member", fixture.Grains.Member(personId).GetGrainId(), new GrainState<MemberState>(new MemberState { Record = record }));
    }

    [Fact]
    public async Task An_entry_stored_by_an_earlier_build_gets_its_unit_once_and_is_found_by_it()
    {
        const string compound = "earlier-index";
        await fixture.Grains.Compound(compound).InitializeLayout(Layout(compound, new Household("H-0007", "B01", "7-0701", 88m)));
        var bucket = fixture.Grains.ResidentBucket(compound, ResidentIndex.BucketOf("p-old-1"));
        var earlier = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>().Deserialize<ResidentBucketState>(Convert.FromBase64String(EarlierBucket))!;
        Assert.Null(earlier.Entries["p-old-1"].Unit);
        await Storage.WriteStateAsync("resident-index", bucket.GetGrainId(), new GrainState<ResidentBucketState>(earlier));
        await Storage.WriteStateAsync("resident-directory", fixture.Grains.ResidentDirectory(compound).GetGrainId(),
            new GrainState<ResidentDirectoryState>(new ResidentDirectoryState { Built = true }));

        var byUnit = Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, ResidentIndex.Searchable("7-0701")));
        Assert.Equal(("p-old-1", "Wang Fang", "H-0007", "B01", "7-0701"), (byUnit.PersonId, byUnit.DisplayName, byUnit.HouseholdId, byUnit.BuildingId, byUnit.Unit));
        Assert.Equal(["沪A12345"], byUnit.Plates);

        // Filled once: the stored entry now has the unit; the one of no household is kept as it was.
        var stored = new GrainState<ResidentBucketState>();
        await Storage.ReadStateAsync("resident-index", bucket.GetGrainId(), stored);
        var entries = stored.State!.Entries;
        Assert.Equal("7-0701", entries["p-old-1"].Unit);
        Assert.Equal(("Li Lei", (string?)null), (entries["p-old-2"].DisplayName, entries["p-old-2"].Unit));
    }

    [Fact]
    public async Task The_first_build_finds_residents_whose_join_the_retention_sweep_pruned_from_the_records_it_never_prunes()
    {
        const string compound = "pruned-joins";
        await fixture.Grains.Compound(compound).InitializeLayout(Layout(compound, new Household("H1", "B01", "1-0101", 90m)));

        // Two residents who joined through invites long ago: the people book no longer holds their joins, the compound
        // file never named them. One has booked since (their resident grain stored, so the sweep tracks them), the
        // other opened their notices as a member of the household.
        await StoreMember("p-booked", new CompoundMembership(compound, UserRole.Resident, "Sun Li", "H1", "B01"), "沪B54321");
        await StoreMember("p-notices", new CompoundMembership(compound, UserRole.Resident, "Qian Yu", "H1", "B01"));
        await StoreMember("p-left", new CompoundMembership("elsewhere", UserRole.Resident, "Gone Away", "H1", "B01"));
        await fixture.Grains.HistoryRetention(compound).Track("p-booked");
        await fixture.Grains.HistoryRetention(compound).Track("p-left");
        await fixture.Grains.NoticeDirectory(compound).Register("p-notices", "H1");
        Assert.Empty(await fixture.Grains.People(compound).GetJoined());
        while (!(await fixture.Grains.HistoryRetention(compound).GetPeople()).Contains("p-left"))
        {
            await Task.Delay(10); // Track is one-way: wait until it is held, whatever the time it takes.
        }

        var all = await ResidentIndex.Search(fixture.Grains, compound, "");

        Assert.Equal(["p-booked", "p-notices"], all.Select(e => e.PersonId).Order(StringComparer.Ordinal));
        Assert.All(all, e => Assert.Equal("1-0101", e.Unit));
        Assert.Equal("p-booked", Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, ResidentIndex.Searchable("沪b 54321"))).PersonId);
    }

    [Fact]
    public async Task A_resident_told_after_the_build_carries_the_unit_and_a_renumbered_unit_relabels_the_entry()
    {
        const string compound = "relabelled";
        await fixture.Grains.Compound(compound).InitializeLayout(Layout(compound, new Household("H2", "B01", "2-0202", 70m)));
        Assert.Empty(await ResidentIndex.Search(fixture.Grains, compound, ""));

        await fixture.Grains.Member("p-new").Enrol(new CompoundMembership(compound, UserRole.Resident, "Zhou Xun", "H2", "B01"), []);
        Assert.Equal("2-0202", Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, "20202")).Unit);

        await ResidentIndex.UnitsChanged(fixture.Grains, compound, new Dictionary<string, string?>(StringComparer.Ordinal) { ["H2"] = "2-0303" });
        Assert.Empty(await ResidentIndex.Search(fixture.Grains, compound, "20202"));
        Assert.Equal("p-new", Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, "20303")).PersonId);
    }

    /// <summary>
    /// A compound imported, searched (so its index is built), then re-imported with one household's unit renumbered:
    /// the importer relabels that household's residents, who are found by the new unit and no longer by the old one;
    /// the household left as it was keeps its unit. A member's unchanged membership tells the index nothing, so without
    /// the importer's relabel the old unit would still find them.
    /// </summary>
    [Fact]
    public async Task A_re_import_that_renumbers_a_unit_finds_its_residents_by_the_new_unit_and_not_the_old()
    {
        const string compound = "renumbered";
        var importer = new CompoundImporter(fixture.Grains, NullLogger<CompoundImporter>.Instance);
        var first = Layout(compound, new Household("H1", "B01", "1-0101", 80m), new Household("H2", "B01", "1-0102", 80m)) with
        {
            Users =
            [
                new CompoundUser(compound, "p-ren-1", "Lu Ming", UserRole.Resident, "H1", "B01", [new Vehicle("沪C11111", false)]),
                new CompoundUser(compound, "p-ren-2", "He Jing", UserRole.Resident, "H2", "B01", []),
            ],
        };
        var imported = await importer.Apply(first, expectedVersion: null);
        Assert.True(imported.IsSuccess, imported.Error?.Message);
        Assert.Equal("p-ren-1", Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, "10101")).PersonId);

        var renumbered = await importer.Apply(first with { Households = [new Household("H1", "B01", "1-0909", 80m), first.Households[1]] }, expectedVersion: null);
        Assert.True(renumbered.IsSuccess, renumbered.Error?.Message);

        var byNew = await ResidentIndex.Search(fixture.Grains, compound, ResidentQuery.Parse("1-0909", null, null).Value!);
        Assert.Equal(1, byNew.Total);
        Assert.Equal(("p-ren-1", "1-0909"), (byNew.Items[0].PersonId, byNew.Items[0].Unit));
        Assert.Equal(0, (await ResidentIndex.Search(fixture.Grains, compound, ResidentQuery.Parse("1-0101", null, null).Value!)).Total);
        Assert.Equal("p-ren-2", Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, "10102")).PersonId);
        Assert.Equal("1-0909", Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, ResidentIndex.Searchable("沪c 11111"))).Unit);
    }

    /// <summary>
    /// A resident who joined through an invite long ago, under a build before the index, and has neither booked nor
    /// opened a notice since: only their member record and the people book's join (past retention) name them. The
    /// index's first build finds them whether the join is still stored (the daily prune has not run yet), a store of the
    /// book has pruned it (staff shortened the retention) or the daily reminder has: before a prune drops the join, the
    /// joiner is told to the index. Before, the build read the joins as the book reads after pruning, and missed them in
    /// every case.
    /// </summary>
    [Theory]
    [InlineData("stored")]
    [InlineData("store")]
    [InlineData("reminder")]
    public async Task A_resident_whose_join_is_past_retention_and_who_did_nothing_since_is_found_by_the_first_build(string prunedBy)
    {
        var compound = "quiet-joiner-" + prunedBy;
        var person = "p-quiet-" + prunedBy;
        await fixture.Grains.Compound(compound).InitializeLayout(Layout(compound, new Household("H1", "B01", "1-0101", 90m)));
        await StoreMember(person, new CompoundMembership(compound, UserRole.Resident, "Kong Wen", "H1", "B01"));
        var joinedAt = ClusterFixture.Clock.GetUtcNow().AddDays(-PeopleRules.DefaultRetentionDays - 30);
        var book = new CompoundPeopleState();
        book.Keep(PeopleBook.Empty.Record(joinedAt, person, AuditAction.InviteRedeemed, person, "H1", null), joinedAt);
        var people = fixture.Grains.People(compound);
        await Storage.WriteStateAsync("compound-people", people.GetGrainId(), new GrainState<CompoundPeopleState>(book));

        if (prunedBy == "store")
        {
            var set = await people.SetRetentionDays(new PeopleActor("staff-1", UserRole.Staff), PeopleRules.MinRetentionDays);
            Assert.True(set.IsSuccess, set.Error?.Message);
        }
        else if (prunedBy == "reminder")
        {
            await fixture.Grains.GetGrain<IRemindable>(people.GetGrainId())
                .ReceiveReminder(CompoundPeopleGrain.RetentionReminder, new TickStatus(DateTime.UnixEpoch, TimeSpan.FromDays(1), DateTime.UnixEpoch));
        }

        if (prunedBy != "stored")
        {
            var stored = new GrainState<CompoundPeopleState>();
            await Storage.ReadStateAsync("compound-people", people.GetGrainId(), stored);
            Assert.DoesNotContain(stored.State!.Book.Audit, e => e.SubjectId == person);
        }

        var found = Assert.Single(await ResidentIndex.Search(fixture.Grains, compound, ""));
        Assert.Equal((person, "Kong Wen", "1-0101"), (found.PersonId, found.DisplayName, found.Unit));
    }
}
