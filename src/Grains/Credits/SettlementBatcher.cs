using System.Collections.Concurrent;
using Parking.Domain.Credits;

namespace Parking.Grains.Credits;

/// <summary>
/// Carries the settlement reports of every household ledger active in one silo to their shards: one call per shard at a
/// time, with every report that arrived while the previous call was under way. Under load a shard then hears from a silo
/// a few times a second (its write gathers for <see cref="SettlementShardGrain.GatherTime"/>, and the call waits for it)
/// instead of once per booking, so a booking's settlement no longer costs a grain call of its own. When the shard is
/// idle a report leaves at once: nothing waits for a timer here.
/// </summary>
/// <remarks>
/// Only a messenger: a household forgets its legs when the shard's answer says a completed write holds them, as when it
/// called the shard itself, and a failed call fails every report it carried, so each household retries on its own timer.
/// A singleton of the silo's services (<c>AddParkingRules</c>; test silos register it themselves), so each silo has
/// its own, also when several silos share a test process.
/// </remarks>
public sealed class SettlementBatcher(IGrainFactory grains)
{
    /// <summary>Reports carried by one call at most; more wait for the next.</summary>
    public const int MaxBatch = 256;

    private readonly ConcurrentDictionary<(string CompoundId, int Shard), Batches<SettlementReport, long>> _shards = new();

    /// <summary>Reports to the household's shard; answers the highest id of the household's transactions the shard has stored.</summary>
    internal Task<long> Settle(string compoundId, SettlementReport report)
    {
        var shard = Accounts.SettlementShard(report.Household, GrainKeys.SettlementShards);
        var batches = _shards.GetOrAdd(
            (compoundId, shard),
            static (key, grains) => new Batches<SettlementReport, long>(
                reports => grains.SettlementShard(key.CompoundId, key.Shard).SettleAll(reports),
                MaxBatch),
            grains);
        return batches.Add(report);
    }
}

/// <summary>
/// Items sent in batches through <paramref name="send"/>, one batch in flight at a time: an item added while nothing is
/// being sent leaves at once, items added meanwhile go together in the next batch (at most <paramref name="maxBatch"/>
/// each). Each item's task completes with its own answer (<paramref name="send"/> answers one per item, in order), or
/// with the failure of the batch that carried it.
/// </summary>
internal sealed class Batches<TItem, TAnswer>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TAnswer>>> send, int maxBatch)
{
    private readonly Lock _gate = new();
    private readonly List<(TItem Item, TaskCompletionSource<TAnswer> Answer)> _waiting = [];
    private bool _sending;

    public Task<TAnswer> Add(TItem item)
    {
        var answer = new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiting.Add((item, answer));
            if (_sending)
            {
                return answer.Task;
            }

            _sending = true;
        }

        // Away from the caller's context: a grain's scheduler must not run the batches of the others.
        _ = Task.Run(SendAll);
        return answer.Task;
    }

    private async Task SendAll()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TAnswer> Answer)> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _sending = false;
                    return;
                }

                var count = Math.Min(_waiting.Count, maxBatch);
                batch = _waiting.GetRange(0, count);
                _waiting.RemoveRange(0, count);
            }

            try
            {
                var answers = await send([.. batch.Select(b => b.Item)]);
                if (answers.Count != batch.Count)
                {
                    throw new InvalidOperationException($"A batch of {batch.Count} got {answers.Count} answers.");
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.SetResult(answers[i]);
                }
            }
            catch (Exception exception)
            {
                foreach (var (_, answer) in batch)
                {
                    answer.TrySetException(exception);
                }
            }
        }
    }
}
