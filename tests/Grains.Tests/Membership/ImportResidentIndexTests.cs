using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Grains.Compounds;
using Parking.Grains.Membership;
using Xunit;

namespace Parking.Grains.Tests.Membership;

/// <summary>
/// An import enrols its people in batches and tells the compound's resident index once per batch: each bucket is
/// written at most once per batch that names someone of it, not once per person, and the index then answers every
/// search as the member records say. Writes are counted by the storage the write-failure cluster writes through.
/// </summary>
[Collection(WriteFailureCollection.Name)]
public class ImportResidentIndexTests(WriteFailureFixture fixture)
{
    private const string Compound = "batched-index";
    private const string Elsewhere = "batched-elsewhere";

    /// <summary>Three batches of the importer (256, 256, 8): most buckets hold several people of each batch.</summary>
    private const int People = 520;

    private static string Person(int i) => $"p-bi-{i:000}";

    private static string Plate(int i) => $"沪A{10000 + i}";

    private static string Name(int i) => $"Batch Person {i:000}";

    private static CompoundLayout Layout()
    {
        var households = Enumerable.Range(0, 40).Select(h => new Household($"H{h:00}", "B01", $"B1-{h + 1:000}", 80m)).ToList();

        // Every thirteenth person is staff (no resident entry); the rest residents of one of the households, with a car.
        var users = Enumerable.Range(0, People).Select(i => i % 13 == 5
            ? new CompoundUser(Compound, Person(i), Name(i), UserRole.Staff, null, null, [])
            : new CompoundUser(Compound, Person(i), Name(i), UserRole.Resident, households[i % 40].Id, "B01", [new Vehicle(Plate(i), false)]));
        return new CompoundLayout(Compound, Compound, [new Building("B01", "Building 1")], [], households, []) { Users = [.. users] };
    }

    [Fact]
    public async Task An_import_writes_each_index_bucket_once_per_batch_and_the_index_finds_every_resident_by_name_plate_and_unit()
    {
        var layout = Layout();
        var grains = fixture.Grains;

        // One of the file's people is already a resident elsewhere, without a car: the car the file gives them changes
        // their entry there too, which their member grain still tells that compound's index itself.
        const int both = 7;
        await grains.Compound(Elsewhere).InitializeLayout(new CompoundLayout(Elsewhere, Elsewhere, [new Building("B09", "Building 9")], [],
            [new Household("E1", "B09", "9-0901", 70m)], []));
        await grains.Member(Person(both)).Enrol(new CompoundMembership(Elsewhere, UserRole.Resident, "Elsewhere Name", "E1", "B09"), []);

        var imported = await new CompoundImporter(grains, NullLogger<CompoundImporter>.Instance).Apply(layout, expectedVersion: null);
        Assert.True(imported.IsSuccess, imported.Error?.Message);

        // One write per bucket for each batch that named someone of it; before, one per person of the bucket.
        var batches = layout.Users.Chunk(CompoundImporter.BatchSize).ToList();
        var writes = Enumerable.Range(0, ResidentIndex.Buckets).Select(b => fixture.Storage.Writes(grains.ResidentBucket(Compound, b).GetGrainId())).ToList();
        var expected = Enumerable.Range(0, ResidentIndex.Buckets)
            .Select(b => batches.Count(batch => batch.Any(u => ResidentIndex.BucketOf(u.UserId) == b)))
            .ToList();
        Assert.Equal(expected, writes);
        var residents = layout.Users.Count(u => u.Role == UserRole.Resident);
        Assert.True(writes.Sum() < residents / 2, $"{writes.Sum()} bucket writes for {residents} residents");

        // Every resident as the file gives them (with the household's unit), no one else.
        var all = await ResidentIndex.Search(grains, Compound, string.Empty);
        var units = layout.Households.ToDictionary(h => h.Id, h => h.Unit);
        Assert.Equal(
            layout.Users.Where(u => u.Role == UserRole.Resident)
                .Select(u => (u.UserId, u.DisplayName, u.HouseholdId, u.BuildingId, string.Join(",", u.Vehicles.Select(v => v.Plate)), units[u.HouseholdId!]))
                .OrderBy(e => e.UserId, StringComparer.Ordinal),
            all.Select(e => (e.PersonId, e.DisplayName, e.HouseholdId, e.BuildingId, string.Join(",", e.Plates), e.Unit!)).OrderBy(e => e.PersonId, StringComparer.Ordinal));

        // As staff search: by name, by plate (as typed), by unit (each unique here, so none finds someone else).
        foreach (var user in layout.Users.Where((_, i) => i % 11 == 0))
        {
            var byName = await ResidentIndex.Search(grains, Compound, ResidentIndex.Searchable(user.DisplayName.ToLowerInvariant()));
            if (user.Role != UserRole.Resident)
            {
                Assert.Empty(byName);
                continue;
            }

            Assert.Equal(user.UserId, Assert.Single(byName).PersonId);
            var byPlate = await ResidentIndex.Search(grains, Compound, ResidentIndex.Searchable("沪a " + user.Vehicles[0].Plate[2..]));
            Assert.Equal(user.UserId, Assert.Single(byPlate).PersonId);
            var byUnit = await ResidentIndex.Search(grains, Compound, ResidentQuery.Parse(units[user.HouseholdId!], null, null).Value!);
            Assert.Equal(layout.Users.Count(u => u.Role == UserRole.Resident && u.HouseholdId == user.HouseholdId), byUnit.Total);
            Assert.Contains(user.UserId, byUnit.Items.Select(e => e.PersonId));
        }

        // The compound elsewhere heard of the car the import added.
        var there = Assert.Single(await ResidentIndex.Search(grains, Elsewhere, ResidentIndex.Searchable(Plate(both))));
        Assert.Equal((Person(both), "Elsewhere Name", "9-0901"), (there.PersonId, there.DisplayName, there.Unit));

        // The same file again changes no entry, so no bucket is written.
        var again = await new CompoundImporter(grains, NullLogger<CompoundImporter>.Instance).Apply(layout, expectedVersion: null);
        Assert.True(again.IsSuccess, again.Error?.Message);
        var after = Enumerable.Range(0, ResidentIndex.Buckets).Select(b => fixture.Storage.Writes(grains.ResidentBucket(Compound, b).GetGrainId())).ToList();
        var seeded = writes.Select(w => w + 1).ToList(); // the first search seeded every bucket once
        Assert.Equal(seeded, after);
    }
}
