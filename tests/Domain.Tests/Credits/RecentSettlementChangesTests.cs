using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parking.Domain.Credits;
using Xunit;

namespace Parking.Domain.Tests.Credits;

/// <summary>
/// A settlement shard stores what a batch of reports changed, not every household's balance: read back from the whole
/// shard stored last and the changes stored since, it equals the shard written whole, through archiving and take-over.
/// </summary>
public class RecentSettlementChangesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 200)]
    public Property A_shard_read_from_its_changes_equals_the_one_written_whole() =>
        Prop.ForAll(Operations().ListOf().Select(l => l.ToArray()).ToArbitrary(), operations =>
        {
            var settlement = CompoundSettlement.Restore(new CompoundSettlementSnapshot());
            var storage = new SettlementStorage(settlement);
            var next = new Dictionary<string, long>();
            foreach (var (kind, n) in operations)
            {
                Apply(settlement, kind, n, next);

                // Checks the shard read back against the one in memory.
                storage.Store(settlement);
            }

            SettlementStorage.AssertSame(settlement.Snapshot(), storage.Read().Snapshot());
        });

    [Fact]
    public void A_report_stores_the_balance_the_applied_id_and_the_transaction_it_brought_not_the_whole_shard()
    {
        var settlement = CompoundSettlement.Restore(new CompoundSettlementSnapshot());
        for (var h = 0; h < 300; h++)
        {
            Report(settlement, $"H{h}", 1);
        }

        var storage = new SettlementStorage(settlement);
        Assert.Equal(300, storage.Whole.Households.Count);

        Report(settlement, "H7", 2);
        Report(settlement, "H8", 2);
        storage.Store(settlement);

        Assert.Equal(0, storage.WholeWrites);
        var recent = Assert.IsType<RecentSettlementChanges>(storage.Recent);
        Assert.Equal(["H7", "H8"], recent.Households.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new ReportedBalance(98, 2), recent.Households["H7"]);
        Assert.Equal(2, recent.AppliedFrom["H8"]);
        Assert.Equal(["H7.2", "H8.2"], recent.Recent.Select(t => t.Reference));
        Assert.Equal(302, recent.Transactions);

        // Past MaxChanges the shard is stored whole once (here also archiving), and the changes start again from it.
        for (var i = 0; i < RecentSettlementChanges.MaxChanges; i++)
        {
            Report(settlement, $"H{i}", 3);
            StoreAsTheGrainDoes(settlement, storage);
        }

        Assert.InRange(storage.WholeWrites, 1, 4);
        Assert.True(storage.ChangeWrites > 10 * storage.WholeWrites, $"{storage.ChangeWrites} change writes, {storage.WholeWrites} whole");
        Assert.Equal(settlement.Households.Count, storage.Read().Households.Count);
    }

    [Fact]
    public void Changes_made_from_an_earlier_whole_shard_are_stale_and_change_nothing()
    {
        var settlement = CompoundSettlement.Restore(new CompoundSettlementSnapshot());
        var storage = new SettlementStorage(settlement);
        Report(settlement, "H1", 1);
        storage.Store(settlement);
        var stale = Assert.IsType<RecentSettlementChanges>(storage.Recent);

        settlement.StoringWhole();
        var whole = CompoundSettlement.Restore(settlement.Snapshot());
        Assert.False(whole.Replay(stale));
        SettlementStorage.AssertSame(settlement.Snapshot(), whole.Snapshot());
    }

    [Fact]
    public void Archiving_or_taking_over_an_earlier_ledger_stores_the_shard_whole()
    {
        var settlement = CompoundSettlement.Restore(new CompoundSettlementSnapshot());
        var storage = new SettlementStorage(settlement);
        settlement.TakeOver(new Dictionary<string, long> { ["household:H9"] = 40 }, new EarlierCompound(5, 1, [Transaction("H9", 1)]));
        storage.Store(settlement);
        Assert.Equal(1, storage.WholeWrites);

        for (var i = 1; i < CompoundSettlement.RecentHot; i++)
        {
            Report(settlement, "H1", i);
            storage.Store(settlement);
        }

        var before = storage.WholeWrites;
        var chunk = Assert.IsAssignableFrom<IReadOnlyList<LedgerTransaction>>(settlement.ChunkToArchive());
        settlement.Archived(chunk.Count);
        storage.Store(settlement);
        Assert.Equal(before + 1, storage.WholeWrites);
        Assert.Null(storage.Recent);
        Assert.Equal(1, storage.Whole.ArchivedRecent);
    }

    /// <summary>The grain's write: the oldest chunk of the recent list archived first, then stored.</summary>
    private static void StoreAsTheGrainDoes(CompoundSettlement settlement, SettlementStorage storage)
    {
        while (settlement.ChunkToArchive() is { } chunk)
        {
            settlement.Archived(chunk.Count);
        }

        storage.Store(settlement);
    }

    private static LedgerTransaction Transaction(string household, long id) =>
        new(id, Now, LedgerKind.Booking, Accounts.Household(household), Accounts.Compound, 1, $"{household}.{id}", Accounts.Household(household));

    /// <summary>A household's report of its transaction <paramref name="id"/> (a booking paid to the compound) and the balance it left.</summary>
    private static void Report(CompoundSettlement settlement, string household, long id) =>
        settlement.Settle(household, new ReportedBalance(100 - id, id), [Transaction(household, id)]);

    private static Gen<(int Kind, int N)> Operations() =>
        from kind in Gen.Choose(0, 4)
        from n in Gen.Choose(0, 9)
        select (kind, n);

    private static void Apply(CompoundSettlement settlement, int kind, int n, Dictionary<string, long> next)
    {
        var household = $"H{n}";
        switch (kind)
        {
            case 0:
            case 1:
                var id = next[household] = next.GetValueOrDefault(household) + 1;
                Report(settlement, household, id);
                break;
            case 2:
                // A report heard again, or a balance alone: nothing new, or only the balance.
                settlement.Settle(household, new ReportedBalance(n, next.GetValueOrDefault(household)), next.TryGetValue(household, out var last) ? [Transaction(household, last)] : []);
                break;
            case 3:
                if (settlement.ChunkToArchive() is { } chunk)
                {
                    settlement.Archived(chunk.Count);
                }

                break;
            default:
                settlement.TakeOver(new Dictionary<string, long> { [$"household:E{n}"] = n }, n % 2 == 0 ? new EarlierCompound(n, 1, []) : null);
                break;
        }
    }

    /// <summary>
    /// A settlement shard's storage as its grain writes it: the changes since the whole shard was stored while they are
    /// few, else the whole shard. Every store checks that the shard read back equals the one in memory.
    /// </summary>
    private sealed class SettlementStorage
    {
        private CompoundSettlementSnapshot _whole;
        private StoredSettlement _stored;
        private RecentSettlementChanges? _recent;

        public SettlementStorage(CompoundSettlement settlement)
        {
            _whole = settlement.Snapshot();
            _stored = StoredSettlement.Of(_whole);
        }

        public int WholeWrites { get; private set; }

        public int ChangeWrites { get; private set; }

        public RecentSettlementChanges? Recent => _recent?.BaseVersion == _whole.StoredVersion ? _recent : null;

        public CompoundSettlementSnapshot Whole => _whole;

        public void Store(CompoundSettlement settlement)
        {
            if (_stored.ChangesTo(settlement) is { } changes)
            {
                _recent = changes;
                ChangeWrites++;
            }
            else
            {
                settlement.StoringWhole();
                _whole = settlement.Snapshot();
                _stored = StoredSettlement.Of(_whole);
                WholeWrites++;
            }

            AssertSame(settlement.Snapshot(), Read().Snapshot());
        }

        public CompoundSettlement Read()
        {
            var settlement = CompoundSettlement.Restore(_whole);
            if (_recent is not null)
            {
                settlement.Replay(_recent);
            }

            return settlement;
        }

        public static void AssertSame(CompoundSettlementSnapshot expected, CompoundSettlementSnapshot actual)
        {
            Assert.Equal(
                (expected.CompoundBalance, expected.Transactions, expected.Migrated, expected.ArchivedRecent, expected.StoredVersion),
                (actual.CompoundBalance, actual.Transactions, actual.Migrated, actual.ArchivedRecent, actual.StoredVersion));
            Assert.Equal(expected.Recent, actual.Recent);
            Assert.Equal(expected.Households.OrderBy(c => c.Key, StringComparer.Ordinal), actual.Households.OrderBy(c => c.Key, StringComparer.Ordinal));
            Assert.Equal(expected.AppliedFrom.OrderBy(c => c.Key, StringComparer.Ordinal), actual.AppliedFrom.OrderBy(c => c.Key, StringComparer.Ordinal));
        }
    }
}
