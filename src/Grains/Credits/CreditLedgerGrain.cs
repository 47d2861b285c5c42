using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Credits;

namespace Parking.Grains.Credits;

/// <summary>
/// Keeps the compound's <see cref="CreditLedger"/>. The journal's newest transactions live in this grain's
/// state; every <see cref="ChunkSize"/> of them move to an archive grain, so a write stays small however
/// long the compound runs. Reads of an account scan the newest chunks only (<see cref="ChunksScanned"/>).
/// </summary>
/// <remarks>
/// Every booking of the compound passes through here, so writes are committed in groups: calls interleave,
/// each applies its change in memory at once (a turn never yields between the balance check and the debit),
/// then waits for a write that covers it. While one write is under way, the changes that arrive meanwhile
/// gather and go out together in the next, so a booking waits for at most two writes and the grain does one
/// write per group instead of one per booking. No caller hears "done" before a write holding its change has
/// completed. If a write fails, every caller still waiting is told so, nothing more is written, and the
/// activation is dropped, so the next call reloads what storage really holds.
/// </remarks>
[Reentrant]
public sealed partial class CreditLedgerGrain(
    [PersistentState("credit-ledger", GrainKeys.StorageName)] IPersistentState<CreditLedgerSnapshot> state,
    IOptions<CreditPolicy> policyOptions,
    ParkingClock time,
    ILogger<CreditLedgerGrain> logger) : Grain, ICreditLedgerGrain
{
    public const int ChunkSize = 1000;
    public const int ChunksScanned = 10;
    private static readonly TimeSpan ChargeRetention = TimeSpan.FromDays(2);

    private readonly CreditPolicy _policy = policyOptions.Value;

    /// <summary>The ledger as callers see it; what storage holds is a copy taken when a write starts.</summary>
    private CreditLedger? _ledger;

    /// <summary>Callers whose changes are applied in memory and wait for the next write.</summary>
    private TaskCompletionSource? _waiting;

    private bool _writing;

    private Exception? _failed;

    private CreditLedger Ledger => _ledger ??= CreditLedger.Restore(state.State);

    public async Task<Outcome<BookingCharge>> Charge(string reservationId, string payer, string payee, long amount, TimeWindow window, LedgerKind kind)
    {
        var before = Ledger.NextId;
        var known = Ledger.Charges.ContainsKey(reservationId);
        var outcome = Ledger.Charge(reservationId, payer, payee, amount, window, _policy.Grant, time.GetUtcNow(), kind);
        // A repeated charge answers only once the first one is stored too.
        if (outcome.IsSuccess && (!known || Ledger.NextId != before || _writing))
        {
            await Save();
        }

        return outcome;
    }

    public async Task<LedgerTransaction?> Refund(string reservationId)
    {
        var refund = Ledger.Refund(reservationId, time.GetUtcNow());
        if (refund is not null)
        {
            await Save();
        }

        return refund;
    }

    public async Task<AccountStatement> GetHouseholdAccount(string householdId, int limit)
    {
        var account = Accounts.Household(householdId);
        if (Ledger.Open(account, _policy.Grant, time.GetUtcNow()) is not null)
        {
            await Save();
        }

        return await GetAccount(account, limit);
    }

    public async Task<AccountStatement> GetAccount(string account, int limit) =>
        new(account, Ledger.BalanceOf(account), await Newest(t => t.Touches(account), limit));

    public async Task<LedgerSummary> GetSummary(int limit)
    {
        var compound = Ledger.BalanceOf(Accounts.Compound);
        var households = Ledger.Balances.Where(b => b.Key != Accounts.Compound).Sum(b => b.Value);
        return new LedgerSummary(compound, households, Ledger.Total, Ledger.Balances.Count, Ledger.NextId - 1, await Newest(_ => true, limit));
    }

    public Task<IReadOnlyDictionary<string, SpaceEarnings>> GetSpaceEarnings(IReadOnlyList<string> spaceIds) =>
        Task.FromResult<IReadOnlyDictionary<string, SpaceEarnings>>(
            spaceIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, Ledger.EarningsOf, StringComparer.Ordinal));

    private async Task<IReadOnlyList<LedgerTransaction>> Newest(Func<LedgerTransaction, bool> match, int limit)
    {
        var found = new List<LedgerTransaction>(Math.Min(limit, 256));
        found.AddRange(Enumerable.Reverse(Ledger.Journal).Where(match).Take(limit));
        for (var chunk = Ledger.ArchivedChunks - 1; chunk >= 0 && chunk >= Ledger.ArchivedChunks - ChunksScanned && found.Count < limit; chunk--)
        {
            var archived = await Archive(chunk).Get();
            found.AddRange(Enumerable.Reverse(archived).Where(match).Take(limit - found.Count));
        }

        return found;
    }

    private ILedgerArchiveGrain Archive(int chunk) =>
        GrainFactory.GetGrain<ILedgerArchiveGrain>(GrainKeys.Of(this.GetPrimaryKeyString(), $"ledger-{chunk}"));

    /// <summary>Completes when a write holding every change made so far has been stored.</summary>
    private Task Save()
    {
        if (_failed is not null)
        {
            return Task.FromException(new InvalidOperationException("The credit ledger could not be stored; it will reload.", _failed));
        }

        var group = _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _writing = true;
            _ = WriteGroups();
        }

        return group.Task;
    }

    private async Task WriteGroups()
    {
        try
        {
            while (_waiting is { } group)
            {
                _waiting = null;
                try
                {
                    await WriteOnce();
                    group.SetResult();
                }
                catch (Exception exception)
                {
                    // Memory is ahead of storage: tell everyone waiting, write nothing more, and reload on the next call.
                    LogWriteFailed(exception, this.GetPrimaryKeyString());
                    _failed = exception;
                    group.SetException(exception);
                    _waiting?.SetException(exception);
                    _waiting = null;
                    DeactivateOnIdle();
                    return;
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    private async Task WriteOnce()
    {
        if (Ledger.Journal.Count >= ChunkSize)
        {
            // Archive first: a failure before the state write leaves the chunk in both places, and the
            // next attempt stores the same chunk under the same number again. Calls arriving meanwhile only
            // append to the journal, so its first chunk is still the one stored.
            await Archive(Ledger.ArchivedChunks).Store(Ledger.OldestInJournal(ChunkSize));
            Ledger.Archived(ChunkSize, time.GetUtcNow() - ChargeRetention);
        }

        // The storage provider may read the state after its first await; give it a snapshot no call can change.
        state.State = Ledger.Snapshot();
        await state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the credit ledger of {CompoundId}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string compoundId);
}

[GenerateSerializer]
public sealed class LedgerArchiveState
{
    [Id(0)]
    public List<LedgerTransaction> Transactions { get; set; } = [];
}

public sealed class LedgerArchiveGrain(
    [PersistentState("ledger-archive", GrainKeys.StorageName)] IPersistentState<LedgerArchiveState> state) : Grain, ILedgerArchiveGrain
{
    public async Task Store(IReadOnlyList<LedgerTransaction> chunk)
    {
        state.State.Transactions = [.. chunk];
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<LedgerTransaction>> Get() => Task.FromResult<IReadOnlyList<LedgerTransaction>>(state.State.Transactions);
}
