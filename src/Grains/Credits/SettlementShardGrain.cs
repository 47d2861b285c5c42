using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Credits;

namespace Parking.Grains.Credits;

/// <summary>
/// Keeps one shard of a compound's <see cref="CompoundSettlement"/>. Households report here after their own change is
/// stored; no booking is decided here. Reentrant, with writes committed in groups, so reports arriving during a write
/// go out together in the next one; when bookings do not wait for the settlement (<see cref="CreditPolicy.AwaitSettlement"/>
/// off), each write also gathers reports for <see cref="GatherTime"/> first. The state grows with the shard's
/// households, not with history: the newest transactions beyond <see cref="CompoundSettlement.RecentHot"/> go to
/// archive chunks. A write stores only what changed since the shard was last stored whole (state
/// <c>settlement-recent</c>, see <see cref="RecentSettlementChanges"/>) while that is little, else the whole shard.
/// </summary>
[Reentrant]
[CompoundPlacement]
public sealed partial class SettlementShardGrain(
    [PersistentState("settlement", GrainKeys.StorageName)] IPersistentState<CompoundSettlementSnapshot> state,
    [PersistentState("settlement-recent", GrainKeys.StorageName)] IPersistentState<RecentSettlementChanges> recent,
    IOptions<CreditPolicy> policyOptions,
    ILogger<SettlementShardGrain> logger) : Grain, ISettlementShardGrain
{
    /// <summary>How long a write waits for more reports when no booking waits on it.</summary>
    public static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(200);

    private CompoundSettlement _settlement = null!;
    private GroupCommit _commit = null!;
    private string _compoundId = string.Empty;
    private string _localId = string.Empty;

    /// <summary>The whole shard as storage holds it (state <c>settlement</c>), to which the changes since are written apart.</summary>
    private StoredSettlement _stored = null!;

    /// <summary>The highest transaction id settled from each household that the last completed write holds.</summary>
    private Dictionary<string, long> _storedAppliedFrom = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = CompoundScopedKey.Of(this);
        _compoundId = key.CompoundId;
        _localId = key.LocalId;
        _settlement = CompoundSettlement.Restore(state.State);
        _stored = StoredSettlement.Of(state.State);
        if (recent.RecordExists)
        {
            _settlement.Replay(recent.State);
        }

        _storedAppliedFrom = new Dictionary<string, long>(_settlement.AppliedFromHouseholds, StringComparer.Ordinal);
        _commit = new GroupCommit(
            WriteOnce,
            exception =>
            {
                LogWriteFailed(exception, this.GetPrimaryKeyString());
                DeactivateOnIdle();
            },
            policyOptions.Value.AwaitSettlement ? TimeSpan.Zero : GatherTime);

        if (!_settlement.Migrated)
        {
            var shard = GrainKeys.SettlementShardNumber(key.LocalId);
            var earlier = await GrainFactory.Ledger(key.CompoundId).EarlierSettlement(shard, GrainKeys.SettlementShards);
            _settlement.TakeOver(earlier.Balances, earlier.Compound);
            if (earlier.Balances.Count > 0 || earlier.Compound is { Transactions: > 0 })
            {
                await _commit.Save();
            }
        }
    }

    public async Task<IReadOnlyList<long>> SettleAll([Immutable] IReadOnlyList<SettlementReport> reports)
    {
        var changed = false;
        foreach (var report in reports)
        {
            changed |= _settlement.Settle(report.Household, report.Balance, report.Decided);
        }

        if (changed || _commit.Writing)
        {
            await _commit.Save();
        }

        // What the last completed write holds, not what is in memory: a report applied after that write started must
        // stay in its household's outbox until a write holds it too.
        return [.. reports.Select(r => _storedAppliedFrom.GetValueOrDefault(r.Household))];
    }

    public async Task<SettlementView> GetView(int limit)
    {
        var view = new SettlementView(
            _settlement.CompoundBalance,
            _settlement.InCirculation,
            _settlement.Households.Count,
            _settlement.Transactions,
            []);
        var recent = new List<LedgerTransaction>(Math.Min(limit, CompoundSettlement.RecentKept));
        recent.AddRange(Enumerable.Reverse(_settlement.Recent).Take(limit));
        var oldest = _settlement.ArchivedRecent - (CompoundSettlement.RecentKept / CompoundSettlement.RecentChunk);
        for (var chunk = _settlement.ArchivedRecent - 1; chunk >= 0 && chunk >= oldest && recent.Count < limit; chunk--)
        {
            recent.AddRange(Enumerable.Reverse(await Archive(chunk).Get()).Take(limit - recent.Count));
        }

        return view with { Recent = recent };
    }

    private ILedgerArchiveGrain Archive(int chunk) =>
        GrainFactory.LedgerArchive(_compoundId, _localId, chunk);

    private async Task WriteOnce()
    {
        while (_settlement.ChunkToArchive() is { } chunk)
        {
            // Archive first: a failure before the state write leaves the chunk in both places, and the next attempt
            // stores the same chunk under the same number again.
            await Archive(_settlement.ArchivedRecent).Store(chunk);
            _settlement.Archived(chunk.Count);
        }

        // The storage provider may read the state after its first await: it is given changes or a snapshot no report
        // can change.
        if (state.RecordExists && _stored.ChangesTo(_settlement) is { } changes)
        {
            recent.State = changes;
            await recent.WriteStateAsync();
            foreach (var (household, applied) in changes.AppliedFrom)
            {
                _storedAppliedFrom[household] = applied;
            }
        }
        else
        {
            _settlement.StoringWhole();
            var snapshot = _settlement.Snapshot();
            state.State = snapshot;
            await state.WriteStateAsync();
            _stored = StoredSettlement.Of(snapshot);
            _storedAppliedFrom = new Dictionary<string, long>(snapshot.AppliedFrom, StringComparer.Ordinal);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the settlement shard {ShardKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string shardKey);
}
