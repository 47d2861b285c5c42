using Parking.Domain.Reservations;

namespace Parking.Domain.Credits;

public enum LedgerKind
{
    Grant,
    Booking,
    Refund,
    VisitorPass,
}

/// <summary>
/// One movement of credits, a double entry: <see cref="Amount"/> is debited from <see cref="Debit"/> and
/// credited to <see cref="Credit"/> under one id. <see cref="Reference"/> names what it pays for (a reservation).
/// <see cref="Id"/> counts per deciding account (<see cref="DecidedBy"/>, a household); transactions of the compound-wide
/// ledger of earlier builds have none and ids unique in the compound. <see cref="Number"/> is unique in the compound either way.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LedgerTransaction(
    [Id(0)] long Id,
    [Id(1)] DateTimeOffset At,
    [Id(2)] LedgerKind Kind,
    [Id(3)] string Debit,
    [Id(4)] string Credit,
    [Id(5)] long Amount,
    [Id(6)] string? Reference,
    [Id(7)] string? DecidedBy = null)
{
    /// <summary>The transaction's number in the compound: <c>H00001-37</c> (the deciding household's 37th), or <c>37</c> for an earlier build's.</summary>
    public string Number => DecidedBy is { } decider && Accounts.TryHouseholdOf(decider, out var household)
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{household}-{Id}")
        : Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The two entries of the transaction: they always sum to zero.</summary>
    public IEnumerable<(string Account, long Amount)> Entries()
    {
        yield return (Debit, -Amount);
        yield return (Credit, Amount);
    }

    public bool Touches(string account) => Debit == account || Credit == account;
}

/// <summary>What a booking paid and to whom, so a cancellation or a withdrawal can refund it.</summary>
[GenerateSerializer, Immutable]
public sealed record BookingCharge(
    [Id(0)] string Payer,
    [Id(1)] string Payee,
    [Id(2)] long Amount,
    [Id(3)] long Refunded,
    [Id(4)] DateTimeOffset WindowEnd);

/// <summary>
/// What one private space earned its owner's household: the bookings others paid for (each reservation once),
/// the credits they paid, and what was refunded of them (cancellations, withdrawals). Net is what it earned.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpaceEarnings(
    [Id(0)] int Bookings,
    [Id(1)] long Earned,
    [Id(2)] int Refunds,
    [Id(3)] long Refunded)
{
    public static readonly SpaceEarnings None = new(0, 0, 0, 0);

    public long Net => Earned - Refunded;
}

/// <summary>
/// The compound's credits: balances and the journal of transactions. Every change is a transaction that
/// debits one account and credits another by the same amount, so the sum of all balances never changes
/// (it is zero: the compound's account issues every grant). A driver may spend only what they have;
/// an owner's balance may go below zero only by refunding a booking they broke after spending its income.
/// Every method either posts or refuses and changes nothing.
/// </summary>
public sealed class CreditLedger
{
    private readonly Dictionary<string, long> _balances;
    private readonly List<LedgerTransaction> _journal;
    private readonly Dictionary<string, BookingCharge> _charges;
    private readonly Dictionary<string, SpaceEarnings> _earnedBySpace;
    private long _nextId;
    private int _archivedChunks;

    public CreditLedger()
        : this(new CreditLedgerSnapshot())
    {
    }

    private CreditLedger(CreditLedgerSnapshot snapshot)
    {
        // Collections of its own: the snapshot may be the one storage holds.
        _balances = new Dictionary<string, long>(snapshot.Balances ?? [], StringComparer.Ordinal);
        _journal = [.. snapshot.Journal ?? []];
        _charges = new Dictionary<string, BookingCharge>(snapshot.Charges ?? [], StringComparer.Ordinal);
        _earnedBySpace = new Dictionary<string, SpaceEarnings>(snapshot.EarnedBySpace ?? [], StringComparer.Ordinal);
        _nextId = Math.Max(1, snapshot.NextId);
        _archivedChunks = snapshot.ArchivedChunks;
    }

    public IReadOnlyDictionary<string, long> Balances => _balances.AsReadOnly();

    /// <summary>The newest transactions, not yet moved to the archive.</summary>
    public IReadOnlyList<LedgerTransaction> Journal => _journal.AsReadOnly();

    public IReadOnlyDictionary<string, BookingCharge> Charges => _charges.AsReadOnly();

    /// <summary>The id the next transaction gets.</summary>
    public long NextId => _nextId;

    /// <summary>How many full chunks of the journal were moved to the archive (oldest first).</summary>
    public int ArchivedChunks => _archivedChunks;

