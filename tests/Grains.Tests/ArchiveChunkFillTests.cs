using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Parking.Domain.Residents;
using Parking.Grains.History;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// Owners archive a few finished reservations or transactions at a time (to keep their own writes small), but each
/// archive chunk takes several such batches before a new chunk grain is started: fewer chunk grains to activate and
/// store, and still every item archived once and readable.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ArchiveChunkFillTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_space_and_a_resident_fill_each_archive_chunk_before_starting_a_new_one()
    {
        const string residentId = "r00070";
        const int cycles = 150;
        var compound = fixture.CompoundId;
        var space = fixture.Layout.Lots.Single(l => l.LotId == "T1").Spaces[9];
        var resident = _grains.Resident(compound, residentId);
        var driver = new Actor(residentId, IsStaff: false);
        var origin = ClusterFixture.Clock.GetUtcNow().AddDays(9);
        var made = new List<string>();
        for (var i = 0; i < cycles; i++)
        {
            var start = origin.AddMinutes(30 * i);
            var booked = await resident.Reserve(space.SpaceId, new TimeWindow(start, start.AddMinutes(30)), null, null);
            Assert.True(booked.IsSuccess, booked.Error?.Message);
            made.Add(booked.Value!.Reservation.Id);
            Assert.True((await _grains.Space(compound, space.SpaceId).Cancel(booked.Value.Reservation.Id, driver)).IsSuccess);
        }

        // The space: every finished reservation either hot in its calendar or in exactly one chunk, chunks filled up.
        var spaceIndex = await Stored<ArchiveIndex>("space-archive", _grains.Space(compound, space.SpaceId).GetGrainId());
        var spaceChunks = await Chunks(spaceIndex, n => _grains.OfSpace(compound, space.SpaceId, n));
        var calendar = await Stored<SpaceCalendar>("space", _grains.Space(compound, space.SpaceId).GetGrainId());
        var spaceArchived = spaceChunks.SelectMany(c => c).Select(r => r.Id).ToList();
        Assert.Equal(
            made.Order(StringComparer.Ordinal),
            spaceChunks.SelectMany(c => c).Concat(calendar.Reservations).Where(r => r.ResidentId == residentId).Select(r => r.Id).Order(StringComparer.Ordinal));
        AssertFilled(spaceIndex, spaceChunks, spaceArchived.Count);

        // The resident: the same for its list.
        var state = await Stored<ResidentState>("resident", resident.GetGrainId());
        var residentChunks = await Chunks(state.Archive, n => _grains.OfResident(compound, residentId, n));
        var residentArchived = residentChunks.SelectMany(c => c).Select(r => r.Id).ToList();
        Assert.Equal(residentArchived.Count, residentArchived.Distinct(StringComparer.Ordinal).Count());
        Assert.Subset(made.ToHashSet(StringComparer.Ordinal), residentArchived.ToHashSet(StringComparer.Ordinal));
        AssertFilled(state.Archive, residentChunks, residentArchived.Count);

        // And the oldest, in the first chunk, still answers.
        Assert.Equal(ReservationStatus.Cancelled, (await _grains.Space(compound, space.SpaceId).GetReservation(made[0], driver)).Value?.Status);
        Assert.Contains(await resident.GetReservations(), r => r.Id == made[0]);
    }

    [Fact]
    public async Task A_household_ledger_fills_each_archive_chunk_before_starting_a_new_one()
    {
        const string compound = "archive-fill";
        const int cycles = 150;
        var ledger = _grains.HouseholdLedger(compound, "h1");
        var window = new TimeWindow(ClusterFixture.Clock.GetUtcNow().AddDays(3), ClusterFixture.Clock.GetUtcNow().AddDays(3).AddHours(1));
        for (var i = 0; i < cycles; i++)
        {
            Assert.True((await ledger.Charge($"B1-001.f{i}", Accounts.Compound, 1, window, LedgerKind.Booking)).IsSuccess);
            Assert.NotNull(await ledger.Refund($"B1-001.f{i}"));
        }

        var stored = await Stored<HouseholdLedgerSnapshot>("household-ledger", ledger.GetGrainId());
        var chunks = await Task.WhenAll(Enumerable.Range(0, stored.ArchivedChunks)
            .Select(n => _grains.LedgerArchive(compound, Accounts.Household("h1"), n).Get()));
        var archived = chunks.SelectMany(c => c).Select(t => t.Id).ToList();

        // The grant and two transactions a cycle: each archived once, in order, the rest hot.
        Assert.Equal(Enumerable.Range(1, 1 + (2 * cycles)).Select(id => (long)id), archived.Concat(stored.Journal.Select(t => t.Id)));
        Assert.All(chunks, c => Assert.InRange(c.Count, 1, HouseholdLedger.ArchiveChunkCapacity));
        Assert.Equal(Chunks(archived.Count, HouseholdLedger.ArchiveChunkCapacity), stored.ArchivedChunks);
        Assert.InRange(stored.ArchivedChunks, 1, archived.Count / HouseholdLedger.ArchiveChunk / 2);
        Assert.Equal(1 + (2 * cycles), (await ledger.GetAccount(500)).Transactions.Count);
    }

    [Fact]
    public async Task A_chunk_takes_items_up_to_its_capacity_and_holds_an_item_added_twice_once()
    {
        var chunk = _grains.LedgerArchive("archive-fill", "append-test", 0);
        LedgerTransaction[] first = [.. Enumerable.Range(1, 3).Select(Transaction)];
        LedgerTransaction[] second = [.. Enumerable.Range(4, 3).Select(Transaction)];

        Assert.True(await chunk.Append(first, capacity: 6));
        Assert.True(await chunk.Append(first, capacity: 6));
        Assert.Equal(first, await chunk.Get());
        Assert.True(await chunk.Append(second, capacity: 6));
        Assert.False(await chunk.Append([Transaction(7)], capacity: 6));
        Assert.Equal(first.Concat(second), await chunk.Get());

        // Another household's transaction with the same number is another transaction.
        Assert.True(await chunk.Append([Transaction(1) with { DecidedBy = Accounts.Household("h2") }], capacity: 7));
        Assert.Equal(7, (await chunk.Get()).Count);

        // An empty chunk takes a batch larger than the capacity whole (a chunk of an earlier, larger size).
        var empty = _grains.LedgerArchive("archive-fill", "append-test", 1);
        Assert.True(await empty.Append(first.Concat(second).ToList(), capacity: 2));
        Assert.Equal(6, (await empty.Get()).Count);
    }

    private static LedgerTransaction Transaction(int id) =>
        new(id, ClusterFixture.Clock.GetUtcNow(), LedgerKind.Booking, Accounts.Household("h1"), Accounts.Compound, 1, $"r{id}", Accounts.Household("h1"));

    private static int Chunks(int items, int capacity) => (items + capacity - 1) / capacity;

    /// <summary>Every chunk but the newest is full, none above capacity, the index's newest end matches each chunk.</summary>
    private static void AssertFilled(ArchiveIndex index, IReadOnlyList<Reservation>[] chunks, int archived)
    {
        Assert.True(archived > FinishedReservations.ChunkCapacity, $"only {archived} archived");
        Assert.Equal(Chunks(archived, FinishedReservations.ChunkCapacity), index.Chunks.Count);

        // At most half as many chunk grains as archivings (each archiving started its own before).
        Assert.InRange(index.Chunks.Count, 1, archived / FinishedReservations.ChunkSize / 2);
        Assert.All(chunks[..^1], c => Assert.Equal(FinishedReservations.ChunkCapacity, c.Count));
        Assert.All(index.Chunks.Zip(chunks), p => Assert.Equal(p.Second.Max(FinishedReservations.EndedAt), p.First.NewestEnded));
    }

    private static Task<IReadOnlyList<Reservation>[]> Chunks(ArchiveIndex index, Func<int, IReservationArchiveGrain> chunk) =>
        Task.WhenAll(index.Chunks.OrderBy(c => c.Number).Select(c => chunk(c.Number).Get()));

    private async Task<T> Stored<T>(string stateName, GrainId grainId)
        where T : new()
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var storage = silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
        var state = new GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grainId, state);
        return state.State!;
    }
}
