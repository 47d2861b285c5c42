using System.Reflection;
using System.Text.Json;
using Orleans;
using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

/// <summary>The ledger's journal changes only through the ledger: postings append, archiving takes whole chunks from the front.</summary>
public class LedgerJournalTests
{
    private static CreditLedger WithBookings(int count)
    {
        var ledger = new CreditLedger();
        for (var i = 0; i < count; i++)
        {
            ledger.Charge(Reservation.NewId("G1-007", Guid.NewGuid()), Accounts.Household("H1"), Accounts.Compound, 1, SpaceCalendarTests.Hours(1, 2), 100, SharingPlanTests.Now);
        }

        return ledger;
    }

    [Fact]
    public void The_oldest_transactions_leave_the_journal_as_numbered_chunks()
    {
        var ledger = WithBookings(4); // a grant and four bookings
        Assert.Null(ledger.NextChunk(6));

        var first = ledger.NextChunk(2)!;
        ledger.Archived(first);
        var second = ledger.NextChunk(2)!;
        ledger.Archived(second);

        Assert.Equal((0, 1L), (first.Number, first.Transactions[0].Id));
        Assert.Equal((1, 3L), (second.Number, second.Transactions[0].Id));
        Assert.Equal(2, ledger.ArchivedChunks);
        Assert.Equal([5L], ledger.Journal.Select(t => t.Id));
        Assert.Equal(96, ledger.BalanceOf(Accounts.Household("H1")));
    }

    [Fact]
    public void A_chunk_that_is_not_the_next_is_refused_and_changes_nothing()
    {
        var ledger = WithBookings(3);
        var chunk = ledger.NextChunk(2)!;
        ledger.Archived(chunk);

        Assert.Throws<InvalidOperationException>(() => ledger.Archived(chunk));
        Assert.Throws<InvalidOperationException>(() => ledger.Archived(chunk with { Number = 1 }));
        Assert.Equal(1, ledger.ArchivedChunks);
        Assert.Equal(2, ledger.Journal.Count);
    }

    [Fact]
    public void Transactions_posted_while_a_chunk_is_stored_stay_in_the_journal()
    {
        var ledger = WithBookings(1);
        var chunk = ledger.NextChunk(2)!;
        ledger.Charge(Reservation.NewId("G1-008", Guid.NewGuid()), Accounts.Household("H1"), Accounts.Compound, 1, SpaceCalendarTests.Hours(1, 2), 100, SharingPlanTests.Now);

        ledger.Archived(chunk);

        Assert.Equal([3L], ledger.Journal.Select(t => t.Id));
    }

    [Fact]
    public void Forgetting_the_journal_keeps_balances_and_charges()
    {
        var ledger = WithBookings(2);

        ledger.ForgetJournal();

        Assert.Empty(ledger.Journal);
        Assert.Equal(98, ledger.BalanceOf(Accounts.Household("H1")));
        Assert.Equal(2, ledger.Charges.Count);
        Assert.Equal(0, ledger.Total);
    }

    [Fact]
    public void The_journal_and_balances_cannot_be_changed_from_outside()
    {
        var ledger = WithBookings(1);

        Assert.False(ledger.Journal is List<LedgerTransaction>);
        Assert.False(ledger.Balances is Dictionary<string, long>);
        Assert.False(ledger.Charges is Dictionary<string, BookingCharge>);
        Assert.DoesNotContain(typeof(CreditLedger).GetProperties(), p => p.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter));
    }

    [Fact]
    public void A_copy_holds_every_stored_field_in_collections_of_its_own()
    {
        var ledger = WithBookings(3);
        ledger.Archived(ledger.NextChunk(2)!);
        ledger.Refund(ledger.Charges.Keys.First(), SharingPlanTests.Now);

        var copy = ledger.Copy();

        var stored = typeof(CreditLedger).GetFields(BindingFlags.NonPublic | BindingFlags.Instance).Where(f => f.GetCustomAttribute<IdAttribute>() is not null).ToList();
        Assert.Equal(6, stored.Count);
        foreach (var field in stored)
        {
            var original = field.GetValue(ledger);
            var copied = field.GetValue(copy);
            Assert.True(JsonSerializer.Serialize(original) == JsonSerializer.Serialize(copied), $"{field.Name} is not copied");
            if (original is System.Collections.IEnumerable)
            {
                Assert.False(ReferenceEquals(original, copied), $"{field.Name} is shared with the copy");
            }
        }
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
}
