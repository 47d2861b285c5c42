using System.Reflection;
using System.Text.Json;
using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

/// <summary>The ledger grain stores the ledger's snapshot; a field the snapshot forgets would be lost on every write.</summary>
public class LedgerCopyTests
{
    [Fact]
    public void A_snapshot_holds_every_stored_property_in_collections_of_its_own()
    {
        var ledger = CreditLedger.Restore(new CreditLedgerSnapshot() with { ArchivedChunks = 3 });
        var booking = Reservation.NewId("G1-007", Guid.NewGuid());
        ledger.Charge(booking, Accounts.Household("H1"), Accounts.Household("H9"), 4, SpaceCalendarTests.Hours(1, 3), 20, SharingPlanTests.Now);
        ledger.Charge(Reservation.NewId("G1-008", Guid.NewGuid()), Accounts.Household("H2"), Accounts.Household("H9"), 6, SpaceCalendarTests.Hours(1, 3), 20, SharingPlanTests.Now);
        ledger.Refund(booking, SharingPlanTests.Now);

        var copy = ledger.Snapshot();
        var restored = CreditLedger.Restore(copy);

        foreach (var property in typeof(CreditLedgerSnapshot).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var original = typeof(CreditLedger).GetProperty(property.Name)!.GetValue(ledger);
            var copied = property.GetValue(copy);
            Assert.True(JsonSerializer.Serialize(original) == JsonSerializer.Serialize(copied), $"{property.Name} is not copied");
            Assert.True(JsonSerializer.Serialize(original) == JsonSerializer.Serialize(typeof(CreditLedger).GetProperty(property.Name)!.GetValue(restored)), $"{property.Name} is not restored");
            if (copied is System.Collections.IEnumerable && copied is not string)
            {
                Assert.False(ReferenceEquals(copied, property.GetValue(ledger.Snapshot())), $"{property.Name} is shared between snapshots");
            }
        }

        ledger.Charge(Reservation.NewId("G1-009", Guid.NewGuid()), Accounts.Household("H3"), Accounts.Household("H9"), 2, SpaceCalendarTests.Hours(1, 3), 20, SharingPlanTests.Now);
        Assert.Equal(copy.Journal.Count, restored.Journal.Count);
        Assert.NotEqual(copy.Journal.Count, ledger.Journal.Count);
    }

    [Fact]
    public void Archiving_moves_the_oldest_transactions_out_of_the_journal_and_counts_the_chunk()
    {
        var ledger = new CreditLedger();
        for (var i = 0; i < 3; i++)
        {
            ledger.Charge(Reservation.NewId("G1-007", Guid.NewGuid()), Accounts.Household("H" + i), Accounts.Compound, 2, SpaceCalendarTests.Hours(1, 3), 20, SharingPlanTests.Now);
        }

        var chunk = ledger.OldestInJournal(4);
        ledger.Archived(chunk.Count, SharingPlanTests.Now.AddDays(1));

        Assert.Equal([1L, 2L, 3L, 4L], chunk.Select(t => t.Id));
        Assert.Equal([5L, 6L], ledger.Journal.Select(t => t.Id));
        Assert.Equal(1, ledger.ArchivedChunks);
        Assert.Empty(ledger.Charges);
        Assert.Equal(0, ledger.Total);
    }
}
