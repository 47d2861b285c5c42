using Orleans.Runtime;
using Parking.Domain.Credits;

namespace Parking.Grains.Credits;

/// <summary>
/// The compound-wide <see cref="CreditLedger"/> that earlier builds stored (state "credit-ledger"), kept read-only so
/// its balances, charges and journal are taken over by the household ledgers and the settlement shards, each its own
/// part, once. Nothing is written here any more; a compound that never ran an earlier build has an empty one.
/// </summary>
public sealed class CreditLedgerGrain(
    [PersistentState("credit-ledger", GrainKeys.StorageName)] IPersistentState<CreditLedgerSnapshot> state) : Grain, ICreditLedgerGrain
{
    private CreditLedger? _ledger;

    private CreditLedger Ledger => _ledger ??= CreditLedger.Restore(state.State);

    public Task<EarlierAccount?> EarlierAccount(string account) =>
        Task.FromResult(state.RecordExists ? Ledger.EarlierAccountOf(account) : null);

    public Task<EarlierSettlement> EarlierSettlement(int shard, int shards) =>
        Task.FromResult(state.RecordExists
            ? new EarlierSettlement(Ledger.BalancesOfShard(shard, shards), shard == 0 ? Ledger.EarlierCompound() : null)
            : new EarlierSettlement(new Dictionary<string, long>(), null));

    public Task<string?> PayerOf(string reservationId) =>
        Task.FromResult(state.RecordExists ? Ledger.Charges.GetValueOrDefault(reservationId)?.Payer : null);
}

[GenerateSerializer]
public sealed class LedgerArchiveState : IArchiveChunkState<LedgerTransaction>
{
    [Id(0)]
    internal List<LedgerTransaction> _transactions = [];

    /// <summary>The archived transactions, oldest first.</summary>
    public IReadOnlyList<LedgerTransaction> Transactions => _transactions;

    IReadOnlyList<LedgerTransaction> IArchiveChunkState<LedgerTransaction>.Items => _transactions;

    /// <summary>The chunk replaces whatever was stored.</summary>
    public void Store(IEnumerable<LedgerTransaction> chunk) => _transactions = [.. chunk];
}

/// <summary>A chunk of a ledger's journal (state <c>ledger-archive</c>); nothing clears it today.</summary>
[CompoundPlacement]
public sealed class LedgerArchiveGrain(
    [PersistentState("ledger-archive", GrainKeys.StorageName)] IPersistentState<LedgerArchiveState> state)
    : ArchiveChunkGrain<LedgerTransaction, LedgerArchiveState>(state), ILedgerArchiveGrain;
