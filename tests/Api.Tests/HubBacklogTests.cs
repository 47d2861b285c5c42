using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parking.Api.Hubs;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The bound on a hub connection's unsent messages (<see cref="HubPushOptions.MaxPendingMessagesPerConnection"/>), on
/// SignalR's own connection objects: one watcher's socket never takes a byte (its writes stay pending, as a client that
/// stopped reading), the other's takes everything at once. No timing: the counts are what the manager holds.
/// </summary>
public sealed class HubBacklogTests
{
    private const string Group = "lot:c1/A";

    [Fact]
    public async Task A_watcher_that_stopped_reading_is_dropped_past_the_bound_and_a_prompt_one_gets_every_message()
    {
        var manager = new BoundedHubLifetimeManager(
            NullLogger<DefaultHubLifetimeManager<ParkingHubServer>>.Instance,
            Options.Create(new HubPushOptions { MaxPendingMessagesPerConnection = 3 }),
            NullLogger<BoundedHubLifetimeManager>.Instance);
        var prompt = new Watcher("prompt", reads: true);
        var stalled = new Watcher("stalled", reads: false);
        foreach (var watcher in new[] { prompt, stalled })
        {
            await manager.OnConnectedAsync(watcher.Connection);
            await manager.AddToGroupAsync(watcher.Connection.ConnectionId, Group);
        }

        // The socket is cut (the transport's own abort), which ends the hub connection too and lets the client reconnect.
        var dropped = new TaskCompletionSource();
        stalled.Connection.ConnectionAborted.Register(() => dropped.TrySetResult());
        var cut = new TaskCompletionSource();
        stalled.Transport.ConnectionClosed.Register(() => cut.TrySetResult());

        // The stalled watcher's first message waits for its socket, the next two behind it: three held, the bound.
        var sends = Enumerable.Range(1, 3).Select(i => manager.SendGroupAsync(Group, "LotChanges", [i])).ToList();
        Assert.Equal(3, manager.Pending("stalled"));
        Assert.Equal(0, manager.Pending("prompt"));
        Assert.False(stalled.Connection.ConnectionAborted.IsCancellationRequested);
        Assert.All(sends, s => Assert.False(s.IsCompleted));

        // One more than it may hold: that watcher is dropped; the one that reads has had every message.
        _ = manager.SendGroupAsync(Group, "LotChanges", [4]);
        await cut.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(prompt.Transport.ConnectionClosed.IsCancellationRequested);
        Assert.Equal(4, prompt.MessagesTaken());

        // Gone from the group with its connection; the others go on hearing.
        await manager.OnDisconnectedAsync(stalled.Connection);
        Assert.True(manager.SendGroupAsync(Group, "LotChanges", [5]).IsCompletedSuccessfully);
        Assert.Equal(1, prompt.MessagesTaken());
        Assert.Equal(0, manager.Pending("stalled"));
    }

    [Fact]
    public async Task A_watcher_that_reads_is_never_near_the_bound()
    {
        var manager = new BoundedHubLifetimeManager(
            NullLogger<DefaultHubLifetimeManager<ParkingHubServer>>.Instance,
            Options.Create(new HubPushOptions { MaxPendingMessagesPerConnection = 1 }),
            NullLogger<BoundedHubLifetimeManager>.Instance);
        var prompt = new Watcher("prompt", reads: true);
        await manager.OnConnectedAsync(prompt.Connection);
        await manager.AddToGroupAsync("prompt", Group);
        await manager.AddToGroupAsync("prompt", "staff:c1");

        for (var i = 0; i < 50; i++)
        {
            Assert.True(manager.SendGroupsAsync([Group, "staff:c1"], "LotChanges", [i]).IsCompletedSuccessfully);
        }

        Assert.Equal(100, prompt.MessagesTaken());
        Assert.False(prompt.Connection.ConnectionAborted.IsCancellationRequested);

        // Leaving a group stops its messages, not the others'.
        await manager.RemoveFromGroupAsync("prompt", Group);
        await manager.SendGroupAsync(Group, "LotChanges", [0]);
        await manager.SendGroupExceptAsync("staff:c1", "LotChanges", [0], []);
        Assert.Equal(1, prompt.MessagesTaken());
    }

    /// <summary>A SignalR connection over pipes: one that takes every byte at once, or one that takes none.</summary>
    private sealed class Watcher
    {
        private readonly Pipe _toClient;

        public Watcher(string id, bool reads)
        {
            // A pipe that pauses at one byte holds every write that reaches it until the client reads, which it never does.
            _toClient = new Pipe(new PipeOptions(pauseWriterThreshold: reads ? 0 : 1, resumeWriterThreshold: reads ? 0 : 1));
            var fromClient = new Pipe();
            var transport = new DuplexPipe(fromClient.Reader, _toClient.Writer);
            var application = new DuplexPipe(_toClient.Reader, fromClient.Writer);
            Transport = new DefaultConnectionContext(id, transport, application);
            Connection = new HubConnectionContext(Transport, new HubConnectionContextOptions(), NullLoggerFactory.Instance)
            {
                Protocol = new JsonHubProtocol(),
            };
        }

        /// <summary>The connection under the hub's: its socket, as far as this test goes.</summary>
        public DefaultConnectionContext Transport { get; }

        public HubConnectionContext Connection { get; }

        /// <summary>The messages written to the client since last asked (JSON hub messages end with a record separator).</summary>
        public int MessagesTaken()
        {
            if (!_toClient.Reader.TryRead(out var read))
            {
                return 0;
            }

            var count = 0;
            foreach (var segment in read.Buffer)
            {
                count += segment.Span.Count((byte)0x1e);
            }

            _toClient.Reader.AdvanceTo(read.Buffer.End);
            return count;
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
