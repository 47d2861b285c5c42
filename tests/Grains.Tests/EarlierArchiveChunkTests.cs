using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Parking.Grains.Credits;
using Parking.Grains.History;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The ledger's and the reservations' archive chunks share one implementation (<see cref="ArchiveChunkGrain{TItem, TState}"/>)
/// but keep their grain types, state names and stored layouts: a chunk an earlier build stored (the bytes of
/// <see cref="EarlierGrainStateLayoutTests"/>, put in storage under the grain's state name) is what the grain
/// serves, and what the grain stores is read back under that name.
/// </summary>
[Collection(WriteFailureCollection.Name)]
public class EarlierArchiveChunkTests(WriteFailureFixture fixture)
{
    // As EarlierGrainStateLayoutTests reads its bytes: the storage serializer with the earlier type names.
    private static readonly StoredStateSerializer Serializer = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Orleans.Serialization.Serializer>());

    private static T Earlier<T>() =>
        Serializer.Deserialize<T>(new BinaryData(Convert.FromBase64String(
            (string)EarlierGrainStateLayoutTests.Stored().Single(row => (string)row[0] == typeof(T).FullName)[2])))!;

    [Fact]
    public async Task A_ledger_chunk_stored_by_an_earlier_build_is_served_and_a_new_one_is_stored_under_the_same_name()
    {
        var earlier = Earlier<LedgerArchiveState>();
        Assert.NotEmpty(earlier.Transactions);
        var chunk = fixture.Grains.LedgerArchive("earlier-archive", "household-H1", 1);
        await fixture.Storage.WriteStored("ledger-archive", chunk.GetGrainId(), earlier);

        Assert.Equal(earlier.Transactions, await chunk.Get());

        var next = fixture.Grains.LedgerArchive("earlier-archive", "household-H1", 2);
        LedgerTransaction[] written = [earlier.Transactions[0] with { Id = 99, Amount = 7 }];
        await next.Store(written);
        Assert.Equal(written, (await fixture.Storage.ReadStored<LedgerArchiveState>("ledger-archive", next.GetGrainId())).Transactions);
    }

    [Fact]
    public async Task A_reservation_chunk_stored_by_an_earlier_build_is_served_rewritten_and_cleared_under_the_same_name()
    {
        var earlier = Earlier<ReservationArchiveState>();
        Assert.NotEmpty(earlier.Reservations);
        var chunk = fixture.Grains.OfSpace("earlier-archive", "G1-001", 1);
        await fixture.Storage.WriteStored("reservation-archive", chunk.GetGrainId(), earlier);

        Assert.Equal(earlier.Reservations.Select(r => (r.Id, r.ResidentId, r.Status)), (await chunk.Get()).Select(r => (r.Id, r.ResidentId, r.Status)));

        // Rewritten as the retention sweep and anonymising do: the whole chunk, under the same state.
        Reservation[] kept = [earlier.Reservations[0] with { ResidentId = "anon-1", Plate = null }];
        await chunk.Store(kept);
        var stored = await fixture.Storage.ReadStored<ReservationArchiveState>("reservation-archive", chunk.GetGrainId());
        Assert.Equal(("anon-1", 1), (stored.Reservations[0].ResidentId, stored.Reservations.Count));

        await chunk.Clear();
        Assert.Empty(await chunk.Get());
    }
}
