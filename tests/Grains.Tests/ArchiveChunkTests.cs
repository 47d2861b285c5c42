using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
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
/// Owners archive a few finished reservations or transactions at a time (to keep their own writes small), and each
/// batch is stored as a chunk of its own: an archiving writes only what it moves out, never a chunk that grows with
/// earlier batches. Every item is archived once and stays readable, and so are chunks an earlier build filled with
/// several batches.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ArchiveChunkTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_space_and_a_resident_store_each_archived_batch_as_a_chunk_of_its_own()
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

        // The space: every finished reservation either hot in its calendar or in exactly one chunk, each chunk one batch.
        var spaceIndex = await Stored<ArchiveIndex>("space-archive", _grains.Space(compound, space.SpaceId).GetGrainId());
        var spaceChunks = await Chunks(spaceIndex, n => _grains.OfSpace(compound, space.SpaceId, n));
        // The whole calendar stored last, with the changes stored apart since (as a new activation reads it).
        var calendar = await Stored<SpaceCalendar>("space", _grains.Space(compound, space.SpaceId).GetGrainId());
        calendar.Replay(await Stored<RecentCalendarChanges>("space-recent", _grains.Space(compound, space.SpaceId).GetGrainId()));
        var spaceArchived = spaceChunks.SelectMany(c => c).Select(r => r.Id).ToList();
        Assert.Equal(
            made.Order(StringComparer.Ordinal),
            spaceChunks.SelectMany(c => c).Concat(calendar.Reservations).Where(r => r.ResidentId == residentId).Select(r => r.Id).Order(StringComparer.Ordinal));
        AssertOneBatchEach(spaceIndex, spaceChunks, spaceArchived.Count);

        // The resident: the same for its list.
        var residentIndex = await Stored<ArchiveIndex>("resident-archive", resident.GetGrainId());
        var residentChunks = await Chunks(residentIndex, n => _grains.OfResident(compound, residentId, n));
        var residentArchived = residentChunks.SelectMany(c => c).Select(r => r.Id).ToList();
        Assert.Equal(residentArchived.Count, residentArchived.Distinct(StringComparer.Ordinal).Count());
        Assert.Subset(made.ToHashSet(StringComparer.Ordinal), residentArchived.ToHashSet(StringComparer.Ordinal));
        AssertOneBatchEach(residentIndex, residentChunks, residentArchived.Count);

        // And the oldest, in the first chunk, still answers.
        Assert.Equal(ReservationStatus.Cancelled, (await _grains.Space(compound, space.SpaceId).GetReservation(made[0], driver)).Value?.Status);
        Assert.Contains(await resident.GetReservations(), r => r.Id == made[0]);
    }

    [Fact]
    public async Task A_household_ledger_stores_each_archived_batch_as_a_chunk_of_its_own()
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

        // The whole ledger stored last, with the changes stored apart since (as a new activation reads it).
        var read = HouseholdLedger.Restore(await Stored<HouseholdLedgerSnapshot>("household-ledger", ledger.GetGrainId()));
        read.Replay(await Stored<RecentLedgerChanges>("household-ledger-recent", ledger.GetGrainId()));
        var stored = read.Snapshot();
        var chunks = await Task.WhenAll(Enumerable.Range(0, stored.ArchivedChunks)
            .Select(n => _grains.LedgerArchive(compound, Accounts.Household("h1"), n).Get()));
        var archived = chunks.SelectMany(c => c).Select(t => t.Id).ToList();

        // The grant and two transactions a cycle: each archived once, in order, the rest hot.
        Assert.Equal(Enumerable.Range(1, 1 + (2 * cycles)).Select(id => (long)id), archived.Concat(stored.Journal.Select(t => t.Id)));
        Assert.InRange(stored.ArchivedChunks, 2, int.MaxValue);
        Assert.All(chunks, c => Assert.Equal(HouseholdLedger.ArchiveChunk, c.Count));
        Assert.Equal(archived.Count / HouseholdLedger.ArchiveChunk, stored.ArchivedChunks);
        Assert.Equal(1 + (2 * cycles), (await ledger.GetAccount(500)).Transactions.Count);
    }

    [Fact]
    public async Task A_chunk_an_earlier_build_filled_with_several_batches_is_read_and_left_as_it_is()
    {
        var compound = fixture.CompoundId;
        const string spaceId = "archive-earlier";
        var origin = ClusterFixture.Clock.GetUtcNow().AddDays(-3);
        var earlier = Enumerable.Range(0, 40).Select(i => Finished($"earlier-{i}", origin.AddMinutes(30 * i))).ToList();
        var chunk0 = _grains.OfSpace(compound, spaceId, 0);
        await chunk0.Store(earlier);
        var index = new ArchiveIndex([new ArchivedChunk(0, earlier.Max(FinishedReservations.EndedAt))], next: 1);

        var batch = Enumerable.Range(0, FinishedReservations.ChunkSize).Select(i => Finished($"later-{i}", origin.AddDays(1).AddMinutes(30 * i))).ToList();
        await ReservationArchive.Archive(index, n => _grains.OfSpace(compound, spaceId, n), batch);

        Assert.Equal(earlier.Select(r => r.Id), (await chunk0.Get()).Select(r => r.Id));
        Assert.Equal(batch.Select(r => r.Id), (await _grains.OfSpace(compound, spaceId, 1).Get()).Select(r => r.Id));
        Assert.Equal([0, 1], index.Chunks.Select(c => c.Number));
        Assert.Equal(2, index.Next);
        Assert.Equal("earlier-7", (await ReservationArchive.Find(index.Chunks, n => _grains.OfSpace(compound, spaceId, n), "earlier-7"))?.Id);
        Assert.Equal("later-3", (await ReservationArchive.Find(index.Chunks, n => _grains.OfSpace(compound, spaceId, n), "later-3"))?.Id);
    }

    [Fact]
    public async Task A_stored_chunk_leaves_memory_and_still_answers_from_storage()
    {
        // Chunks are stored on the owners' write paths and read rarely: one that stayed active would hold its items in
        // memory for the collection age (minutes), thousands of chunks under a steady flow of bookings.
        var compound = fixture.CompoundId;
        var origin = ClusterFixture.Clock.GetUtcNow().AddDays(-2);
        var reservations = Enumerable.Range(0, 5).Select(i => Finished($"leaves-{i}", origin.AddMinutes(30 * i))).ToList();
        var spaceChunk = _grains.OfSpace(compound, "archive-leaves", 0);
        var ledgerChunk = _grains.LedgerArchive(compound, "h-archive-leaves", 0);

        await spaceChunk.Store(reservations);
        await ledgerChunk.Store([Transaction(1), Transaction(2)]);

        Assert.True(await Deactivated(spaceChunk.GetGrainId()), "the reservation chunk is still active after it was stored");
        Assert.True(await Deactivated(ledgerChunk.GetGrainId()), "the ledger chunk is still active after it was stored");
        Assert.Equal(reservations.Select(r => r.Id), (await spaceChunk.Get()).Select(r => r.Id));
        Assert.Equal([1L, 2L], (await ledgerChunk.Get()).Select(t => t.Id));
    }

    /// <summary>Whether the grain's activation is gone from every silo, asked again for up to 10 s (deactivation follows the call).</summary>
    private async Task<bool> Deactivated(GrainId grain)
    {
        var management = _grains.GetGrain<IManagementGrain>(0);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (!(await management.GetDetailedGrainStatistics()).Any(s => s.GrainId == grain))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static Reservation Finished(string id, DateTimeOffset start) =>
        new(id, "archive-earlier", "T1", "archive-earlier", "r00001", null, new TimeWindow(start, start.AddMinutes(30)), ReservationStatus.Cancelled, start.AddMinutes(-30), null, start, 2);

    private static LedgerTransaction Transaction(int id) =>
        new(id, ClusterFixture.Clock.GetUtcNow(), LedgerKind.Booking, Accounts.Household("h1"), Accounts.Compound, 1, $"r{id}", Accounts.Household("h1"));

    [Fact]
    public async Task A_resident_index_stored_inside_the_list_by_an_earlier_build_moves_to_its_own_state_and_still_answers()
    {
        const string residentId = "r00072";
        var compound = fixture.CompoundId;
        var space = fixture.Layout.Lots.Single(l => l.LotId == "T1").Spaces[7];
        var resident = _grains.Resident(compound, residentId);
        var origin = ClusterFixture.Clock.GetUtcNow().AddDays(11);
        var made = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var start = origin.AddMinutes(30 * i);
            var booked = await resident.Reserve(space.SpaceId, new TimeWindow(start, start.AddMinutes(30)), null, null);
            Assert.True(booked.IsSuccess, booked.Error?.Message);
            made.Add(booked.Value!.Reservation.Id);
            Assert.True((await _grains.Space(compound, space.SpaceId).Cancel(booked.Value.Reservation.Id, new Actor(residentId, IsStaff: false))).IsSuccess);
        }

        var first = (await resident.GetReservations()).Single(r => r.Id == made[0]);
        Assert.Equal(ReservationStatus.Cancelled, first.Status);
        await resident.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // What an earlier build stored: the first reservation in archive chunk 0, and the index of chunks in the list.
        await _grains.OfResident(compound, residentId, 0).Store([first]);
        var storage = Storage();
        var stored = new GrainState<ResidentState>(new ResidentState());
        await storage.ReadStateAsync("resident", resident.GetGrainId(), stored);
        var list = (List<Reservation>)typeof(ResidentState).GetField("_reservations", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(stored.State)!;
        list.RemoveAll(r => r.Id == made[0]);
        typeof(ResidentState).GetProperty(nameof(ResidentState.EarlierArchive))!
            .SetValue(stored.State, new ArchiveIndex([new ArchivedChunk(0, FinishedReservations.EndedAt(first))], next: 1));
        await storage.WriteStateAsync("resident", resident.GetGrainId(), stored);

        // Read by this build: the archived one is still listed, and the index now lives apart from the list.
        Assert.Equal(made.Order(StringComparer.Ordinal), (await resident.GetReservations()).Where(r => made.Contains(r.Id)).Select(r => r.Id).Order(StringComparer.Ordinal));
        var index = await Stored<ArchiveIndex>("resident-archive", resident.GetGrainId());
        Assert.Equal(0, Assert.Single(index.Chunks).Number);
        Assert.Equal(1, index.Next);
        Assert.Empty((await Stored<ResidentState>("resident", resident.GetGrainId())).EarlierArchive.Chunks);
        Assert.DoesNotContain((await Stored<ResidentState>("resident", resident.GetGrainId())).Reservations, r => r.Id == made[0]);
    }

    /// <summary>Each chunk holds exactly the one batch it was stored with, and the index's newest end matches each chunk.</summary>
    private static void AssertOneBatchEach(ArchiveIndex index, IReadOnlyList<Reservation>[] chunks, int archived)
    {
        Assert.True(archived >= 4 * FinishedReservations.ChunkSize, $"only {archived} archived");
        Assert.Equal(archived / FinishedReservations.ChunkSize, index.Chunks.Count);
        Assert.All(chunks, c => Assert.Equal(FinishedReservations.ChunkSize, c.Count));
        Assert.All(index.Chunks.Zip(chunks), p => Assert.Equal(p.Second.Max(FinishedReservations.EndedAt), p.First.NewestEnded));
    }

    private static Task<IReadOnlyList<Reservation>[]> Chunks(ArchiveIndex index, Func<int, IReservationArchiveGrain> chunk) =>
        Task.WhenAll(index.Chunks.OrderBy(c => c.Number).Select(c => chunk(c.Number).Get()));

    private async Task<T> Stored<T>(string stateName, GrainId grainId)
        where T : new()
    {
        var state = new GrainState<T>(new T());
        await Storage().ReadStateAsync(stateName, grainId, state);
        return state.State!;
    }

    private IGrainStorage Storage() =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
}
