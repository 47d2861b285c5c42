namespace Parking.Domain.Credits;

/// <summary>
/// What a household's ledger changed since it was last stored whole, stored apart from it, so that a charge, a refund
/// or a leg received writes its transaction and the few entries it touched rather than the whole ledger (its journal,
/// every charge still refundable, every space's earnings). Holds the ledger's figures as they are now, the transactions
/// that joined the journal, the charges, earnings and applied ids new or changed, and the legs that joined or left the
/// outbox. They apply only to the whole ledger whose <see cref="HouseholdLedger.StoredVersion"/> is
/// <see cref="BaseVersion"/>; once the ledger is stored whole again, changes stored before are stale and ignored.
/// </summary>
[GenerateSerializer]
public sealed class RecentLedgerChanges
{
    /// <summary>
    /// Changed entries (transactions, charges, earnings, applied ids, legs) beyond which the ledger is stored whole again:
    /// a booking changes three to five, so a few bookings go by between whole writes.
    /// </summary>
    public const int MaxChanges = 16;

    /// <summary>The <see cref="HouseholdLedger.StoredVersion"/> of the whole ledger these changes apply to.</summary>
    [Id(0)]
    public long BaseVersion { get; set; }

    [Id(1)]
    public bool Opened { get; set; }

    [Id(2)]
    public long Balance { get; set; }

    [Id(3)]
    public long NextId { get; set; }

    [Id(4)]
    public long Version { get; set; }

    /// <summary>Transactions added to the end of the journal since it was stored whole, oldest first.</summary>
    [Id(5)]
    public List<LedgerTransaction> Journal { get; set; } = [];

    /// <summary>Charges new or changed (refunded) since the whole ledger was stored.</summary>
    [Id(6)]
    public Dictionary<string, BookingCharge> Charges { get; set; } = new(StringComparer.Ordinal);

    [Id(7)]
    public Dictionary<string, SpaceEarnings> EarnedBySpace { get; set; } = new(StringComparer.Ordinal);

    [Id(8)]
    public Dictionary<string, long> AppliedFrom { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Legs decided since the whole ledger was stored and not yet confirmed, in the order they were decided.</summary>
    [Id(9)]
    public List<LedgerLeg> OutboxJoined { get; set; } = [];

    /// <summary>The <see cref="LedgerLeg.Key"/>s of stored legs confirmed since.</summary>
    [Id(10)]
    public List<string> OutboxLeft { get; set; } = [];
}

/// <summary>
/// What a household's whole ledger held when it was last stored (or read): tells whether the ledger as it is now can be
/// stored as <see cref="RecentLedgerChanges"/> or must be stored whole: when transactions left the journal (archived)
/// or charges left (pruned), when it was migrated or archived since, or when the changes are too many.
/// </summary>
public sealed class StoredLedger
{
    private readonly string _account;
    private readonly bool _migrated;
    private readonly int _archivedChunks;
    private readonly int _journalCount;
    private readonly LedgerTransaction? _journalFirst;
    private readonly LedgerTransaction? _journalLast;
    private readonly StoredEntries<KeyValuePair<string, BookingCharge>> _charges;
    private readonly StoredEntries<KeyValuePair<string, SpaceEarnings>> _earnedBySpace;
    private readonly StoredEntries<KeyValuePair<string, long>> _appliedFrom;
    private readonly StoredEntries<LedgerLeg> _outbox;

    private StoredLedger(HouseholdLedgerSnapshot whole)
    {
        _account = whole.Account;
        _migrated = whole.Migrated;
        _archivedChunks = whole.ArchivedChunks;
        _journalCount = whole.Journal.Count;
        _journalFirst = whole.Journal.FirstOrDefault();
        _journalLast = whole.Journal.LastOrDefault();
        _charges = StoredEntries.Of(whole.Charges);
        _earnedBySpace = StoredEntries.Of(whole.EarnedBySpace);
        _appliedFrom = StoredEntries.Of(whole.AppliedFrom);
        _outbox = StoredEntries.Of(whole.Outbox, l => l.Key);
        Version = whole.StoredVersion;
    }

    /// <summary>The <see cref="HouseholdLedger.StoredVersion"/> of the whole ledger stored.</summary>
    public long Version { get; }

    /// <summary>The whole ledger as it was written (or read, before changes stored apart apply).</summary>
    public static StoredLedger Of(HouseholdLedgerSnapshot whole)
    {
        ArgumentNullException.ThrowIfNull(whole);
        return new StoredLedger(whole);
    }

    /// <summary>The changes that bring the stored ledger to <paramref name="ledger"/>, or null when it must be stored whole.</summary>
    public RecentLedgerChanges? ChangesTo(HouseholdLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var journal = ledger.Journal;
        if (ledger.StoredVersion != Version
            || ledger.Account != _account
            || ledger.Migrated != _migrated
            || ledger.ArchivedChunks != _archivedChunks
            || journal.Count < _journalCount
            || (_journalCount > 0 && (!ReferenceEquals(journal[0], _journalFirst) || !ReferenceEquals(journal[_journalCount - 1], _journalLast))))
        {
            return null;
        }

        // The journal only grows between whole writes (archiving stores it whole), so what joined is its tail.
        var budget = RecentLedgerChanges.MaxChanges - (journal.Count - _journalCount);
        if (budget < 0
            || _charges.ChangesTo(ledger.Charges, budget, EntryChangesAllowed.AddedOrReplaced) is not { } charges
            || _earnedBySpace.ChangesTo(ledger.EarnedBySpace, budget -= charges.Count, EntryChangesAllowed.AddedOrReplaced) is not { } earned
            || _appliedFrom.ChangesTo(ledger.AppliedFromSenders, budget -= earned.Count, EntryChangesAllowed.AddedOrReplaced) is not { } applied
            || _outbox.ChangesTo(ledger.Outbox, budget - applied.Count, EntryChangesAllowed.Added | EntryChangesAllowed.Removed) is not { } outbox)
        {
            return null;
        }

        return new RecentLedgerChanges
        {
            BaseVersion = Version,
            Opened = ledger.IsOpen,
            Balance = ledger.Balance,
            NextId = ledger.NextId,
            Version = ledger.Version,
            Journal = [.. journal.Skip(_journalCount)],
            Charges = new Dictionary<string, BookingCharge>(charges.Changed, StringComparer.Ordinal),
            EarnedBySpace = new Dictionary<string, SpaceEarnings>(earned.Changed, StringComparer.Ordinal),
            AppliedFrom = new Dictionary<string, long>(applied.Changed, StringComparer.Ordinal),
            OutboxJoined = outbox.Changed,
            OutboxLeft = outbox.Removed,
        };
    }
}
