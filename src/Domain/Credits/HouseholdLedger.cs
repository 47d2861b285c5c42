using Parking.Domain.Reservations;

namespace Parking.Domain.Credits;

/// <summary>
/// One leg of a transaction on its way from the account that decided it to another ledger: the counterpart
/// household, or the compound's settlement. Legs from one account carry its transaction ids, which only grow,
/// so a receiver that remembers the highest id it applied from each sender applies every leg exactly once.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LedgerLeg([Id(0)] string To, [Id(1)] LedgerTransaction Transaction)
{
    /// <summary>The <see cref="Key"/>, made on first use and kept: every write of the ledger asks each leg of its outbox for it.</summary>
    private string? _key;

    /// <summary>Names the leg in its sender's outbox: ids are the sender's own, one leg per receiver.</summary>
    public string Key => _key ??= string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{To} {Transaction.Id}");

    /// <summary>Legs are equal by receiver and transaction, whether or not their key was made yet.</summary>
    public bool Equals(LedgerLeg? other) =>
        other is not null && (ReferenceEquals(this, other) || (To == other.To && Transaction == other.Transaction));

    public override int GetHashCode() => HashCode.Combine(To, Transaction);
}

/// <summary>
/// One household's credits: its balance, its newest transactions, the charges it paid (so a cancellation can be
/// refunded), what its own spaces earned, and the legs of its transactions not yet confirmed by the other side.
/// </summary>
/// <remarks>
/// Every transaction is a double entry between two accounts, decided by one side only: the payer of a booking
/// (who must have the credits) and the payer of its refund's counterpart alike are decided here, in the household
/// that paid, and the other entry travels as a <see cref="LedgerLeg"/>, to a household's ledger
/// (<see cref="Receive"/>) or to the compound's settlement (<see cref="CompoundSettlement"/>). Until a leg is
/// confirmed it stays in <see cref="Outbox"/>, so a credit in transit is never lost: the sum of every balance and
/// every leg in transit is zero. The journal keeps the newest transactions; older ones go to an archive.
/// </remarks>
public sealed class HouseholdLedger
{
    /// <summary>
    /// Transactions in the hot state at which the oldest <see cref="ArchiveChunk"/> of them are archived, so it keeps 16
    /// to 47 transactions (a statement reads older ones from the archive) and the whole state stays small when it is
    /// stored whole again (a charge usually stores only what it changed: <see cref="RecentLedgerChanges"/>).
    /// </summary>
    public const int JournalKept = 48;

    /// <summary>Transactions archived at a time, each batch as a chunk of its own.</summary>
    public const int ArchiveChunk = 32;

    private readonly List<LedgerTransaction> _journal;
    private readonly Dictionary<string, BookingCharge> _charges;
    private readonly Dictionary<string, SpaceEarnings> _earnedBySpace;
    private readonly List<LedgerLeg> _outbox;
    private readonly Dictionary<string, long> _appliedFrom;

    private HouseholdLedger(HouseholdLedgerSnapshot snapshot)
    {
        Account = snapshot.Account;
        IsOpen = snapshot.Opened;
        Balance = snapshot.Balance;
        _journal = [.. snapshot.Journal ?? []];
        _charges = new Dictionary<string, BookingCharge>(snapshot.Charges ?? [], StringComparer.Ordinal);
        _earnedBySpace = new Dictionary<string, SpaceEarnings>(snapshot.EarnedBySpace ?? [], StringComparer.Ordinal);
        _outbox = [.. snapshot.Outbox ?? []];
        _appliedFrom = new Dictionary<string, long>(snapshot.AppliedFrom ?? [], StringComparer.Ordinal);
        NextId = Math.Max(1, snapshot.NextId);
        ArchivedChunks = snapshot.ArchivedChunks;
        Version = snapshot.Version;
        Migrated = snapshot.Migrated;
        StoredVersion = snapshot.StoredVersion;
    }

    /// <summary>The account's name, <c>household:{id}</c>.</summary>
    public string Account { get; }

    /// <summary>Whether the account was opened (and granted its credits).</summary>
    public bool IsOpen { get; private set; }

    public long Balance { get; private set; }

    /// <summary>The id this household's next transaction gets (ids grow, per deciding account).</summary>
    public long NextId { get; private set; }

