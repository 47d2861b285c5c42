using Parking.Grains.Credits;
using Xunit;

namespace Parking.Grains.Tests.Credits;

/// <summary>
/// How a silo's households reach their settlement shard (<see cref="Batches{TItem, TAnswer}"/>, which
/// <see cref="SettlementBatcher"/> runs per shard): one call at a time, the reports that arrive meanwhile together in the
/// next, each report answered with its own answer or its batch's failure. The sender here is held by the test, so what
/// goes in which batch does not depend on timing.
/// </summary>
public sealed class SettlementBatchTests
{
    [Fact]
    public async Task Reports_arriving_while_a_call_is_under_way_go_together_in_the_next_call()
    {
        var sender = new HeldSender();
        var batches = new Batches<int, long>(sender.Send, maxBatch: 100);

        var first = batches.Add(0);
        var firstCall = await sender.NextCall();
        Assert.Equal([0], firstCall.Items);

        // Twenty reports while the first call waits for its shard: none is sent on its own.
        var later = Enumerable.Range(1, 20).Select(batches.Add).ToList();
        firstCall.Answer();
        Assert.Equal(1000, await first);

        var secondCall = await sender.NextCall();
        Assert.Equal(Enumerable.Range(1, 20), secondCall.Items);
        secondCall.Answer();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => 1000L + i), await Task.WhenAll(later));
        Assert.Equal(2, sender.Calls);

        // Idle again: the next report leaves at once, in a call of its own.
        var alone = batches.Add(21);
        var third = await sender.NextCall();
        Assert.Equal([21], third.Items);
        third.Answer();
        Assert.Equal(1021, await alone);
    }

    [Fact]
    public async Task A_failed_call_fails_only_its_own_reports_and_the_next_batch_still_goes()
    {
        var sender = new HeldSender();
        var batches = new Batches<int, long>(sender.Send, maxBatch: 2);

        var first = batches.Add(1);
        var firstCall = await sender.NextCall();
        var waiting = new[] { batches.Add(2), batches.Add(3), batches.Add(4) };
        firstCall.Fail(new InvalidOperationException("shard lost"));
        Assert.Equal("shard lost", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);

        // At most two a call: 2 and 3, then 4.
        var second = await sender.NextCall();
        Assert.Equal([2, 3], second.Items);
        second.Answer();
        var third = await sender.NextCall();
        Assert.Equal([4], third.Items);
        third.Answer();
        var answers = await Task.WhenAll(waiting);
        Assert.Equal(new long[] { 1002, 1003, 1004 }, answers);
    }

    /// <summary>A shard whose calls the test answers: each item is answered with 1000 + itself.</summary>
    private sealed class HeldSender
    {
        private readonly System.Threading.Channels.Channel<HeldCall> _calls = System.Threading.Channels.Channel.CreateUnbounded<HeldCall>();
        private int _count;

        public int Calls => _count;

        public Task<IReadOnlyList<long>> Send(IReadOnlyList<int> items)
        {
            Interlocked.Increment(ref _count);
            var call = new HeldCall(items);
            _calls.Writer.TryWrite(call);
            return call.Result.Task;
        }

        /// <summary>The next call the batches make (a bounded wait).</summary>
        public async Task<HeldCall> NextCall()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _calls.Reader.ReadAsync(timeout.Token);
        }
    }

    private sealed class HeldCall(IReadOnlyList<int> items)
    {
        public IReadOnlyList<int> Items => items;

        public TaskCompletionSource<IReadOnlyList<long>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer() => Result.SetResult([.. items.Select(i => 1000L + i)]);

        public void Fail(Exception exception) => Result.SetException(exception);
    }
}