    /// <summary>
    /// Per private space (by the space id every reservation id carries), what bookings paid its owner's household and
    /// what was refunded; kept as the charges are posted, so it survives the journal's archiving and the charges' pruning.
    /// </summary>
    public IReadOnlyDictionary<string, SpaceEarnings> EarnedBySpace => _earnedBySpace.AsReadOnly();

    /// <summary>The ledger as stored: a snapshot in collections of its own, which no later change touches.</summary>
    public CreditLedgerSnapshot Snapshot() => new(
        new Dictionary<string, long>(_balances, StringComparer.Ordinal),
        [.. _journal],
        new Dictionary<string, BookingCharge>(_charges, StringComparer.Ordinal),
        _nextId,
        _archivedChunks,
        new Dictionary<string, SpaceEarnings>(_earnedBySpace, StringComparer.Ordinal));

    /// <summary>The ledger a stored snapshot describes (fields an older build did not store start empty).</summary>
    public static CreditLedger Restore(CreditLedgerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new CreditLedger(snapshot);
    }

    public SpaceEarnings EarningsOf(string spaceId) => _earnedBySpace.GetValueOrDefault(spaceId) ?? SpaceEarnings.None;

    public long BalanceOf(string account) => _balances.GetValueOrDefault(account);

    public bool IsOpen(string account) => _balances.ContainsKey(account);

    /// <summary>Opens a household's account with the grant, booked from the compound's account; null when it was open.</summary>
    public LedgerTransaction? Open(string account, long grant, DateTimeOffset now)
    {
        if (IsOpen(account))
        {
            return null;
        }

        _balances[account] = 0;
        _balances.TryAdd(Accounts.Compound, 0);
        return grant > 0 ? Post(LedgerKind.Grant, Accounts.Compound, account, grant, null, now) : null;
    }

    /// <summary>
    /// Charges a booking: the payer's account (opened with its grant if new) pays the payee. Refused, with
    /// nothing changed, when the payer has too little. The same reservation charged again returns the first charge.
    /// </summary>
    public Outcome<BookingCharge> Charge(string reservationId, string payer, string payee, long amount, TimeWindow window, long grant, DateTimeOffset now, LedgerKind kind = LedgerKind.Booking)
    {
        if (_charges.TryGetValue(reservationId, out var earlier))
        {
            return earlier;
        }

        if (amount < 0 || payer == payee)
        {
            return DomainError.Invalid("amount", "invalid-charge", "A charge is a positive amount between two accounts.");
        }

        var available = IsOpen(payer) ? BalanceOf(payer) : grant;
        if (available < amount)
        {
            return new DomainError(
                ErrorKind.Conflict,
                "insufficient-credits",
                $"This booking costs {amount} credits and you have {available}.",
                "credits");
        }

        Open(payer, grant, now);
        _balances.TryAdd(payee, 0);
        if (amount > 0)
        {
            Post(kind, payer, payee, amount, reservationId, now);
        }

        var charge = new BookingCharge(payer, payee, amount, 0, window.End);
        _charges[reservationId] = charge;
        if (EarningSpace(reservationId, payee) is { } spaceId && amount > 0)
        {
            var earned = EarningsOf(spaceId);
            _earnedBySpace[spaceId] = earned with { Bookings = earned.Bookings + 1, Earned = earned.Earned + amount };
        }

        return charge;
    }

    /// <summary>Refunds what is left of a booking's charge from its payee to its payer; null when nothing was charged or is left.</summary>
    public LedgerTransaction? Refund(string reservationId, DateTimeOffset now)
    {
        if (!_charges.TryGetValue(reservationId, out var charge) || charge.Refunded >= charge.Amount)
        {
            return null;
        }

        var amount = charge.Amount - charge.Refunded;
        _charges[reservationId] = charge with { Refunded = charge.Amount };
        if (EarningSpace(reservationId, charge.Payee) is { } spaceId)
        {
            var earned = EarningsOf(spaceId);
            _earnedBySpace[spaceId] = earned with { Refunds = earned.Refunds + 1, Refunded = earned.Refunded + amount };
        }

        return Post(LedgerKind.Refund, charge.Payee, charge.Payer, amount, reservationId, now);
    }

    /// <summary>Forgets the charges of bookings that ended long ago (they can no longer be refunded); their transactions stay.</summary>
    public int PruneCharges(DateTimeOffset before)
    {
        var old = _charges.Where(c => c.Value.WindowEnd < before).Select(c => c.Key).ToList();
        foreach (var key in old)
        {
            _charges.Remove(key);
        }

        return old.Count;
    }

