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
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LedgerTransaction(
    [Id(0)] long Id,
    [Id(1)] DateTimeOffset At,
    [Id(2)] LedgerKind Kind,
    [Id(3)] string Debit,
    [Id(4)] string Credit,
    [Id(5)] long Amount,
    [Id(6)] string? Reference)
{
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
[GenerateSerializer]
public sealed class CreditLedger
{
    [Id(0)]
    public Dictionary<string, long> Balances { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The newest transactions, not yet moved to the archive.</summary>
    [Id(1)]
    public List<LedgerTransaction> Journal { get; set; } = [];

    [Id(2)]
    public Dictionary<string, BookingCharge> Charges { get; set; } = new(StringComparer.Ordinal);

    [Id(3)]
    public long NextId { get; set; } = 1;

    /// <summary>How many full chunks of the journal were moved to the archive (oldest first).</summary>
    [Id(4)]
    public int ArchivedChunks { get; set; }

    /// <summary>
    /// Per private space (by the space id every reservation id carries), what bookings paid its owner's household and
    /// what was refunded; kept as the charges are posted, so it survives the journal's archiving and the charges' pruning.
    /// </summary>
    [Id(5)]
    public Dictionary<string, SpaceEarnings> EarnedBySpace { get; set; } = new(StringComparer.Ordinal);

    public SpaceEarnings EarningsOf(string spaceId) => EarnedBySpace.GetValueOrDefault(spaceId) ?? SpaceEarnings.None;

    public long BalanceOf(string account) => Balances.GetValueOrDefault(account);

    public bool IsOpen(string account) => Balances.ContainsKey(account);

    /// <summary>Opens a household's account with the grant, booked from the compound's account; null when it was open.</summary>
    public LedgerTransaction? Open(string account, long grant, DateTimeOffset now)
    {
        if (IsOpen(account))
        {
            return null;
        }

        Balances[account] = 0;
        Balances.TryAdd(Accounts.Compound, 0);
        return grant > 0 ? Post(LedgerKind.Grant, Accounts.Compound, account, grant, null, now) : null;
    }

    /// <summary>
    /// Charges a booking: the payer's account (opened with its grant if new) pays the payee. Refused, with
    /// nothing changed, when the payer has too little. The same reservation charged again returns the first charge.
    /// </summary>
    public Outcome<BookingCharge> Charge(string reservationId, string payer, string payee, long amount, TimeWindow window, long grant, DateTimeOffset now, LedgerKind kind = LedgerKind.Booking)
    {
        if (Charges.TryGetValue(reservationId, out var earlier))
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
        Balances.TryAdd(payee, 0);
        if (amount > 0)
        {
            Post(kind, payer, payee, amount, reservationId, now);
        }

        var charge = new BookingCharge(payer, payee, amount, 0, window.End);
        Charges[reservationId] = charge;
        if (EarningSpace(reservationId, payee) is { } spaceId && amount > 0)
        {
            var earned = EarningsOf(spaceId);
            EarnedBySpace[spaceId] = earned with { Bookings = earned.Bookings + 1, Earned = earned.Earned + amount };
        }

        return charge;
    }

    /// <summary>Refunds what is left of a booking's charge from its payee to its payer; null when nothing was charged or is left.</summary>
    public LedgerTransaction? Refund(string reservationId, DateTimeOffset now)
    {
        if (!Charges.TryGetValue(reservationId, out var charge) || charge.Refunded >= charge.Amount)
        {
            return null;
        }

        var amount = charge.Amount - charge.Refunded;
        Charges[reservationId] = charge with { Refunded = charge.Amount };
        if (EarningSpace(reservationId, charge.Payee) is { } spaceId)
        {
            var earned = EarningsOf(spaceId);
            EarnedBySpace[spaceId] = earned with { Refunds = earned.Refunds + 1, Refunded = earned.Refunded + amount };
        }

        return Post(LedgerKind.Refund, charge.Payee, charge.Payer, amount, reservationId, now);
    }

    /// <summary>Forgets the charges of bookings that ended long ago (they can no longer be refunded); their transactions stay.</summary>
    public int PruneCharges(DateTimeOffset before)
    {
        var old = Charges.Where(c => c.Value.WindowEnd < before).Select(c => c.Key).ToList();
        foreach (var key in old)
        {
            Charges.Remove(key);
        }

        return old.Count;
    }

    /// <summary>
    /// A copy whose collections are its own (what is in them is immutable): what the grain hands to storage.
    /// Every stored property must be copied here; a test compares copies property by property.
    /// </summary>
    public CreditLedger Copy() => new()
    {
        Balances = new Dictionary<string, long>(Balances, StringComparer.Ordinal),
        Journal = [.. Journal],
        Charges = new Dictionary<string, BookingCharge>(Charges, StringComparer.Ordinal),
        NextId = NextId,
        ArchivedChunks = ArchivedChunks,
        EarnedBySpace = new Dictionary<string, SpaceEarnings>(EarnedBySpace, StringComparer.Ordinal),
    };

    /// <summary>Sum of every balance: zero, always.</summary>
    public long Total => Balances.Values.Sum();

    /// <summary>The space a booking paid a household for; null when the compound was paid (a common or temporary space).</summary>
    private static string? EarningSpace(string reservationId, string payee) =>
        payee != Accounts.Compound && Reservation.TryParseSpaceId(reservationId, out var spaceId) ? spaceId : null;

    private LedgerTransaction Post(LedgerKind kind, string debit, string credit, long amount, string? reference, DateTimeOffset now)
    {
        var transaction = new LedgerTransaction(NextId++, now, kind, debit, credit, amount, reference);
        Balances[debit] = BalanceOf(debit) - amount;
        Balances[credit] = BalanceOf(credit) + amount;
        Journal.Add(transaction);
        return transaction;
    }
}
