using Parking.Domain.Credits;

namespace Parking.Grains;

/// <summary>One account's balance and its newest transactions, newest first.</summary>
[GenerateSerializer, Immutable]
public sealed record AccountStatement(
    [property: Id(0)] string Account,
    [property: Id(1)] long Balance,
    [property: Id(2)] IReadOnlyList<LedgerTransaction> Transactions);

/// <summary>The compound's ledger for staff: its own account, the credits in circulation, the check that all balances sum to zero.</summary>
[GenerateSerializer, Immutable]
public sealed record LedgerSummary(
    [property: Id(0)] long CompoundBalance,
    [property: Id(1)] long InCirculation,
    [property: Id(2)] long Total,
    [property: Id(3)] int Accounts,
    [property: Id(4)] long Transactions,
    [property: Id(5)] IReadOnlyList<LedgerTransaction> Recent);

/// <summary>One settlement shard's part of the compound's ledger summary.</summary>
[GenerateSerializer, Immutable]
public sealed record SettlementView(
    [property: Id(0)] long CompoundBalance,
    [property: Id(1)] long InCirculation,
    [property: Id(2)] int Households,
    [property: Id(3)] long Transactions,
    [property: Id(4)] IReadOnlyList<LedgerTransaction> Recent);

/// <summary>What one household reports to its settlement shard: its balance at a version, and the transactions it decided.</summary>
[GenerateSerializer, Immutable]
public sealed record SettlementReport(
    [property: Id(0)] string Household,
    [property: Id(1)] ReportedBalance Balance,
    [property: Id(2)] IReadOnlyList<LedgerTransaction> Decided);

/// <summary>
/// One household's credits (key: compound/household-id): the single writer of its balance, so a charge checks and
/// debits in one step. Spaces charge and refund bookings here; the other side of each transaction (the owner of a
/// private space, or the compound's settlement) is told afterwards, and keeps it exactly once.
/// </summary>
public interface IHouseholdLedgerGrain : IGrainWithStringKey
{
    /// <summary>Charges a booking to this household (once per reservation id); refused with <c>insufficient-credits</c> and nothing changed.</summary>
    Task<Outcome<BookingCharge>> Charge(string reservationId, string payee, long amount, TimeWindow window, LedgerKind kind);

    /// <summary>Refunds what is left of a booking this household paid; null when there was nothing to refund.</summary>
    Task<LedgerTransaction?> Refund(string reservationId);

    /// <summary>The account, opened with its grant if it was not yet.</summary>
    Task<AccountStatement> GetAccount(int limit);

    /// <summary>
    /// Legs of transactions <paramref name="sender"/> decided that touch this household, in the order decided. Answers the
    /// highest id from the sender it has stored, so the sender can forget the legs up to it.
    /// </summary>
    Task<long> Receive(string sender, IReadOnlyList<LedgerTransaction> legs);

    /// <summary>
    /// Delivers every leg not yet confirmed (to the settlement shard too) and waits for the answers; answers how many legs
    /// are still unconfirmed (0 unless a receiver failed). For tests and tools that read the compound's summary at once.
    /// </summary>
    Task<int> DeliverNow();

    /// <summary>What each of these spaces (owned by the household) earned it; none for a space never booked.</summary>
    [ReadOnly]
    Task<IReadOnlyDictionary<string, SpaceEarnings>> GetSpaceEarnings(IReadOnlyList<string> spaceIds);
}

/// <summary>
/// One shard of a compound's settlement (key: compound/settlement-n): the compound's account as its households moved it,
/// their reported balances, the count and the newest of their transactions. Households report after each change,
/// a silo's households together.
/// </summary>
public interface ISettlementShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Settles households' reports, in order (a silo's households report together, see <c>SettlementBatcher</c>); answers,
    /// for each report, the highest transaction id of its household that a completed write holds. The reports are not
    /// copied within a silo (<c>[Immutable]</c>): the batcher builds the list, and each report's transactions, for this
    /// call alone and never changes them afterwards.
    /// </summary>
    Task<IReadOnlyList<long>> SettleAll([Immutable] IReadOnlyList<SettlementReport> reports);

    [ReadOnly]
    Task<SettlementView> GetView(int limit);
}

/// <summary>
/// The compound-wide ledger of earlier builds (key: compound id), kept read-only: each household's ledger and each
/// settlement shard take over their part of it once, on their first activation.
/// </summary>
public interface ICreditLedgerGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<EarlierAccount?> EarlierAccount(string account);

    /// <summary>The balances of one shard's households; shard 0 also gets the compound's account.</summary>
    [ReadOnly]
    Task<EarlierSettlement> EarlierSettlement(int shard, int shards);

    /// <summary>Who paid for a reservation charged by an earlier build (null: not charged there).</summary>
    [ReadOnly]
    Task<string?> PayerOf(string reservationId);
}

/// <summary>What the earlier compound-wide ledger holds for one settlement shard.</summary>
[GenerateSerializer, Immutable]
public sealed record EarlierSettlement(
    [property: Id(0)] IReadOnlyDictionary<string, long> Balances,
    [property: Id(1)] EarlierCompound? Compound);

/// <summary>A chunk of a ledger journal (key: compound/ledger-n, or compound/ledger-household-n), stored once with the batch archived and kept.</summary>
public interface ILedgerArchiveGrain : IGrainWithStringKey
{
    Task Store(IReadOnlyList<LedgerTransaction> chunk);

    [ReadOnly]
    Task<IReadOnlyList<LedgerTransaction>> Get();
}
