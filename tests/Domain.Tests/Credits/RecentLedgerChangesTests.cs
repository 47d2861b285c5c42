using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parking.Domain.Credits;
using Xunit;

namespace Parking.Domain.Tests.Credits;

/// <summary>
/// A household's ledger stores what a charge changed, not itself whole: read back from the whole ledger stored last and
/// the changes stored since, it equals the ledger written whole, and what it stores stays bounded however many bookings
/// it has made.
/// </summary>
public class RecentLedgerChangesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeWindow Window = new(Now.AddDays(1), Now.AddDays(1).AddHours(1));
    private const long Grant = 100;

    private static readonly string Me = Accounts.Household("H1");
    private static readonly string Neighbour = Accounts.Household("H2");

    [Property(MaxTest = 200)]
    public Property A_ledger_read_from_its_changes_equals_the_one_written_whole() =>
        Prop.ForAll(Operations().ListOf().Select(l => l.ToArray()).ToArbitrary(), operations =>
        {
            var ledger = HouseholdLedger.Empty(Me);
            var storage = new LedgerStorage(ledger);
            var received = 0L;
            foreach (var (kind, n) in operations)
            {
                Apply(ledger, kind, n, ref received);

                // Checks the ledger read back against the one in memory.
                storage.Store(ledger);
            }

            LedgerStorage.AssertSame(ledger.Snapshot(), storage.Read().Snapshot());
        });

    [Fact]
    public void A_booking_stores_its_transaction_and_the_entries_it_touched_not_the_whole_ledger()
    {
        var ledger = HouseholdLedger.Empty(Me);
        var storage = new LedgerStorage(ledger);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(ledger.Charge($"G1-001.b{i}", Accounts.Compound, 1, Window, Grant, Now).IsSuccess);
            storage.Store(ledger);
            ledger.Confirmed(Accounts.Compound, ledger.NextId);
            storage.Store(ledger);
        }

        // Since the whole (empty) ledger: the grant and three bookings, their charges; their legs came and went.
        Assert.Equal(0, storage.WholeWrites);
        var recent = Assert.IsType<RecentLedgerChanges>(storage.Recent);
        Assert.Equal(["G1-001.b0", "G1-001.b1", "G1-001.b2"], recent.Journal.Skip(1).Select(t => t.Reference));
        Assert.Equal(3, recent.Charges.Count);
        Assert.Empty(recent.OutboxJoined);
        Assert.Equal(Grant - 3, recent.Balance);

        // Past MaxChanges, the ledger is stored whole once, and the changes start again from it.
        for (var i = 3; i < 3 + (RecentLedgerChanges.MaxChanges / 2); i++)
        {
            Assert.True(ledger.Charge($"G1-001.b{i}", Accounts.Compound, 1, Window, Grant, Now).IsSuccess);
            storage.Store(ledger);
            ledger.Confirmed(Accounts.Compound, ledger.NextId);
            storage.Store(ledger);
        }

        Assert.Equal(1, storage.WholeWrites);
        recent = Assert.IsType<RecentLedgerChanges>(storage.Recent);
        Assert.Equal($"G1-001.b{2 + (RecentLedgerChanges.MaxChanges / 2)}", recent.Journal[^1].Reference);
        Assert.InRange(recent.Journal.Count, 1, RecentLedgerChanges.MaxChanges / 2);
        Assert.True(storage.ChangeWrites > 8 * storage.WholeWrites);
    }

    [Fact]
    public void Finding_a_bookings_changes_costs_no_more_with_many_legs_in_transit_than_with_few()
    {
        // What ChangesTo allocates for one more booking, over a ledger stored whole with some legs still in its outbox.
        static long Allocated(int legs)
        {
            var ledger = HouseholdLedger.Empty(Me);
            for (var i = 0; i < legs; i++)
            {
                Assert.True(ledger.Charge($"G1-001.t{i}", Accounts.Compound, 1, Window, Grant, Now).IsSuccess);
            }

            ledger.StoringWhole();
            var stored = StoredLedger.Of(ledger.Snapshot());
            Assert.True(ledger.Charge("G1-001.next", Accounts.Compound, 1, Window, Grant, Now).IsSuccess);
            Assert.NotNull(stored.ChangesTo(ledger));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var changes = stored.ChangesTo(ledger);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(["G1-001.next"], changes!.Journal.Select(t => t.Reference));
            Assert.Single(changes.OutboxJoined);
            return allocated;
        }

        var few = Allocated(5);
        var many = Allocated(65);

        // Sixty legs more: the same few lists and dictionaries of the one booking's changes. Each leg's key was made
        // again on every call before (a string per leg: 2,880 bytes more here).
        Assert.InRange(many - few, -256, 256);
    }

    [Fact]
    public void Changes_made_from_an_earlier_whole_ledger_are_stale_and_change_nothing()
    {
        var ledger = HouseholdLedger.Empty(Me);
        var storage = new LedgerStorage(ledger);
        ledger.Charge("G1-001.a", Accounts.Compound, 1, Window, Grant, Now);
        storage.Store(ledger);
        ledger.Charge("G1-001.b", Accounts.Compound, 1, Window, Grant, Now);
        storage.Store(ledger);
        var stale = Assert.IsType<RecentLedgerChanges>(storage.Recent);

        ledger.StoringWhole();
        var whole = HouseholdLedger.Restore(ledger.Snapshot());
        Assert.False(whole.Replay(stale));
        LedgerStorage.AssertSame(ledger.Snapshot(), whole.Snapshot());
    }

    [Fact]
    public void What_a_household_stores_stays_bounded_as_its_bookings_accumulate()
    {
        var ledger = HouseholdLedger.Empty(Me);
        var storage = new LedgerStorage(ledger);
        var largest = new List<int>();
        for (var i = 0; i < 600; i++)
        {
            var id = $"G1-{i % 7:000}.b{i}";
            Assert.True(ledger.Charge(id, Accounts.Compound, 1, Window, Grant, Now).IsSuccess);
            StoreAsTheGrainDoes(ledger, storage);
            Assert.NotNull(ledger.Refund(id, Now));
            StoreAsTheGrainDoes(ledger, storage);
            if (i % 3 == 0)
            {
                ledger.Receive(Neighbour, [new LedgerTransaction(i + 1, Now, LedgerKind.Booking, Neighbour, Me, 1, $"G1-100.n{i}", Neighbour)]);
                StoreAsTheGrainDoes(ledger, storage);
            }

            // Legs are confirmed as the settlement answers.
            ledger.Confirmed(Accounts.Compound, ledger.NextId);
            StoreAsTheGrainDoes(ledger, storage);

            var whole = storage.Whole;
            largest.Add(whole.Journal.Count + whole.Charges.Count + whole.Outbox.Count + whole.EarnedBySpace.Count
                + (storage.Recent is { } r ? r.Journal.Count + r.Charges.Count + r.OutboxJoined.Count + r.EarnedBySpace.Count : 0));
        }

        // The hot journal holds fewer than JournalKept transactions; the charges are pruned with it; the changes apart are few.
        Assert.InRange(storage.Whole.Journal.Count, 1, HouseholdLedger.JournalKept - 1);
        Assert.InRange(storage.Recent?.Journal.Count ?? 0, 0, RecentLedgerChanges.MaxChanges);
        Assert.True(storage.ChangeWrites > 4 * storage.WholeWrites, $"{storage.ChangeWrites} change writes, {storage.WholeWrites} whole");

        // Entries stored for the last hundred bookings are no more than for the hundred after the first.
        Assert.True(largest.Skip(500).Max() <= largest.Skip(100).Take(100).Max(), $"{largest.Skip(500).Max()} > {largest.Skip(100).Take(100).Max()}");
    }

    /// <summary>The grain's write: the journal's oldest chunk archived (charges that can no longer be refunded pruned), then stored.</summary>
    private static void StoreAsTheGrainDoes(HouseholdLedger ledger, LedgerStorage storage)
    {
        if (ledger.ChunkToArchive() is { } chunk)
        {
            ledger.Archived(chunk.Count, Now.AddDays(-2));
        }

        storage.Store(ledger);
    }

    private static Gen<(int Kind, int N)> Operations() =>
        from kind in Gen.Choose(0, 6)
        from n in Gen.Choose(0, 9)
        select (kind, n);

    private static void Apply(HouseholdLedger ledger, int kind, int n, ref long received)
    {
        switch (kind)
        {
            case 0:
            case 1:
                ledger.Charge($"G1-00{n}.r{n}", n % 2 == 0 ? Accounts.Compound : Neighbour, n, Window, Grant, Now);
                break;
            case 2:
                ledger.Refund($"G1-00{n}.r{n}", Now);
                break;
            case 3:
                ledger.Receive(Neighbour, [new LedgerTransaction(++received, Now, LedgerKind.Booking, Neighbour, Me, n, $"G1-20{n}.x{received}", Neighbour)]);
                break;
            case 4:
                ledger.Confirmed(n % 2 == 0 ? Accounts.Compound : Neighbour, ledger.NextId - n);
                break;
            case 5:
                if (ledger.ChunkToArchive() is { } chunk)
                {
                    ledger.Archived(chunk.Count, Now.AddDays(-2 + n));
                }

                break;
            default:
                ledger.Open(Grant, Now);
                break;
        }
    }
}
