using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parking.Api.Hubs;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// A watcher that stops reading its socket, end to end: a real WebSocket on Kestrel speaking SignalR's JSON protocol,
/// which never reads again after it starts watching, beside the real SignalR client watching the same lot, while the
/// lot keeps changing. No timing: the changes go on until the host says it dropped the stalled connection (bounded by
/// a count of changes), and every wait ends by itself.
/// </summary>
public sealed class StalledWatcherTests
{
    /// <summary>
    /// Lower than the default (1,000): pending messages are batches (one per lot per ~20 ms window), so the default
    /// would take tens of seconds of changes to reach; a client that reads comes nowhere near either, since the test
    /// lets the lot run at most <see cref="MostAhead"/> changes ahead of the reading watcher.
    /// </summary>
    private const int Bound = 32;

    /// <summary>
    /// How far the changes may run ahead of what the reading watcher has heard: half the bound, so even when every change
    /// goes out as a message of its own (a loaded machine, changes slower than the hub's batching window) the reading
    /// watcher never holds as many as the bound and is never the one cut.
    /// </summary>
    private const int MostAhead = Bound / 2;

    /// <summary>
    /// Far more changes than the socket's buffers and the bound together can hold: the host's kernel send buffer grows
    /// to a few MB, so it takes some ten thousand changes here.
    /// </summary>
    private const int MostChanges = 60_000;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_watcher_that_stops_reading_is_dropped_at_the_bound_while_another_watcher_of_the_lot_gets_every_version_in_order()
    {
        var drops = new DropLog();
        await using var host = await ParkingHost.StartAsync(
            ParkingHost.NewClock(),
            settings: new Dictionary<string, string> { ["Parking:Hub:MaxPendingMessagesPerConnection"] = Bound.ToString(CultureInfo.InvariantCulture) },
            services: s => s.AddSingleton<ILoggerProvider>(drops));
        var manager = Assert.IsType<BoundedHubLifetimeManager>(host.Factory.Services.GetRequiredService<HubLifetimeManager<ParkingHubServer>>());

        await using var prompt = await host.ConnectHubAsync("r00002");
        var before = await prompt.WatchLotAsync("G1");
        await using var stalled = await RawHubSocket.ConnectAsync(host.Factory.BaseAddress, await host.TokenFor("r00003"));
        var watched = await stalled.WatchLotAsync(ParkingHost.Compound, "G1");
        Assert.Equal(before.Epoch, watched.Epoch);

        // From here the stalled client reads nothing (it only pings, as a live client does, so it is not dropped as silent).
        stalled.StopReadingAndKeepPinging();

        // Staff block and reopen eight spaces of the lot in turn, over and over, until the host drops the stalled
        // watcher; every MostAhead changes, they wait until the reading watcher has heard them (bounded), so only the
        // stalled one falls behind however loaded the machine is.
        var spaces = before.Spaces.Where(s => s.Ownership == SpaceOwnershipDto.Common).Take(8).Select(s => s.SpaceId).ToList();
        Assert.Equal(8, spaces.Count);
        var blocked = new bool[spaces.Count];
        var changes = 0;
        var mostPending = 0;
        while (!drops.Dropped(stalled.ConnectionId) && changes < MostChanges)
        {
            var i = changes % spaces.Count;
            blocked[i] = !blocked[i];
            var outcome = await host.Grains.Space(ParkingHost.Compound, spaces[i]).SetService(blocked[i]);
            Assert.True(outcome.IsSuccess, $"{spaces[i]}: {outcome.Error}");
            changes++;
            mostPending = Math.Max(mostPending, manager.Pending(stalled.ConnectionId));
            if (changes % MostAhead == 0)
            {
                await HeardUpTo(prompt, before.Sequence + changes);
            }
        }

        for (var i = 0; i < spaces.Count; i++)
        {
            if (blocked[i])
            {
                Assert.True((await host.Grains.Space(ParkingHost.Compound, spaces[i]).SetService(false)).IsSuccess);
                changes++;
            }
        }

        // Dropped by the bound, once, with no more held for it than the bound allows.
        var drop = Assert.Single(drops.Messages, m => m.Contains(stalled.ConnectionId, StringComparison.Ordinal));
        Assert.Contains($"holds {Bound} messages", drop, StringComparison.Ordinal);
        Assert.True(mostPending <= Bound, $"{mostPending} messages held for the stalled connection; the bound is {Bound}.");

        // The cut connection ends on the host's side after the warning (its disconnect runs on its own), and then holds
        // nothing: read until it has (bounded).
        var released = DateTimeOffset.UtcNow + Patience;
        while (manager.Pending(stalled.ConnectionId) > 0 && DateTimeOffset.UtcNow < released)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, manager.Pending(stalled.ConnectionId));

