using Orleans.Core.Internal;
using Parking.Domain;
using Parking.Domain.Credits;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Grains.Tests.Credits;

/// <summary>
/// A charge stores what it changed on the household's ledger (its transaction, its charge, its legs, with the few
/// changed since the ledger was last stored whole), not the whole ledger; a new activation reads every credit back.
/// Bytes are counted by the storage the write-failure cluster writes through, for this one household's ledger only.
/// </summary>
[Collection(WriteFailureCollection.Name)]
public class LedgerWriteSizeTests(WriteFailureFixture fixture, ITestOutputHelper output)
{
    private const int Cycles = 60;

    [Fact]
    public async Task A_charge_writes_a_small_part_of_a_long_ledger_and_a_new_activation_reads_every_credit_back()
    {
        var ledger = fixture.Grains.HouseholdLedger("ledger-write-size", "h1");
        var grainId = ledger.GetGrainId();
        var origin = WriteFailureFixture.Clock.GetUtcNow().AddDays(3);
        var written = new List<long>();
        for (var i = 0; i < Cycles; i++)
        {
            // Bookings held (not refunded), so the ledger keeps a charge for each: it grows with the household's history.
            var window = new TimeWindow(origin.AddMinutes(30 * i), origin.AddMinutes((30 * i) + 30));
            var before = fixture.Storage.BytesWritten(grainId);
            var charged = await ledger.Charge($"B1-00{i % 5}.w{i}", Accounts.Compound, 1, window, LedgerKind.Booking);
            Assert.True(charged.IsSuccess, charged.Error?.Message);
            written.Add(fixture.Storage.BytesWritten(grainId) - before);
        }

        var whole = fixture.Storage.SizeOf(await Read(grainId));
        var late = written.Skip(Cycles / 2).ToList();
        output.WriteLine($"whole ledger after {Cycles} charges: {whole} bytes; written per charge, charges {(Cycles / 2) + 1}-{Cycles}: mean {late.Average():0} bytes, largest {late.Max()}");
        Assert.All(written, w => Assert.True(w > 0, "every charge is stored"));

        // Stored whole, each charge would write the whole ledger (every held charge and the hot journal); what changed, a small part.
        Assert.InRange(late.Average(), 0, whole / 3.0);

        var account = await ledger.GetAccount(500);
        await ledger.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var reread = await ledger.GetAccount(500);
        Assert.Equal(new CreditPolicy().Grant - Cycles, reread.Balance);
        Assert.Equal(account.Transactions.Select(t => t.Id), reread.Transactions.Select(t => t.Id));
        Assert.Equal(Cycles + 1, reread.Transactions.Count);
    }

    /// <summary>The ledger as a new activation reads it: the whole ledger stored last, then the changes stored since.</summary>
    private async Task<HouseholdLedgerSnapshot> Read(Orleans.Runtime.GrainId grainId)
    {
        var ledger = HouseholdLedger.Restore(await fixture.Storage.ReadStored<HouseholdLedgerSnapshot>("household-ledger", grainId));
        ledger.Replay(await fixture.Storage.ReadStoredOrNew<RecentLedgerChanges>("household-ledger-recent", grainId));
        return ledger.Snapshot();
    }
}
