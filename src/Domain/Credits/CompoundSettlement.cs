namespace Parking.Domain.Credits;

/// <summary>The newest balance a household reported, with the version it had then (newer versions replace older).</summary>
[GenerateSerializer, Immutable]
public sealed record ReportedBalance([Id(0)] long Balance, [Id(1)] long Version);

/// <summary>
/// One shard of a compound's settlement: the compound's account as far as this shard's households moved it (grants
/// they received, common spaces' income they paid, refunds of it), the balance each of its households last reported,
/// how many transactions they decided and the newest of them. Fed with the legs the households decided, after the
/// fact: no booking waits for a decision here. Its size depends on the number of households, not on history.
/// </summary>
public sealed class CompoundSettlement
{
    /// <summary>Newest transactions the staff's view of the ledger can show (in the hot state and the newest archived chunks).</summary>
    public const int RecentKept = 500;

    /// <summary>Transactions in the hot state before the oldest <see cref="RecentChunk"/> of them go to an archive chunk.</summary>
    public const int RecentHot = 100;

    public const int RecentChunk = 50;

    private readonly Dictionary<string, ReportedBalance> _households;
    private readonly Dictionary<string, long> _appliedFrom;
    private readonly List<LedgerTransaction> _recent;

    private CompoundSettlement(CompoundSettlementSnapshot snapshot)
    {
        _households = new Dictionary<string, ReportedBalance>(snapshot.Households ?? [], StringComparer.Ordinal);
        _appliedFrom = new Dictionary<string, long>(snapshot.AppliedFrom ?? [], StringComparer.Ordinal);
        _recent = [.. snapshot.Recent ?? []];
        CompoundBalance = snapshot.CompoundBalance;
        Transactions = snapshot.Transactions;
        Migrated = snapshot.Migrated;
        ArchivedRecent = snapshot.ArchivedRecent;
        StoredVersion = snapshot.StoredVersion;
    }

    /// <summary>This shard's part of the compound's account.</summary>
    public long CompoundBalance { get; private set; }

    /// <summary>Transactions decided by this shard's households (and, on shard 0, those of the earlier compound-wide ledger).</summary>
    public long Transactions { get; private set; }

    public bool Migrated { get; private set; }

    /// <summary>Chunks of <see cref="RecentChunk"/> older transactions stored in archives (number n is the n-th oldest).</summary>
    public int ArchivedRecent { get; private set; }

    /// <summary>
    /// Grows each time the shard is stored whole (<see cref="StoringWhole"/>): changes stored apart apply only to the whole
    /// settlement of the version they were made from.
    /// </summary>
    public long StoredVersion { get; private set; }

    public IReadOnlyDictionary<string, ReportedBalance> Households => _households.AsReadOnly();

    /// <summary>The highest transaction id settled from each household.</summary>
    public IReadOnlyDictionary<string, long> AppliedFromHouseholds => _appliedFrom.AsReadOnly();

    /// <summary>The newest transactions not yet archived, oldest first (at most about <see cref="RecentHot"/>).</summary>
    public IReadOnlyList<LedgerTransaction> Recent => _recent.AsReadOnly();

    /// <summary>Sum of the balances the households reported.</summary>
    public long InCirculation => _households.Values.Sum(h => h.Balance);

    public static CompoundSettlement Restore(CompoundSettlementSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new CompoundSettlement(snapshot);
    }

    public CompoundSettlementSnapshot Snapshot() => new(
        new Dictionary<string, ReportedBalance>(_households, StringComparer.Ordinal),
        new Dictionary<string, long>(_appliedFrom, StringComparer.Ordinal),
        [.. _recent],
        CompoundBalance,
        Transactions,
        Migrated,
        ArchivedRecent,
        StoredVersion);

    /// <summary>The shard is about to be stored whole: it gets a version of its own, so changes stored before it are stale.</summary>
    public void StoringWhole() => StoredVersion++;

    /// <summary>
    /// Applies the changes stored since this whole settlement was (see <see cref="RecentSettlementChanges"/>): the figures
    /// as they were, the balances and applied ids that changed, the transactions that joined the recent list. Changes made
    /// from another whole settlement are stale and change nothing. Answers whether they applied.
    /// </summary>
    public bool Replay(RecentSettlementChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.BaseVersion != StoredVersion)
        {
            return false;
        }

