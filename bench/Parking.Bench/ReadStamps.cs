using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Parking.Contracts;

namespace Parking.Bench;

/// <summary>
/// The hub protocol of one watcher's connection (JSON or MessagePack), noting when each <c>LotChanges</c> message was
/// taken off the connection, before it is parsed. The watcher's handler then times the change from that moment, so a
/// push's latency ends where the bytes reached the watcher's process and not after the watcher decoded them and
/// waited for its handler's turn (at 1,000 clients on the server's own two cores, that work is the bench's, not the
/// server's). The handler's own moment is kept too, as the "read -> handled" stage.
/// </summary>
/// <remarks>
/// The stamp is taken on every attempt to parse, so a message that arrived in pieces is stamped when its last piece is
/// there. Stamps go to a queue per connection and the handler takes them in order: a connection's invocations reach
/// its handlers one at a time, in the order they were parsed, whether or not the client dispatches them inline.
/// </remarks>
internal sealed class ReadStampingProtocol(IHubProtocol inner) : IHubProtocol
{
    private readonly ConcurrentQueue<long> _stamps = new();

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var readAt = DateTimeOffset.UtcNow.UtcTicks;
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            return false;
        }

        if (message is InvocationMessage { Target: nameof(IParkingClient.LotChanges) })
        {
            _stamps.Enqueue(readAt);
        }

        return true;
    }

    /// <summary>When the <c>LotChanges</c> message now being handled was taken off the connection (<paramref name="handledAt"/> when none was noted).</summary>
    public DateTimeOffset TakeReadAt(DateTimeOffset handledAt) =>
        _stamps.TryDequeue(out var ticks) ? new DateTimeOffset(ticks, TimeSpan.Zero) : handledAt;

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
}
