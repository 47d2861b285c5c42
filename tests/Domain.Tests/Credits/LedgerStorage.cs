using Parking.Domain.Credits;
using Xunit;

namespace Parking.Domain.Tests.Credits;

/// <summary>
/// A household ledger's storage as its grain writes it: what changed since the whole ledger was stored
/// (<see cref="RecentLedgerChanges"/>) while that is little, else the whole ledger. Every store checks that the ledger
/// read back (whole, then the changes) equals the one in memory, as if it had been written whole.
/// </summary>
internal sealed class LedgerStorage
{
    private HouseholdLedgerSnapshot _whole;
    private StoredLedger _stored;
    private RecentLedgerChanges? _recent;

    public LedgerStorage(HouseholdLedger ledger)
    {
        _whole = ledger.Snapshot();
        _stored = StoredLedger.Of(_whole);
    }

    public int WholeWrites { get; private set; }

    public int ChangeWrites { get; private set; }

    /// <summary>The changes stored apart that apply to the whole ledger stored (none just after a whole write).</summary>
    public RecentLedgerChanges? Recent => _recent?.BaseVersion == _whole.StoredVersion ? _recent : null;

    public HouseholdLedgerSnapshot Whole => _whole;

    public void Store(HouseholdLedger ledger)
    {
        if (_stored.ChangesTo(ledger) is { } changes)
        {
            _recent = changes;
            ChangeWrites++;
        }
        else
        {
            ledger.StoringWhole();
            _whole = ledger.Snapshot();
            _stored = StoredLedger.Of(_whole);
            WholeWrites++;

            // The changes stored before stay in storage, stale: reading must ignore them.
        }

        AssertSame(ledger.Snapshot(), Read().Snapshot());
    }

    public HouseholdLedger Read()
    {
        var ledger = HouseholdLedger.Restore(_whole);
        if (_recent is not null)
        {
            ledger.Replay(_recent);
        }

        return ledger;
    }

    public static void AssertSame(HouseholdLedgerSnapshot expected, HouseholdLedgerSnapshot actual)
    {
        Assert.Equal(
            (expected.Account, expected.Opened, expected.Balance, expected.NextId, expected.ArchivedChunks, expected.Version, expected.Migrated, expected.StoredVersion),
            (actual.Account, actual.Opened, actual.Balance, actual.NextId, actual.ArchivedChunks, actual.Version, actual.Migrated, actual.StoredVersion));
        Assert.Equal(expected.Journal, actual.Journal);
        Assert.Equal(expected.Outbox, actual.Outbox);
        Assert.Equal(expected.Charges.OrderBy(c => c.Key, StringComparer.Ordinal), actual.Charges.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.Equal(expected.EarnedBySpace.OrderBy(c => c.Key, StringComparer.Ordinal), actual.EarnedBySpace.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.Equal(expected.AppliedFrom.OrderBy(c => c.Key, StringComparer.Ordinal), actual.AppliedFrom.OrderBy(c => c.Key, StringComparer.Ordinal));
    }
}
