using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parking.Api.Hubs;
using Parking.Contracts;
using Parking.Domain.Sharing;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// How this host hands its batches to the hub. The hub here keeps every send pending, as a watcher that stopped
/// reading would: the rule checked is the observer's own (what it waits for), which a live client cannot show
/// without timing. The real SignalR path is covered by <see cref="LiveUpdateTests"/>.
/// </summary>
public sealed class HubObserverTests
{
    private static readonly Guid Epoch = Guid.NewGuid();

    [Fact]
    public async Task A_watcher_slow_to_read_holds_back_neither_the_other_lots_nor_the_next_batch()
    {
        using var hub = new PendingHub();
        var observer = Observer(hub, stageTimes: false);

        var first = observer.Deliver([Restart("A", 1), Restart("B", 1)]);
        var second = observer.Deliver([Restart("A", 2)]);

        // Both batches are taken at once, and all of them handed over although no send has finished, each lot's in order.
        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        await hub.SentAll(3);
        Assert.Equal([1, 2], hub.SentTo("A"));
        Assert.Equal([1], hub.SentTo("B"));
    }

    [Fact]
    public async Task Batches_that_come_while_the_host_is_sending_go_out_after_it_as_one_message_per_lot()
    {
        using var hub = new PendingHub(holdFirstSend: true);
        var observer = Observer(hub, stageTimes: false, senders: 1);

        // The first batch's first send is held, as a host still writing to its connections is busy.
        var first = Task.Run(() => observer.Deliver([Restart("A", 1), Restart("B", 1)]));
        await hub.FirstSendStarted();
        var second = observer.Deliver([Restart("A", 2), Restart("B", 2)]);
        var third = observer.Deliver([Restart("A", 3)]);

        // Taken at once, not queued behind the held send.
        Assert.True(second.IsCompletedSuccessfully);
        Assert.True(third.IsCompletedSuccessfully);
        hub.ReleaseFirstSend();
        await first;
        await hub.SentAll(5);

        // The first batch as it was; the two that waited go out together: lot A's changes of both in one message, in order.
        Assert.Equal(["lot:c1/A 1", "lot:c1/B 1", "lot:c1/A 2,3", "lot:c1/B 2"], hub.Messages());
    }