    /// <summary>Grows with every change of the balance, so the settlement keeps the newest balance it heard of.</summary>
    public long Version { get; private set; }

    /// <summary>Archive chunks stored, numbered from 0 (a chunk of an earlier build may hold several batches).</summary>
    public int ArchivedChunks { get; private set; }

    /// <summary>Whether what the compound-wide ledger of earlier builds held for this household was taken over.</summary>
    public bool Migrated { get; private set; }

    /// <summary>
    /// Grows each time the ledger is stored whole (<see cref="StoringWhole"/>): changes stored apart apply only to the whole
    /// ledger of the version they were made from.
    /// </summary>
    public long StoredVersion { get; private set; }

    /// <summary>The highest transaction id applied from each sender.</summary>
    public IReadOnlyDictionary<string, long> AppliedFromSenders => _appliedFrom.AsReadOnly();

    /// <summary>The newest transactions touching the account, oldest first.</summary>
    public IReadOnlyList<LedgerTransaction> Journal => _journal.AsReadOnly();

    public IReadOnlyDictionary<string, BookingCharge> Charges => _charges.AsReadOnly();

    public IReadOnlyDictionary<string, SpaceEarnings> EarnedBySpace => _earnedBySpace.AsReadOnly();

    /// <summary>Legs decided here and not yet confirmed by their receiver, in the order they were decided.</summary>
    public IReadOnlyList<LedgerLeg> Outbox => _outbox.AsReadOnly();

    public static HouseholdLedger Empty(string account) => new(HouseholdLedgerSnapshot.Empty(account));

    public static HouseholdLedger Restore(HouseholdLedgerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new HouseholdLedger(snapshot);
    }

    public HouseholdLedgerSnapshot Snapshot() => new(
        Account,
        IsOpen,
        Balance,
        [.. _journal],
        new Dictionary<string, BookingCharge>(_charges, StringComparer.Ordinal),
        new Dictionary<string, SpaceEarnings>(_earnedBySpace, StringComparer.Ordinal),
        NextId,
        [.. _outbox],
        new Dictionary<string, long>(_appliedFrom, StringComparer.Ordinal),
        ArchivedChunks,
        Version,
        Migrated,
        StoredVersion);

    /// <summary>The ledger is about to be stored whole: it gets a version of its own, so changes stored before it are stale.</summary>
    public void StoringWhole() => StoredVersion++;

    /// <summary>
    /// Applies the changes stored since this whole ledger was (see <see cref="RecentLedgerChanges"/>): the figures as they
    /// were, the transactions that joined the journal, the charges, earnings and applied ids that changed, the legs that
    /// joined or left the outbox. Changes made from another whole ledger are stale and change nothing. Answers whether
    /// they applied.
    /// </summary>
    public bool Replay(RecentLedgerChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.BaseVersion != StoredVersion)
        {
            return false;
        }

