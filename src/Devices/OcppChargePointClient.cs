using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Parking.Devices;

/// <summary>The central system answered a CALL with a CALLERROR.</summary>
public sealed class OcppCallErrorException(string code, string description, JsonElement details)
    : Exception($"{code}: {description}")
{
    public string Code { get; } = code;

    public string Description { get; } = description;

    public JsonElement Details { get; } = details;
}

/// <summary>
/// The charge point's side of OCPP 1.6J over a real WebSocket (subprotocol <c>ocpp1.6</c>, HTTP Basic): sends CALLs
/// and waits for their answers, and answers the central system's CALLs through <see cref="OnCall"/>. The simulated
/// chargers of the embedded default, the tests and the benchmark all speak through it.
/// </summary>
public sealed class OcppChargePointClient : IAsyncDisposable
{
    public const string SubProtocol = "ocpp1.6";

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);
    private readonly Channel<JsonElement> _unmatched = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    /// <summary>Message ids are unique across this charge point's connections too, as a central system may remember them across a reconnect.</summary>
    private readonly string _idPrefix = Guid.NewGuid().ToString("N")[..12];
    private long _nextId;

    private OcppChargePointClient(ClientWebSocket socket, string chargePointId, Func<string, JsonElement, Task<JsonObject?>>? onCall)
    {
        _socket = socket;
        ChargePointId = chargePointId;
        OnCall = onCall;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    public string ChargePointId { get; }

    /// <summary>Answers a CALL from the central system: its payload, or null to refuse it with NotImplemented.</summary>
    public Func<string, JsonElement, Task<JsonObject?>>? OnCall { get; set; }

    /// <summary>Completes when the socket is gone.</summary>
    public Task Closed => _receiving;

    public WebSocketState State => _socket.State;

    /// <summary>
    /// Opens the socket to <c>{centralSystem}/{chargePointId}</c>; throws <see cref="WebSocketException"/> when the handshake is
    /// refused. <paramref name="onCall"/> answers from the first frame: a central system sends its CALLs (a status trigger, a
    /// configuration question, a profile) as soon as the socket opens, before a handler set afterwards could see them.
    /// For <c>wss://</c> (security profile 2) the central system's certificate is checked as any TLS client does, unless
    /// <paramref name="serverCertificateValidation"/> decides instead (a charger that pins its central system's certificate).
    /// </summary>
    public static async Task<OcppChargePointClient> ConnectAsync(
        Uri centralSystem,
        string chargePointId,
        string? password,
        string? subProtocol = SubProtocol,
        string? user = null,
        Func<string, JsonElement, Task<JsonObject?>>? onCall = null,
        RemoteCertificateValidationCallback? serverCertificateValidation = null,
        CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        try
        {
            if (serverCertificateValidation is not null)
            {
                socket.Options.RemoteCertificateValidationCallback = serverCertificateValidation;
            }

            if (subProtocol is not null)
            {
                socket.Options.AddSubProtocol(subProtocol);
            }

            if (password is not null)
            {
                var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user ?? chargePointId}:{password}"));
                socket.Options.SetRequestHeader("Authorization", "Basic " + credentials);
            }

            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
            socket.Options.CollectHttpResponseDetails = true;
            var uri = new Uri(centralSystem.ToString().TrimEnd('/') + "/" + Uri.EscapeDataString(chargePointId));
            await socket.ConnectAsync(uri, cancellationToken);
            return new OcppChargePointClient(socket, chargePointId, onCall);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a CALL and returns the CALLRESULT's payload; a CALLERROR throws <see cref="OcppCallErrorException"/>.</summary>
    public async Task<JsonElement> CallAsync(string action, JsonObject payload, string? messageId = null, CancellationToken cancellationToken = default)
    {
        var id = messageId ?? $"{_idPrefix}-{Interlocked.Increment(ref _nextId)}";
        var frame = new JsonArray(2, id, action, payload).ToJsonString();
        var reply = await SendRawAsync(frame, id, cancellationToken);
        return Unwrap(reply);
    }

    /// <summary>
    /// Sends any text as a frame and returns the reply frame: the one with <paramref name="messageId"/>, or, without
    /// one, the next reply no CALL of this client waits for (the answer to a frame that had no readable id).
    /// </summary>
    public async Task<JsonElement> SendRawAsync(string frame, string? messageId, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<JsonElement>? waiter = null;
        if (messageId is not null)
        {
            waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[messageId] = waiter;
        }

        await SendAsync(frame, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            return waiter is not null
                ? await waiter.Task.WaitAsync(timeout.Token)
                : await _unmatched.Reader.ReadAsync(timeout.Token);
        }
        finally
        {
            if (messageId is not null)
            {
                _pending.TryRemove(messageId, out _);
            }
        }
    }

    /// <summary>The payload of a CALLRESULT; a CALLERROR throws.</summary>
    public static JsonElement Unwrap(JsonElement reply) => reply[0].GetInt32() switch
    {
        3 => reply[2],
        4 => throw new OcppCallErrorException(reply[2].GetString()!, reply[3].GetString()!, reply.GetArrayLength() > 4 ? reply[4] : default),
        _ => throw new InvalidOperationException("Not a reply frame: " + reply.GetRawText()),
    };

    public async Task CloseAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }
    }

    /// <summary>Drops the connection without a closing handshake, as a charger losing power or its network does.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await _stop.CancelAsync();
        _socket.Abort();
        try
        {
            await _receiving;
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(string frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var frame = JsonDocument.Parse(message.ToArray()).RootElement;
                message.SetLength(0);
                if (frame[0].GetInt32() == 2)
                {
                    _ = Task.Run(() => AnswerAsync(frame));
                }
                else if (_pending.TryRemove(frame[1].GetString()!, out var waiter))
                {
                    waiter.TrySetResult(frame);
                }
                else
                {
                    _unmatched.Writer.TryWrite(frame);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            foreach (var (_, waiter) in _pending)
            {
                waiter.TrySetException(new WebSocketException("The connection to the central system closed."));
            }
        }
    }

    private async Task AnswerAsync(JsonElement call)
    {
        var id = call[1].GetString()!;
        var action = call[2].GetString()!;
        string reply;
        try
        {
            var payload = OnCall is { } handler ? await handler(action, call[3]) : null;
            reply = payload is null
                ? new JsonArray(4, id, "NotImplemented", $"{action} is not implemented by this charge point.", new JsonObject()).ToJsonString()
                : new JsonArray(3, id, payload).ToJsonString();
        }
        catch (Exception exception)
        {
            reply = new JsonArray(4, id, "InternalError", exception.Message, new JsonObject()).ToJsonString();
        }

        try
        {
            await SendAsync(reply, _stop.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
