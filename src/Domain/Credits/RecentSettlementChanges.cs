namespace Parking.Domain.Credits;

/// <summary>
/// What a settlement shard changed since it was last stored whole, stored apart from it, so that a batch of reports writes
/// the balances, applied ids and transactions it touched rather than every household of the shard. Holds the shard's
/// figures as they are now, the households' balances and applied ids new or changed, and the transactions that joined
/// the recent list. They apply only to the whole settlement whose <see cref="CompoundSettlement.StoredVersion"/> is
/// <see cref="BaseVersion"/>; once the settlement is stored whole again, changes stored before are stale and ignored.
/// </summary>
[GenerateSerializer]
public sealed class RecentSettlementChanges
{
    /// <summary>
    /// Changed entries (balances, applied ids, transactions) beyond which the shard is stored whole again: a household's
    /// report of one booking changes three, so a score of reports go by between whole writes.
    /// </summary>
    public const int MaxChanges = 64;

    /// <summary>The <see cref="CompoundSettlement.StoredVersion"/> of the whole settlement these changes apply to.</summary>
    [Id(0)]
    public long BaseVersion { get; set; }

    [Id(1)]
    public long CompoundBalance { get; set; }

    [Id(2)]
    public long Transactions { get; set; }

    /// <summary>Balances reported since the whole settlement was stored (each replacing the one stored).</summary>
    [Id(3)]
    public Dictionary<string, ReportedBalance> Households { get; set; } = new(StringComparer.Ordinal);

    [Id(4)]
    public Dictionary<string, long> AppliedFrom { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Transactions added to the end of the recent list since it was stored whole, oldest first.</summary>
    [Id(5)]
    public List<LedgerTransaction> Recent { get; set; } = [];
}

/// <summary>
/// What a settlement shard held when it was last stored whole (or read): tells whether the shard as it is now can be
/// stored as <see cref="RecentSettlementChanges"/> or must be stored whole: when transactions left the recent list
/// (archived), when it took over an earlier ledger since, or when the changes are too many.
/// </summary>
public sealed class StoredSettlement
{
    private readonly bool _migrated;
    private readonly int _archivedRecent;
    private readonly int _recentCount;
    private readonly LedgerTransaction? _recentFirst;
    private readonly LedgerTransaction? _recentLast;
    private readonly StoredEntries<KeyValuePair<string, ReportedBalance>> _households;
    private readonly StoredEntries<KeyValuePair<string, long>> _appliedFrom;

    private StoredSettlement(CompoundSettlementSnapshot whole)
    {
        _migrated = whole.Migrated;
        _archivedRecent = whole.ArchivedRecent;
        _recentCount = whole.Recent.Count;
        _recentFirst = whole.Recent.FirstOrDefault();
        _recentLast = whole.Recent.LastOrDefault();
        _households = StoredEntries.Of(whole.Households);
        _appliedFrom = StoredEntries.Of(whole.AppliedFrom);
        Version = whole.StoredVersion;
    }

    /// <summary>The <see cref="CompoundSettlement.StoredVersion"/> of the whole settlement stored.</summary>
    public long Version { get; }

    /// <summary>The whole settlement as it was written (or read, before changes stored apart apply).</summary>
    public static StoredSettlement Of(CompoundSettlementSnapshot whole)
    {
        ArgumentNullException.ThrowIfNull(whole);
        return new StoredSettlement(whole);
    }

    /// <summary>The changes that bring the stored settlement to <paramref name="settlement"/>, or null when it must be stored whole.</summary>
    public RecentSettlementChanges? ChangesTo(CompoundSettlement settlement)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var recent = settlement.Recent;
        if (settlement.StoredVersion != Version
            || settlement.Migrated != _migrated
            || settlement.ArchivedRecent != _archivedRecent
            || recent.Count < _recentCount
            || (_recentCount > 0 && (!ReferenceEquals(recent[0], _recentFirst) || !ReferenceEquals(recent[_recentCount - 1], _recentLast))))
        {
            return null;
        }

        // The recent list only grows between whole writes (archiving stores the shard whole), so what joined is its tail.
        var budget = RecentSettlementChanges.MaxChanges - (recent.Count - _recentCount);
        if (budget < 0
            || _households.ChangesTo(settlement.Households, budget, EntryChangesAllowed.AddedOrReplaced) is not { } households
            || _appliedFrom.ChangesTo(settlement.AppliedFromHouseholds, budget - households.Count, EntryChangesAllowed.AddedOrReplaced) is not { } applied)
        {
            return null;
        }

        var joined = new List<LedgerTransaction>(recent.Count - _recentCount);
        for (var i = _recentCount; i < recent.Count; i++)
        {
            joined.Add(recent[i]);
        }

        return new RecentSettlementChanges
        {
            BaseVersion = Version,
            CompoundBalance = settlement.CompoundBalance,
            Transactions = settlement.Transactions,
            Households = new Dictionary<string, ReportedBalance>(households.Changed, StringComparer.Ordinal),
            AppliedFrom = new Dictionary<string, long>(applied.Changed, StringComparer.Ordinal),
            Recent = joined,
        };
    }
}