        CompoundBalance = changes.CompoundBalance;
        Transactions = changes.Transactions;
        StoredEntries.Replay(_households, changes.Households, []);
        StoredEntries.Replay(_appliedFrom, changes.AppliedFrom, []);
        _recent.AddRange(changes.Recent);
        return true;
    }

    /// <summary>The highest transaction id settled from <paramref name="household"/> (0: none).</summary>
    public long AppliedFrom(string household) => _appliedFrom.GetValueOrDefault(household);

    /// <summary>
    /// Settles what a household reports: its balance at a version (kept if newer than the one known), and the
    /// transactions it decided, in order; those settled before are skipped. Answers whether anything changed.
    /// </summary>
    public bool Settle(string household, ReportedBalance? balance, IEnumerable<LedgerTransaction> decided)
    {
        ArgumentNullException.ThrowIfNull(decided);
        var changed = false;
        if (balance is not null && (!_households.TryGetValue(household, out var known) || known.Version < balance.Version))
        {
            _households[household] = balance;
            changed = true;
        }

        foreach (var transaction in decided)
        {
            if (transaction.Id <= AppliedFrom(household))
            {
                continue;
            }

            _appliedFrom[household] = transaction.Id;
            Transactions++;
            if (transaction.Credit == Accounts.Compound)
            {
                CompoundBalance += transaction.Amount;
            }
            else if (transaction.Debit == Accounts.Compound)
            {
                CompoundBalance -= transaction.Amount;
            }

            _recent.Add(transaction);
            changed = true;
        }

        return changed;
    }

    /// <summary>The oldest <see cref="RecentChunk"/> transactions, once the hot list is long enough to archive them (see <see cref="Archived"/>).</summary>
    public IReadOnlyList<LedgerTransaction>? ChunkToArchive() => _recent.Count >= RecentHot ? [.. _recent.Take(RecentChunk)] : null;

    /// <summary>The oldest <paramref name="count"/> transactions are stored as archive chunk <see cref="ArchivedRecent"/>.</summary>
    public void Archived(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _recent.Count);
        _recent.RemoveRange(0, count);
        ArchivedRecent++;
    }

    /// <summary>
    /// Takes over what the compound-wide ledger of an earlier build held for this shard: the balances of its
    /// households (version 0, so any report replaces them) and, when <paramref name="compound"/> is given (shard 0),
    /// the compound's account, the number of transactions and the newest of them. Done once.
    /// </summary>
    public void TakeOver(IReadOnlyDictionary<string, long> balances, EarlierCompound? compound)
    {
        ArgumentNullException.ThrowIfNull(balances);
        if (Migrated)
        {
            return;
        }

        Migrated = true;
        foreach (var (account, balance) in balances)
        {
            _households.TryAdd(account, new ReportedBalance(balance, 0));
        }

        if (compound is not null)
        {
            CompoundBalance += compound.Balance;
            Transactions += compound.Transactions;
            _recent.InsertRange(0, compound.Recent);
        }
    }
}

/// <summary>A <see cref="CompoundSettlement"/> as its grain stores it.</summary>
[GenerateSerializer]
public sealed record CompoundSettlementSnapshot(
    [Id(0)] Dictionary<string, ReportedBalance> Households,
    [Id(1)] Dictionary<string, long> AppliedFrom,
    [Id(2)] List<LedgerTransaction> Recent,
    [Id(3)] long CompoundBalance,
    [Id(4)] long Transactions,
    [Id(5)] bool Migrated,
    [Id(6)] int ArchivedRecent = 0,
    [Id(7)] long StoredVersion = 0)
{
    public CompoundSettlementSnapshot()
        : this(new(StringComparer.Ordinal), new(StringComparer.Ordinal), [], 0, 0, false)
    {
    }
}

/// <summary>What the compound-wide ledger of an earlier build held for the compound's own account.</summary>
[GenerateSerializer, Immutable]
public sealed record EarlierCompound(
    [Id(0)] long Balance,
    [Id(1)] long Transactions,
    [Id(2)] IReadOnlyList<LedgerTransaction> Recent);
