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

/// <summary>
/// The credits of one compound (key: compound id): the single writer of every balance, so a charge checks
/// and debits in one step and no credit is ever made or lost. Spaces charge and refund bookings here.
/// </summary>
public interface ICreditLedgerGrain : IGrainWithStringKey
{
    /// <summary>Charges a booking (once per reservation id); refused with <c>insufficient-credits</c> and nothing changed.</summary>
    Task<Outcome<BookingCharge>> Charge(string reservationId, string payer, string payee, long amount, TimeWindow window, LedgerKind kind);

    /// <summary>Refunds what is left of a booking's charge; null when there was nothing to refund.</summary>
    Task<LedgerTransaction?> Refund(string reservationId);

    /// <summary>A household's account, opened with its grant if it was not yet.</summary>
    Task<AccountStatement> GetHouseholdAccount(string householdId, int limit);

    [ReadOnly]
    Task<AccountStatement> GetAccount(string account, int limit);

    [ReadOnly]
    Task<LedgerSummary> GetSummary(int limit);

    /// <summary>What each of these private spaces earned its owner (bookings, credits, refunds); none for a space never booked.</summary>
    [ReadOnly]
    Task<IReadOnlyDictionary<string, SpaceEarnings>> GetSpaceEarnings(IReadOnlyList<string> spaceIds);
}

/// <summary>A full chunk of a compound's ledger journal (key: compound/ledger-n), written once and kept.</summary>
public interface ILedgerArchiveGrain : IGrainWithStringKey
{
    Task Store(IReadOnlyList<LedgerTransaction> chunk);

    [ReadOnly]
    Task<IReadOnlyList<LedgerTransaction>> Get();
}