        IsOpen = changes.Opened;
        Balance = changes.Balance;
        NextId = changes.NextId;
        Version = changes.Version;
        _journal.AddRange(changes.Journal);
        StoredEntries.Replay(_charges, changes.Charges, []);
        StoredEntries.Replay(_earnedBySpace, changes.EarnedBySpace, []);
        StoredEntries.Replay(_appliedFrom, changes.AppliedFrom, []);
        var left = changes.OutboxLeft.ToHashSet(StringComparer.Ordinal);
        _outbox.RemoveAll(l => left.Contains(l.Key));
        StoredEntries.Replay(_outbox, changes.OutboxJoined, l => l.Key);
        return true;
    }

    public SpaceEarnings EarningsOf(string spaceId) => _earnedBySpace.GetValueOrDefault(spaceId) ?? SpaceEarnings.None;

    /// <summary>The highest transaction id applied from <paramref name="sender"/>'s legs (0: none).</summary>
    public long AppliedFrom(string sender) => _appliedFrom.GetValueOrDefault(sender);

    /// <summary>Opens the account with the grant, paid by the compound's account; null when it was open.</summary>
    public LedgerTransaction? Open(long grant, DateTimeOffset now)
    {
        if (IsOpen)
        {
            return null;
        }

        IsOpen = true;
        Version++;
        return grant > 0 ? Post(LedgerKind.Grant, Accounts.Compound, Account, grant, null, now) : null;
    }

    /// <summary>
    /// Charges a booking to this household, paid to <paramref name="payee"/> (opened with its grant if new).
    /// Refused, with nothing changed, when the household has too little. The same reservation again returns its first charge.
    /// </summary>
    public Outcome<BookingCharge> Charge(string reservationId, string payee, long amount, TimeWindow window, long grant, DateTimeOffset now, LedgerKind kind = LedgerKind.Booking)
    {
        if (_charges.TryGetValue(reservationId, out var earlier))
        {
            return earlier;
        }

        if (amount < 0 || payee == Account)
        {
            return DomainError.Invalid("amount", "invalid-charge", "A charge is a positive amount between two accounts.");
        }

        var available = IsOpen ? Balance : grant;
        if (available < amount)
        {
            return new DomainError(
                ErrorKind.Conflict,
                "insufficient-credits",
                $"This booking costs {amount} credits and you have {available}.",
                "credits");
        }

        Open(grant, now);
        if (amount > 0)
        {
            Post(kind, Account, payee, amount, reservationId, now);
        }

        var charge = new BookingCharge(Account, payee, amount, 0, window.End);
        _charges[reservationId] = charge;
        return charge;
    }

    /// <summary>Refunds what is left of a booking this household paid; null when nothing was charged or is left.</summary>
    public LedgerTransaction? Refund(string reservationId, DateTimeOffset now)
    {
        if (!_charges.TryGetValue(reservationId, out var charge) || charge.Refunded >= charge.Amount)
        {
            return null;
        }

        _charges[reservationId] = charge with { Refunded = charge.Amount };
        return Post(LedgerKind.Refund, charge.Payee, Account, charge.Amount - charge.Refunded, reservationId, now);
    }

    /// <summary>
    /// Applies legs another account decided (in the order it decided them); legs applied before are skipped.
    /// Answers whether anything changed.
    /// </summary>
    public bool Receive(string sender, IEnumerable<LedgerTransaction> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        var changed = false;
        foreach (var transaction in legs)
        {
            if (transaction.Id <= AppliedFrom(sender) || !transaction.Touches(Account))
            {
                continue;
            }

            _appliedFrom[sender] = transaction.Id;
            Balance += transaction.Credit == Account ? transaction.Amount : -transaction.Amount;
            _journal.Add(transaction);
            Earn(transaction);
            changed = true;
        }

        if (changed)
        {
            Version++;
        }

        return changed;
    }

    /// <summary>The receiver of <paramref name="to"/> confirmed every leg up to <paramref name="upTo"/>: they leave the outbox.</summary>
    public int Confirmed(string to, long upTo) => _outbox.RemoveAll(l => l.To == to && l.Transaction.Id <= upTo);

    /// <summary>The journal is long enough that its oldest chunk should be archived (see <see cref="Archived"/>).</summary>
    public IReadOnlyList<LedgerTransaction>? ChunkToArchive() => _journal.Count >= JournalKept ? [.. _journal.Take(ArchiveChunk)] : null;

    /// <summary>
    /// The journal's oldest <paramref name="count"/> transactions are stored in the archive as its next chunk; charges of
    /// bookings that ended before <paramref name="pruneChargesBefore"/> (they can no longer be refunded) are forgotten, and
    /// so are charges refunded in full (nothing is left to refund), so that a household that books and cancels often
    /// does not carry every cancelled booking in the state it writes on each charge.
    /// </summary>
    public void Archived(int count, DateTimeOffset pruneChargesBefore)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _journal.Count);
        _journal.RemoveRange(0, count);
        ArchivedChunks++;
        foreach (var key in _charges.Where(c => c.Value.WindowEnd < pruneChargesBefore || (c.Value.Amount > 0 && c.Value.Refunded >= c.Value.Amount)).Select(c => c.Key).ToList())
        {
            _charges.Remove(key);
        }
    }

    /// <summary>
    /// Takes over what the compound-wide ledger of an earlier build held for this household: its balance (and whether
    /// it was open), its charges, its newest transactions and its spaces' earnings. Done once, before any other change.
    /// </summary>
    public void TakeOver(EarlierAccount? earlier)
    {
        if (Migrated)
        {
            return;
        }

        Migrated = true;
        if (earlier is null)
        {
            return;
        }

        IsOpen = earlier.Opened;
        Balance = earlier.Balance;
        Version++;
        foreach (var (id, charge) in earlier.Charges)
        {
            _charges[id] = charge;
        }

        foreach (var (spaceId, earned) in earlier.EarnedBySpace)
        {
            _earnedBySpace[spaceId] = earned;
        }

        // Ids of the earlier, compound-wide journal; this household's own ids continue above them.
        _journal.InsertRange(0, earlier.Journal);
        NextId = Math.Max(NextId, earlier.Journal.Count == 0 ? 1 : earlier.Journal.Max(t => t.Id) + 1);
    }

    /// <summary>What the legs still in the outbox for <paramref name="account"/> will change its balance by once received.</summary>
    public long InTransit(string account) =>
        _outbox.Where(l => l.To == account && l.Transaction.Touches(account)).Sum(l => l.Transaction.Credit == account ? l.Transaction.Amount : -l.Transaction.Amount);

    private void Earn(LedgerTransaction transaction)
    {
        if (transaction.Reference is not { } reservationId || !Reservation.TryParseSpaceId(reservationId, out var spaceId))
        {
            return;
        }

        var earned = EarningsOf(spaceId);
        if (transaction.Kind != LedgerKind.Refund && transaction.Credit == Account)
        {
            _earnedBySpace[spaceId] = earned with { Bookings = earned.Bookings + 1, Earned = earned.Earned + transaction.Amount };
        }
        else if (transaction.Kind == LedgerKind.Refund && transaction.Debit == Account)
        {
            _earnedBySpace[spaceId] = earned with { Refunds = earned.Refunds + 1, Refunded = earned.Refunded + transaction.Amount };
        }
    }

    private LedgerTransaction Post(LedgerKind kind, string debit, string credit, long amount, string? reference, DateTimeOffset now)
    {
        var transaction = new LedgerTransaction(NextId++, now, kind, debit, credit, amount, reference, Account);
        Balance += credit == Account ? amount : -amount;
        Version++;
        _journal.Add(transaction);
        // The settlement hears of every transaction (it counts them and keeps the newest); the other household of its own.
        _outbox.Add(new LedgerLeg(Accounts.Compound, transaction));
        var other = credit == Account ? debit : credit;
        if (other != Accounts.Compound)
        {
            _outbox.Add(new LedgerLeg(other, transaction));
        }

        return transaction;
    }
}

