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
    public void A_watcher_slow_to_read_holds_back_neither_the_other_lots_nor_the_next_batch()
    {
        var hub = new PendingHub();
        var observer = Observer(hub, stageTimes: false);

        var first = observer.Deliver([Restart("A", 1), Restart("B", 1)]);
        var second = observer.Deliver([Restart("A", 2)]);

        // Both batches are handed over although no send has finished, in publish order, each lot's own message.
        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(["lot:c1/A 1", "lot:c1/B 1", "lot:c1/A 2"], hub.Sent.Select(s => $"{s.Group} {s.Changes.Single().Sequence}"));
    }

    [Fact]
    public void A_lots_message_carries_the_stage_times_only_when_the_host_is_set_to_send_them()
    {
        var published = DateTimeOffset.UnixEpoch.AddSeconds(1);
        var flushed = published.AddMilliseconds(20);
        var change = new LotChangedPush("c1", "A", Epoch, new Parking.Grains.LotChange(3, null!)) { PublishedAt = published, FlushedAt = flushed };
        var timed = new PendingHub();
        var plain = new PendingHub();

        // A restart carries no times (it is no stored change); the hub maps a change's space, so only the times are checked here.
        Observer(timed, stageTimes: true).Deliver([Restart("A", 1)]);
        Observer(plain, stageTimes: false).Deliver([Restart("A", 1)]);
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

    private static HubObserver Observer(PendingHub hub, bool stageTimes) => new(
        hub,
        Options.Create(new SharingPolicy()),
        Options.Create(new HubPushOptions { StageTimes = stageTimes }),
        NullLogger<HubObserver>.Instance);

    /// <summary>A hub whose sends never finish; it records what it was handed, in order.</summary>
    private sealed class PendingHub : IHubContext<ParkingHubServer, IParkingClient>
    {
        public List<(string Group, IReadOnlyList<LotChangeDto> Changes)> Sent { get; } = [];

        public IHubClients<IParkingClient> Clients => new PendingClients(this);

        public IGroupManager Groups => throw new NotSupportedException();
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
                _hub!.Sent.Add((_group, changes));
            }

            return new TaskCompletionSource().Task;
        }
    }
}
