using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Credits;

namespace Parking.Grains.Credits;

/// <summary>
/// Keeps one household's <see cref="HouseholdLedger"/>. A booking is decided here alone (the balance check and the
/// debit in one turn), stored, and only then are the other side's legs delivered: to the owner's household for a
/// private space, and to the household's settlement shard for every transaction (and the balance it left). A leg
/// stays in the stored outbox until its receiver answers that it has stored it, and is sent again after a failure
/// or a reload, so a credit in transit is never lost; receivers skip legs they have already kept.
/// </summary>
/// <remarks>
/// Reentrant, so two households paying each other at the same moment cannot wait on each other; writes are committed
/// in groups (<see cref="GroupCommit"/>). A write stores only what changed since the ledger was last stored whole (state
/// <c>household-ledger-recent</c>, see <see cref="RecentLedgerChanges"/>) while that is little, else the whole ledger. The
/// state is bounded: the newest <see cref="HouseholdLedger.JournalKept"/> transactions, older chunks in archive grains,
/// charges until two days after their booking ended, at most <see cref="RecentLedgerChanges.MaxChanges"/> changes apart.
/// </remarks>
[Reentrant]
[CompoundPlacement]
public sealed partial class HouseholdLedgerGrain(
    [PersistentState("household-ledger", GrainKeys.StorageName)] IPersistentState<HouseholdLedgerSnapshot> state,
    [PersistentState("household-ledger-recent", GrainKeys.StorageName)] IPersistentState<RecentLedgerChanges> recent,
    IOptions<CreditPolicy> policyOptions,
    ParkingClock time,
    SettlementBatcher settlement,
    ILogger<HouseholdLedgerGrain> logger) : Grain, IHouseholdLedgerGrain
{
    /// <summary>Archive chunks read for a statement beyond those its limit needs (chunks of earlier builds may be cleared or larger).</summary>
    public const int ChunksScanned = 5;
    private static readonly TimeSpan ChargeRetention = TimeSpan.FromDays(2);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);

    private readonly CreditPolicy _policy = policyOptions.Value;
    private HouseholdLedger _ledger = null!;
    private GroupCommit _commit = null!;
    private long _reportedVersion = -1;
    private IGrainTimer? _retry;

    /// <summary>The whole ledger as storage holds it (state <c>household-ledger</c>), to which the changes since are written apart.</summary>
    private StoredLedger _stored = null!;

    /// <summary>The highest id applied from each sender that the last completed write holds.</summary>
    private Dictionary<string, long> _storedAppliedFrom = new(StringComparer.Ordinal);
    private bool _settling;
    private bool _settleAgain;
    private string _compoundId = string.Empty;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = CompoundScopedKey.Of(this);
        _compoundId = key.CompoundId;
        var whole = state.RecordExists && state.State.Account.Length > 0
            ? state.State
            : HouseholdLedgerSnapshot.Empty(Accounts.Household(key.LocalId));
        _ledger = HouseholdLedger.Restore(whole);
        _stored = StoredLedger.Of(whole);
        if (recent.RecordExists)
        {
            _ledger.Replay(recent.State);
        }

        _storedAppliedFrom = new Dictionary<string, long>(_ledger.AppliedFromSenders, StringComparer.Ordinal);
        _commit = new GroupCommit(WriteOnce, exception =>
        {
            LogWriteFailed(exception, this.GetPrimaryKeyString());
            DeactivateOnIdle();
        });

        if (!_ledger.Migrated)
        {
            var earlier = await GrainFactory.Ledger(_compoundId).EarlierAccount(_ledger.Account);
            _ledger.TakeOver(earlier);
            if (earlier is not null)
            {
                await _commit.Save();
            }
        }

        if (_ledger.Outbox.Count > 0)
        {
            // Legs stored but perhaps never confirmed: send them again (receivers skip what they kept).
            ScheduleRetry();
        }
    }

    public async Task<Outcome<BookingCharge>> Charge(string reservationId, string payee, long amount, TimeWindow window, LedgerKind kind)
    {
        var before = _ledger.NextId;
        var known = _ledger.Charges.ContainsKey(reservationId);
        var outcome = _ledger.Charge(reservationId, payee, amount, window, _policy.Grant, time.GetUtcNow(), kind);

        // A repeated charge answers only once the first one is stored too.
        if (outcome.IsSuccess && (!known || _ledger.NextId != before || _commit.Writing))
        {
            await _commit.Save();
            await Deliver();
        }

        return outcome;
    }

    public async Task<LedgerTransaction?> Refund(string reservationId)
    {
        var refund = _ledger.Refund(reservationId, time.GetUtcNow());
        if (refund is not null)
        {
            await _commit.Save();
            await Deliver();
        }

        return refund;
    }

    public async Task<AccountStatement> GetAccount(int limit)
    {
        if (_ledger.Open(_policy.Grant, time.GetUtcNow()) is not null)
        {
            await _commit.Save();
            await Deliver();
        }

        var found = new List<LedgerTransaction>(Math.Min(limit, 256));
        found.AddRange(Enumerable.Reverse(_ledger.Journal).Take(limit));
        var oldest = _ledger.ArchivedChunks - ((limit / HouseholdLedger.ArchiveChunk) + ChunksScanned);
        for (var chunk = _ledger.ArchivedChunks - 1; chunk >= 0 && chunk >= oldest && found.Count < limit; chunk--)
        {
            found.AddRange(Enumerable.Reverse(await Archive(chunk).Get()).Take(limit - found.Count));
        }

        return new AccountStatement(_ledger.Account, _ledger.Balance, found);
    }

    public async Task<long> Receive(string sender, IReadOnlyList<LedgerTransaction> legs)
    {
        if (_ledger.Receive(sender, legs) || _commit.Writing)
        {
            await _commit.Save();

            // Only the settlement hears of it now: sending this household's own legs to other households from here
            // could send them back and forth between two households paying each other.
            await Deliver(settlementOnly: true);
        }

        // What the last completed write holds: legs applied after it started are confirmed by a later answer.
        return _storedAppliedFrom.GetValueOrDefault(sender);
    }

    public async Task<int> DeliverNow()
    {
        await Deliver(awaitSettlement: true);
        return _ledger.Outbox.Count;
    }

    public Task<IReadOnlyDictionary<string, SpaceEarnings>> GetSpaceEarnings(IReadOnlyList<string> spaceIds) =>
        Task.FromResult<IReadOnlyDictionary<string, SpaceEarnings>>(
            spaceIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ledger.EarningsOf, StringComparer.Ordinal));

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _retry?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends every unconfirmed leg to another household and waits for its answer, then settles with the shard: waiting for
    /// it too when <see cref="CreditPolicy.AwaitSettlement"/> is on (or <paramref name="awaitSettlement"/>), otherwise in
    /// the background. Legs leave the outbox only when their receiver confirms it stored them. A failure is logged and
    /// retried on a timer; the booking it follows stands (its legs are stored here).
    /// </summary>
    private async Task Deliver(bool settlementOnly = false, bool awaitSettlement = false)
    {
        try
        {
            var deliveries = new List<Task>();
            if (!settlementOnly)
            {
                foreach (var legs in _ledger.Outbox.Where(l => l.To != Accounts.Compound).GroupBy(l => l.To, StringComparer.Ordinal).ToList())
                {
                    if (Accounts.TryHouseholdOf(legs.Key, out var household))
                    {
                        deliveries.Add(Send(legs.Key, GrainFactory.HouseholdLedger(_compoundId, household), [.. legs.Select(l => l.Transaction)]));
                    }
                }
            }

            if (awaitSettlement || _policy.AwaitSettlement)
            {
                deliveries.Add(SettleNow());
            }
            else
            {
                SettleInBackground();
            }

            await Task.WhenAll(deliveries);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogDeliveryFailed(exception, this.GetPrimaryKeyString());
            ScheduleRetry();
        }
    }

    /// <summary>
    /// Settles with the shard after the caller has been answered. One settlement at a time: whatever changes while one is
    /// under way goes in the next, so a burst of bookings makes a few settlements, not one each.
    /// </summary>
    private void SettleInBackground()
    {
        if (_settling)
        {
            _settleAgain = true;
            return;
        }

        _settling = true;
        _ = SettleRepeatedly();
    }

    private async Task SettleRepeatedly()
    {
        try
        {
            do
            {
                _settleAgain = false;
                await SettleNow();
            }
            while (_settleAgain);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogDeliveryFailed(exception, this.GetPrimaryKeyString());
            ScheduleRetry();
        }
        finally
        {
            _settling = false;
        }
    }

    /// <summary>Sends the legs for the compound and the balance to the settlement shard, if it has not heard of them.</summary>
    private Task SettleNow()
    {
        var version = _ledger.Version;
        var decided = _ledger.Outbox.Where(l => l.To == Accounts.Compound).Select(l => l.Transaction).ToList();
        return decided.Count > 0 || version > _reportedVersion ? Settle(decided, version) : Task.CompletedTask;
    }

    private async Task Send(string to, IHouseholdLedgerGrain receiver, IReadOnlyList<LedgerTransaction> legs) =>
        _ledger.Confirmed(to, await receiver.Receive(_ledger.Account, legs));

    private async Task Settle(IReadOnlyList<LedgerTransaction> decided, long version)
    {
        var stored = await settlement.Settle(_compoundId, new SettlementReport(_ledger.Account, new ReportedBalance(_ledger.Balance, version), decided));
        _ledger.Confirmed(Accounts.Compound, stored);
        _reportedVersion = Math.Max(_reportedVersion, version);
    }

    private void ScheduleRetry() =>
        _retry ??= this.RegisterGrainTimer(RetryAsync, new GrainTimerCreationOptions(RetryPeriod, RetryPeriod) { KeepAlive = true, Interleave = true });

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        await Deliver(awaitSettlement: true);
        if (_ledger.Outbox.Count == 0 && _reportedVersion >= _ledger.Version)
        {
            _retry?.Dispose();
            _retry = null;
            await _commit.Save();
        }
    }

    private ILedgerArchiveGrain Archive(int chunk) =>
        GrainFactory.LedgerArchive(_compoundId, _ledger.Account, chunk);

    private async Task WriteOnce()
    {
        if (_ledger.ChunkToArchive() is { } chunk)
        {
            // Archive first, as a new chunk holding just this batch: a failure before the state write leaves the
            // transactions in both places, and the next attempt stores the same chunk under the same number again.
            await Archive(_ledger.ArchivedChunks).Store(chunk);
            _ledger.Archived(chunk.Count, time.GetUtcNow() - ChargeRetention);
        }

        // The storage provider may read the state after its first await: it is given changes or a snapshot no call can
        // change, and what it holds of the applied ids is taken now too.
        var appliedFrom = new Dictionary<string, long>(_ledger.AppliedFromSenders, StringComparer.Ordinal);
        if (state.RecordExists && _stored.ChangesTo(_ledger) is { } changes)
        {
            recent.State = changes;
            await recent.WriteStateAsync();
        }
        else
        {
            _ledger.StoringWhole();
            var snapshot = _ledger.Snapshot();
            state.State = snapshot;
            await state.WriteStateAsync();
            _stored = StoredLedger.Of(snapshot);
        }

        _storedAppliedFrom = appliedFrom;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the credit ledger of household {HouseholdKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string householdKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver the ledger legs of household {HouseholdKey}; retrying")]
    private partial void LogDeliveryFailed(Exception exception, string householdKey);
}