/// <summary>A <see cref="HouseholdLedger"/> as its grain stores it.</summary>
[GenerateSerializer]
public sealed record HouseholdLedgerSnapshot(
    [Id(0)] string Account,
    [Id(1)] bool Opened,
    [Id(2)] long Balance,
    [Id(3)] List<LedgerTransaction> Journal,
    [Id(4)] Dictionary<string, BookingCharge> Charges,
    [Id(5)] Dictionary<string, SpaceEarnings> EarnedBySpace,
    [Id(6)] long NextId,
    [Id(7)] List<LedgerLeg> Outbox,
    [Id(8)] Dictionary<string, long> AppliedFrom,
    [Id(9)] int ArchivedChunks,
    [Id(10)] long Version,
    [Id(11)] bool Migrated,
    [Id(12)] long StoredVersion = 0)
{
    /// <summary>What storage starts from for a household never seen (its account is filled in on activation).</summary>
    public HouseholdLedgerSnapshot()
        : this(string.Empty, false, 0, [], new(StringComparer.Ordinal), new(StringComparer.Ordinal), 1, [], new(StringComparer.Ordinal), 0, 0, false, 0)
    {
    }

    public static HouseholdLedgerSnapshot Empty(string account) => new HouseholdLedgerSnapshot() with { Account = account };
}

/// <summary>What the compound-wide ledger of an earlier build held for one household, handed over once.</summary>
[GenerateSerializer, Immutable]
public sealed record EarlierAccount(
    [Id(0)] bool Opened,
    [Id(1)] long Balance,
    [Id(2)] IReadOnlyDictionary<string, BookingCharge> Charges,
    [Id(3)] IReadOnlyList<LedgerTransaction> Journal,
    [Id(4)] IReadOnlyDictionary<string, SpaceEarnings> EarnedBySpace);
