using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Credits;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Grains.Tests.Credits;

/// <summary>
/// The household's ledger keeps its journal of transactions short (older transactions go to archive chunks, from which
/// the statement still reads them, and no credit is lost on the way), and a charge stores only what it changed since the
/// ledger was last stored whole: what storage holds per household stays bounded however many bookings it makes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LedgerHotJournalTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const string Compound = "ledger-hot-journal";
    private const int Cycles = 150;

    /// <summary>The most transactions the ledger may hold hot: fewer than 48 (earlier builds wrote up to 199).</summary>
    private const int MostWritten = 47;

    private static readonly TimeWindow Window = new(ClusterFixture.Clock.GetUtcNow().AddDays(3), ClusterFixture.Clock.GetUtcNow().AddDays(3).AddHours(1));

    [Fact]
    public async Task Many_charges_and_refunds_write_a_short_journal_and_the_statement_still_lists_every_transaction()
    {
        var ledger = fixture.Grains.HouseholdLedger(Compound, "h1");
        var written = new List<(int Journal, int Bytes, int Changes)>();
        for (var i = 0; i < Cycles; i++)
        {
            var charged = await ledger.Charge($"B1-001.r{i}", Accounts.Compound, 1, Window, LedgerKind.Booking);
            Assert.True(charged.IsSuccess, charged.Error?.Message);
            written.Add(await Stored(ledger));
            Assert.NotNull(await ledger.Refund($"B1-001.r{i}"));
            written.Add(await Stored(ledger));

            // The legs owed to the compound leave the state when the compound confirms them, on the ledger's delivery
            // timer; delivered here each cycle, so what is compared below is what archiving and pruning leave, not when
            // the timer happened to fire.
            await ledger.DeliverNow();
        }

        output.WriteLine($"largest stored ledger: {written.Max(w => w.Journal)} transactions, {written.Max(w => w.Bytes)} bytes; last {written[^1].Journal} transactions, {written[^1].Bytes} bytes");
        Assert.All(written, w => Assert.InRange(w.Journal, 1, MostWritten));
        Assert.All(written, w => Assert.InRange(w.Changes, 0, RecentLedgerChanges.MaxChanges));

        // Bounded: the last third of the cycles stores no more than the second third did (archiving and pruning keep up).
        var third = written.Count / 3;
        // (A little slack: the last third's references and ids are a digit longer.)
        Assert.InRange(written.Skip(2 * third).Max(w => w.Bytes), 1, written.Skip(third).Take(third).Max(w => w.Bytes) + 128);

        // The grant, then a charge and its refund per cycle: every one listed, newest first, none twice, from a fresh activation.
        await ledger.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var statement = await ledger.GetAccount(500);
        var expected = 1 + (2 * Cycles);
        Assert.Equal(Enumerable.Range(1, expected).Reverse().Select(id => (long)id), statement.Transactions.Select(t => t.Id));
        Assert.Equal(Cycles, statement.Transactions.Count(t => t.Kind == LedgerKind.Refund));
        Assert.Equal(new CreditPolicy().Grant, statement.Balance);

        // And every credit reached the compound's settlement: the compound got back what it granted, less nothing.
        Assert.Equal(0, await ledger.DeliverNow());
        var summary = await fixture.Grains.LedgerSummary(Compound, 10);
        Assert.Equal(0, summary.Total);
        Assert.Equal(expected, summary.Transactions);
    }

    /// <summary>
    /// The ledger as the storage provider holds it (the whole ledger and the changes stored apart since): its journal's
    /// length as a new activation reads it, the bytes of both in Orleans' binary form, and the entries changed apart.
    /// </summary>
    private async Task<(int Journal, int Bytes, int Changes)> Stored(IHouseholdLedgerGrain ledger)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var storage = silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
        var whole = new GrainState<HouseholdLedgerSnapshot>(new HouseholdLedgerSnapshot());
        await storage.ReadStateAsync("household-ledger", ledger.GetGrainId(), whole);
        var recent = new GrainState<RecentLedgerChanges>(new RecentLedgerChanges());
        await storage.ReadStateAsync("household-ledger-recent", ledger.GetGrainId(), recent);
        var read = HouseholdLedger.Restore(whole.State!);
        var applies = read.Replay(recent.State!);
        var serializer = silo.SiloHost.Services.GetRequiredService<Serializer>();
        var changes = applies ? recent.State!.Journal.Count + recent.State.Charges.Count + recent.State.EarnedBySpace.Count + recent.State.AppliedFrom.Count + recent.State.OutboxJoined.Count + recent.State.OutboxLeft.Count : 0;
        return (read.Journal.Count, serializer.SerializeToArray(whole.State).Length + (applies ? serializer.SerializeToArray(recent.State).Length : 0), changes);
    }
}