        // The stalled client's socket was closed by the host: reading again, it gets what the buffers held, then the end.
        var read = await stalled.ReadToEndAsync(Patience);
        Assert.True(read.Ended, $"The stalled socket was still open {Patience.TotalSeconds} s after the host dropped it.");
        Assert.All(read.Changes, c => Assert.Equal(("G1", before.Epoch), (c.LotId, c.Epoch)));
        Assert.Equal(read.Changes.Select(c => c.Sequence).Order(), read.Changes.Select(c => c.Sequence));

        // The watcher that reads has every version after its picture, once each, in order, although the lot moved on.
        var final = (await host.OccupancyAsync("G1")).Sequence;
        Assert.True(final >= before.Sequence + changes, $"The lot is at {final}, {changes} changes after {before.Sequence}.");
        Assert.True(read.Changes.Count == 0 || read.Changes[^1].Sequence < final, "The dropped watcher should have missed the last changes.");
        await HeardUpTo(prompt, final);

        var heard = prompt.LotBatches.SelectMany(b => b).Where(c => c.LotId == "G1" && c.Sequence > before.Sequence).ToList();
        Assert.All(heard, c => Assert.Equal(before.Epoch, c.Epoch));
        Assert.Equal(
            Enumerable.Range(0, checked((int)(final - before.Sequence))).Select(i => before.Sequence + 1 + i),
            heard.Select(c => c.Sequence));
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, prompt.Connection.State);
    }

    /// <summary>Waits (bounded) until the watcher has heard G1's change numbered <paramref name="sequence"/> or later.</summary>
    private static async Task HeardUpTo(HubClient watcher, long sequence)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!watcher.LotBatches.Any(b => b.Any(c => c.LotId == "G1" && c.Sequence >= sequence)) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }

    /// <summary>The hub's warnings that it dropped a connection, as an operator's log would show them.</summary>
    private sealed class DropLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public bool Dropped(string connectionId) => _messages.Any(m => m.Contains(connectionId, StringComparison.Ordinal));

        public ILogger CreateLogger(string categoryName) =>
            categoryName == typeof(BoundedHubLifetimeManager).FullName ? new Recorder(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Recorder(DropLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    log._messages.Enqueue(formatter(state, exception));
                }
            }
        }
    }

    private sealed record SeenChange(string LotId, Guid Epoch, long Sequence);

    private sealed record ReadToEnd(bool Ended, IReadOnlyList<SeenChange> Changes);

    /// <summary>
    /// A hub client on a bare WebSocket speaking SignalR's JSON protocol (negotiate, handshake, invocations, pings),
    /// so that it can stop reading its socket, which the SignalR client never does. Its socket takes only a few KB
    /// into the kernel before the host's writes to it wait.
    /// </summary>
    private sealed class RawHubSocket : IAsyncDisposable
    {
        private const byte Separator = 0x1e;

        private readonly ClientWebSocket _socket;
        private readonly HttpMessageInvoker _invoker;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<byte> _partial = [];
        private Task _pinging = Task.CompletedTask;

        private RawHubSocket(ClientWebSocket socket, HttpMessageInvoker invoker, string connectionId)
        {
            _socket = socket;
            _invoker = invoker;
            ConnectionId = connectionId;
        }

        /// <summary>The connection's id on the host (the hub's <c>Context.ConnectionId</c>).</summary>
        public string ConnectionId { get; }

        public static async Task<RawHubSocket> ConnectAsync(Uri baseAddress, string token)
        {
            string connectionId;
            string connectionToken;
            using (var http = new HttpClient { BaseAddress = baseAddress, Timeout = Patience })
            using (var negotiate = new HttpRequestMessage(HttpMethod.Post, new Uri($"{ParkingHub.Path}/negotiate?negotiateVersion=1", UriKind.Relative)))
            {
                negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(negotiate);
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                connectionId = body.RootElement.GetProperty("connectionId").GetString()!;
                connectionToken = body.RootElement.GetProperty("connectionToken").GetString()!;
            }

            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    // A small receive buffer, set before connecting so the window the host sees stays small.
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                    try
                    {
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            var invoker = new HttpMessageInvoker(handler);
            var webSocket = new ClientWebSocket();
            webSocket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            var uri = new UriBuilder(new Uri(baseAddress, ParkingHub.Path))
            {
                Scheme = "ws",
                Query = $"id={Uri.EscapeDataString(connectionToken)}",
            }.Uri;
            var client = new RawHubSocket(webSocket, invoker, connectionId);
            try
            {
                using var timeout = new CancellationTokenSource(Patience);
                await webSocket.ConnectAsync(uri, invoker, timeout.Token);
                await client.SendAsync("""{"protocol":"json","version":1}""");
                using var handshake = await client.ReadMessageAsync(timeout.Token);
                Assert.False(handshake.RootElement.TryGetProperty("error", out var error), $"Handshake refused: {error}");
                return client;
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
        }

        /// <summary>Invokes <c>WatchLot</c> and reads until its completion; answers the lot's epoch and number.</summary>
        public async Task<(Guid Epoch, long Sequence)> WatchLotAsync(string compoundId, string lotId)
        {
            await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = ParkingHub.WatchLot, arguments = new[] { compoundId, lotId } }));
            using var timeout = new CancellationTokenSource(Patience);
            while (true)
            {
                using var message = await ReadMessageAsync(timeout.Token);
                var root = message.RootElement;
                if (root.GetProperty("type").GetInt32() != 3 || root.GetProperty("invocationId").GetString() != "1")
                {
                    continue;
                }

                Assert.False(root.TryGetProperty("error", out var error), $"WatchLot refused: {error}");
                var result = root.GetProperty("result");
                return (result.GetProperty("epoch").GetGuid(), result.GetProperty("sequence").GetInt64());
            }
        }

        /// <summary>From now on nothing is read from the socket; a ping goes every 5 s, as the SignalR client's keep-alive.</summary>
        public void StopReadingAndKeepPinging() => _pinging = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), _stop.Token);
                    await SendAsync("""{"type":6}""");
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // Stopped, or the host closed the socket.
            }
        });

        /// <summary>Reads again until the socket ends (the host closed it) or <paramref name="patience"/> passes.</summary>
        public async Task<ReadToEnd> ReadToEndAsync(TimeSpan patience)
        {
            await _stop.CancelAsync();
            await _pinging;
            var changes = new List<SeenChange>();
            using var timeout = new CancellationTokenSource(patience);
            try
            {
                while (true)
                {
                    using var message = await ReadMessageAsync(timeout.Token);
                    var root = message.RootElement;
                    if (root.GetProperty("type").GetInt32() == 1 && root.GetProperty("target").GetString() == nameof(IParkingClient.LotChanges))
                    {
                        changes.AddRange(root.GetProperty("arguments")[0].EnumerateArray().Select(c => new SeenChange(
                            c.GetProperty("lotId").GetString()!, c.GetProperty("epoch").GetGuid(), c.GetProperty("sequence").GetInt64())));
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or EndOfStreamException && !timeout.IsCancellationRequested)
            {
                return new ReadToEnd(true, changes);
            }
            catch (OperationCanceledException)
            {
                return new ReadToEnd(false, changes);
            }
        }

        private Task SendAsync(string json) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(json + (char)Separator), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        /// <summary>The next hub message (a record-separated JSON text), reading frames as needed.</summary>
        private async Task<JsonDocument> ReadMessageAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var end = _partial.IndexOf(Separator);
                if (end >= 0)
                {
                    var json = _partial.GetRange(0, end).ToArray();
                    _partial.RemoveRange(0, end + 1);
                    return JsonDocument.Parse(json);
                }

                var received = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    throw new EndOfStreamException("The host closed the WebSocket.");
                }

                _partial.AddRange(buffer.AsSpan(0, received.Count).ToArray());
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _pinging;
            _socket.Abort();
            _socket.Dispose();
            _invoker.Dispose();
            _stop.Dispose();
        }
    }
}
