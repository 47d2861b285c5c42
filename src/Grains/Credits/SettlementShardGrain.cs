using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Parking.Domain.Credits;

namespace Parking.Grains.Credits;

/// <summary>
/// Keeps one shard of a compound's <see cref="CompoundSettlement"/>. Households report here after their own change is
/// stored; no booking is decided here. Reentrant, with writes committed in groups, so reports arriving during a write
/// go out together in the next one. The state grows with the shard's households, not with history.
/// </summary>
[Reentrant]
public sealed partial class SettlementShardGrain(
    [PersistentState("settlement", GrainKeys.StorageName)] IPersistentState<CompoundSettlementSnapshot> state,
    ILogger<SettlementShardGrain> logger) : Grain, ISettlementShardGrain
{
    private CompoundSettlement _settlement = null!;
    private GroupCommit _commit = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _settlement = CompoundSettlement.Restore(state.State);
        _commit = new GroupCommit(WriteOnce, exception =>
        {
            LogWriteFailed(exception, this.GetPrimaryKeyString());
            DeactivateOnIdle();
        });

        if (!_settlement.Migrated)
        {
            var key = CompoundScopedKey.Of(this);
            var shard = GrainKeys.SettlementShardNumber(key.LocalId);
            var earlier = await GrainFactory.Ledger(key.CompoundId).EarlierSettlement(shard, GrainKeys.SettlementShards);
            _settlement.TakeOver(earlier.Balances, earlier.Compound);
            if (earlier.Balances.Count > 0 || earlier.Compound is { Transactions: > 0 })
            {
                await _commit.Save();
            }
        }
    }

    public async Task<long> Settle(string household, ReportedBalance balance, IReadOnlyList<LedgerTransaction> decided)
    {
        if (_settlement.Settle(household, balance, decided) || _commit.Writing)
        {
            await _commit.Save();
        }

        return _settlement.AppliedFrom(household);
    }

    public Task<SettlementView> GetView(int limit) => Task.FromResult(new SettlementView(
        _settlement.CompoundBalance,
        _settlement.InCirculation,
        _settlement.Households.Count,
        _settlement.Transactions,
        [.. Enumerable.Reverse(_settlement.Recent).Take(limit)]));

    private async Task WriteOnce()
    {
        state.State = _settlement.Snapshot();
        await state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the settlement shard {ShardKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string shardKey);
}