    /// <summary>The oldest <paramref name="count"/> transactions of the journal (fewer when it is shorter): the next chunk to archive.</summary>
    public IReadOnlyList<LedgerTransaction> OldestInJournal(int count) => [.. _journal.Take(count)];

    /// <summary>
    /// The journal's oldest <paramref name="count"/> transactions are stored in the archive as its next chunk: they
    /// leave the journal, the chunk count grows, and charges of bookings that ended before
    /// <paramref name="pruneChargesBefore"/> are forgotten.
    /// </summary>
    public void Archived(int count, DateTimeOffset pruneChargesBefore)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _journal.Count);
        _journal.RemoveRange(0, count);
        _archivedChunks++;
        PruneCharges(pruneChargesBefore);
    }

    /// <summary>Forgets the journal without archiving it (the simulator keeps balances, not history).</summary>
    public void DropJournal() => _journal.Clear();

    /// <summary>
    /// What this ledger (the compound-wide one of earlier builds) holds for one household, for its own ledger to take
    /// over: whether it was open, its balance, the charges it paid, the transactions touching it and what the spaces
    /// it was paid for earned. Null when the household does not appear here.
    /// </summary>
    public EarlierAccount? EarlierAccountOf(string account)
    {
        if (!_balances.ContainsKey(account))
        {
            return null;
        }

        var charges = _charges.Where(c => c.Value.Payer == account).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        var journal = _journal.Where(t => t.Touches(account)).ToList();
        var paidSpaces = journal.Where(t => t.Credit == account && t.Kind != LedgerKind.Refund)
            .Select(t => t.Reference)
            .Concat(_charges.Where(c => c.Value.Payee == account).Select(c => c.Key))
            .Select(reference => reference is not null && Reservation.TryParseSpaceId(reference, out var spaceId) ? spaceId : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        var earned = paidSpaces.Where(_earnedBySpace.ContainsKey).ToDictionary(id => id, id => _earnedBySpace[id], StringComparer.Ordinal);
        return new EarlierAccount(true, BalanceOf(account), charges, journal, earned);
    }

    /// <summary>The household accounts of one settlement shard, with their balances here.</summary>
    public IReadOnlyDictionary<string, long> BalancesOfShard(int shard, int shards) =>
        _balances.Where(b => b.Key != Accounts.Compound && Accounts.SettlementShard(b.Key, shards) == shard)
            .ToDictionary(b => b.Key, b => b.Value, StringComparer.Ordinal);

    /// <summary>The compound's own account here: its balance, how many transactions were posted, the newest of them.</summary>
    public EarlierCompound EarlierCompound() => new(BalanceOf(Accounts.Compound), _nextId - 1, [.. _journal.TakeLast(CompoundSettlement.RecentKept)]);

    /// <summary>Sum of every balance: zero, always.</summary>
    public long Total => _balances.Values.Sum();

    /// <summary>The space a booking paid a household for; null when the compound was paid (a common or temporary space).</summary>
    private static string? EarningSpace(string reservationId, string payee) =>
        payee != Accounts.Compound && Reservation.TryParseSpaceId(reservationId, out var spaceId) ? spaceId : null;

    private LedgerTransaction Post(LedgerKind kind, string debit, string credit, long amount, string? reference, DateTimeOffset now)
    {
        var transaction = new LedgerTransaction(_nextId++, now, kind, debit, credit, amount, reference);
        _balances[debit] = BalanceOf(debit) - amount;
        _balances[credit] = BalanceOf(credit) + amount;
        _journal.Add(transaction);
        return transaction;
    }
}

/// <summary>
/// A <see cref="CreditLedger"/> as the ledger grain stores it. The field ids and types are those the ledger
/// itself was stored with before it kept its collections private, so state stored then loads as a snapshot.
/// </summary>
[GenerateSerializer]
public sealed record CreditLedgerSnapshot(
    [Id(0)] Dictionary<string, long> Balances,
    [Id(1)] List<LedgerTransaction> Journal,
    [Id(2)] Dictionary<string, BookingCharge> Charges,
    [Id(3)] long NextId,
    [Id(4)] int ArchivedChunks,
    [Id(5)] Dictionary<string, SpaceEarnings> EarnedBySpace)
{
    /// <summary>An empty ledger's: what storage starts from when nothing was stored yet.</summary>
    public CreditLedgerSnapshot()
        : this(new(StringComparer.Ordinal), [], new(StringComparer.Ordinal), 1, 0, new(StringComparer.Ordinal))
    {
    }
}