    [Fact]
    public async Task With_two_senders_a_lot_whose_send_is_held_holds_back_not_the_other_lot_of_its_round()
    {
        using var hub = new PendingHub(holdFirstSend: true);
        var observer = Observer(hub, stageTimes: false, senders: 2);

        // Whichever lot's send starts first is held, as a send still writing to a thousand connections; the other lot of
        // the same round is handed over meanwhile by the second sender (with one sender it would wait for the release).
        var first = Task.Run(() => observer.Deliver([Restart("A", 1), Restart("B", 1)]));
        await hub.FirstSendStarted();
        await hub.SentAll(2, bound: PendingHub.HoldBound / 2);

        // Batches that come meanwhile wait for the whole round, then go out as one message per lot, each lot in order.
        var second = observer.Deliver([Restart("A", 2), Restart("B", 2)]);
        var third = observer.Deliver([Restart("A", 3)]);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.True(third.IsCompletedSuccessfully);
        hub.ReleaseFirstSend();
        await first;
        await hub.SentAll(5);
        Assert.Equal([1, 2, 3], hub.SentTo("A"));
        Assert.Equal([1, 2], hub.SentTo("B"));
        Assert.Equal(["lot:c1/A 1", "lot:c1/A 2,3", "lot:c1/B 1", "lot:c1/B 2"], hub.Messages().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_rounds_lots_are_dealt_to_the_senders_in_turn_and_every_other_push_to_the_first_in_its_order()
    {
        var alert1 = new ChargerAlertPush("c1", "ch1", default, "one", DateTimeOffset.UnixEpoch);
        var alert2 = alert1 with { Message = "two" };
        IReadOnlyList<IReadOnlyList<Push>> messages = [[Restart("A", 1)], [alert1], [Restart("B", 1)], [Restart("C", 1)], [alert2]];

        var lanes = HubObserver.Lanes(messages, 2);

        Assert.Equal(2, lanes.Count);
        Assert.Equal([messages[0], messages[1], messages[3], messages[4]], lanes[0]);
        Assert.Equal([messages[2]], lanes[1]);
        Assert.Equal([messages], HubObserver.Lanes(messages, 1));

        // No more lanes than messages, and none left empty.
        Assert.Single(HubObserver.Lanes([[Restart("A", 1)]], 4));
        Assert.Equal(2, HubObserver.Lanes([[Restart("A", 1)], [Restart("B", 1)]], 8).Count);
    }

    [Fact]
    public async Task A_lots_message_carries_the_stage_times_only_when_the_host_is_set_to_send_them()
    {
        var published = DateTimeOffset.UnixEpoch.AddSeconds(1);
        var flushed = published.AddMilliseconds(20);
        var change = new LotChangedPush("c1", "A", Epoch, new Parking.Grains.LotChange(3, null!)) { PublishedAt = published, FlushedAt = flushed };
        using var timed = new PendingHub();
        using var plain = new PendingHub();

        // A restart carries no times (it is no stored change); the hub maps a change's space, so only the times are checked here.
        await Observer(timed, stageTimes: true).Deliver([Restart("A", 1)]);
        await Observer(plain, stageTimes: false).Deliver([Restart("A", 1)]);
        await timed.SentAll(1);
        await plain.SentAll(1);
        Assert.Null(timed.Sent.Single().Changes.Single().Times);
        Assert.Null(plain.Sent.Single().Changes.Single().Times);

        var dto = new LotChangeDto("c1", "A", Epoch, 3, published, null);
        var host = flushed.AddMilliseconds(1);
        var sent = host.AddMilliseconds(2);
        var times = HubObserver.WithTimes(dto, change, host, sent).Times;
        Assert.Equal(new PushStageTimesDto(published, flushed, host, sent), times);
        Assert.DoesNotContain("times", System.Text.Json.JsonSerializer.Serialize(dto), StringComparison.OrdinalIgnoreCase);
    }

    private static LotRestartedPush Restart(string lot, long sequence) => new("c1", lot, Epoch, sequence, DateTimeOffset.UnixEpoch);

    private static HubObserver Observer(PendingHub hub, bool stageTimes, int senders = HubPushOptions.DefaultSenders) => new(
        hub,
        Options.Create(new SharingPolicy()),
        Options.Create(new HubPushOptions { StageTimes = stageTimes, Senders = senders }),
        NullLogger<HubObserver>.Instance);

    /// <summary>
    /// A hub whose sends never finish; it records what it was handed, in order. Held, its first send does not return
    /// until released, as a host busy writing a batch to its connections.
    /// </summary>
    private sealed class PendingHub(bool holdFirstSend = false) : IHubContext<ParkingHubServer, IParkingClient>, IDisposable
    {
        private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

        /// <summary>How long a held send waits for its release at most (a bound, so a failing test ends).</summary>
        public static TimeSpan HoldBound => Bound;
        private readonly List<(string Group, IReadOnlyList<LotChangeDto> Changes)> _sent = [];
        private readonly TaskCompletionSource _firstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _release = new(!holdFirstSend);

        public List<(string Group, IReadOnlyList<LotChangeDto> Changes)> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public IHubClients<IParkingClient> Clients => new PendingClients(this);

        public IGroupManager Groups => throw new NotSupportedException();

        public void Record(string group, IReadOnlyList<LotChangeDto> changes)
        {
            bool first;
            lock (_sent)
            {
                first = _sent.Count == 0;
                _sent.Add((group, changes));
            }

            if (first)
            {
                _firstStarted.TrySetResult();
                _release.Wait(Bound);
            }
        }

        public Task FirstSendStarted() => _firstStarted.Task.WaitAsync(Bound);

        public void ReleaseFirstSend() => _release.Set();

        /// <summary>Waits (bounded) until <paramref name="changes"/> lot changes were handed over in all.</summary>
        public async Task SentAll(int changes, TimeSpan? bound = null)
        {
            using var timeout = new CancellationTokenSource(bound ?? Bound);
            while (Sent.Sum(s => s.Changes.Count) < changes)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        public long[] SentTo(string lot) => [.. Sent.Where(s => s.Group == $"lot:c1/{lot}").SelectMany(s => s.Changes).Select(c => c.Sequence)];

        public string[] Messages() => [.. Sent.Select(s => $"{s.Group} {string.Join(",", s.Changes.Select(c => c.Sequence))}")];

        public void Dispose() => _release.Dispose();
    }

    private sealed class PendingClients(PendingHub hub) : IHubClients<IParkingClient>
    {
        public IParkingClient All => throw new NotSupportedException();

        public IParkingClient Group(string groupName) => Recorder.For(hub, groupName);

        public IParkingClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IParkingClient Client(string connectionId) => throw new NotSupportedException();

        public IParkingClient Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public IParkingClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IParkingClient Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public IParkingClient User(string userId) => throw new NotSupportedException();

        public IParkingClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();
    }

    /// <summary>The client of one group: records lot changes and answers every send with a task that never finishes.</summary>
    public class Recorder : DispatchProxy
    {
        private PendingHub? _hub;
        private string _group = string.Empty;

        internal static IParkingClient For(object hub, string group)
        {
            var client = Create<IParkingClient, Recorder>();
            var recorder = (Recorder)(object)client;
            recorder._hub = (PendingHub)hub;
            recorder._group = group;
            return client;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IParkingClient.LotChanges) && args?[0] is IReadOnlyList<LotChangeDto> changes)
            {
                _hub!.Record(_group, changes);
            }

            return new TaskCompletionSource().Task;
        }
    }
}
