using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Parking.Domain.Ocpp;
using Parking.Grains.Ocpp;

namespace Parking.Api.Ocpp;

/// <summary>
/// One charge point's WebSocket on this host. Reads frames one at a time (a charge point sends one CALL and
/// waits for its answer), checks each against OCPP-J's framing and the action's schema, hands valid CALLs to
/// the charge point's grain and writes its answer; writes the grain's commands as CALLs and reports their answers.
/// </summary>
public sealed partial class OcppConnection(
    WebSocket socket,
    string chargePointId,
    IChargePointGrain grain,
    TimeSpan commandTimeout,
    ILogger logger) : IDisposable
{
    /// <summary>A frame larger than this is refused (the socket is closed as "message too big").</summary>
    public const int MaxFrameBytes = 64 * 1024;

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, PendingCall> _calls = new(StringComparer.Ordinal);
    private long _nextCallId;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public string ChargePointId => chargePointId;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(8 * 1024);
        try
        {
            using var frame = new MemoryStream();
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }

                frame.Write(buffer, 0, received.Count);
                if (frame.Length > MaxFrameBytes)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"An OCPP frame is at most {MaxFrameBytes} bytes.", CancellationToken.None);
                    break;
                }

                if (!received.EndOfMessage)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length);
                frame.SetLength(0);
                if (received.MessageType != WebSocketMessageType.Text)
                {
                    await SendAsync(OcppJson.ErrorFrame("-1", new OcppFault(OcppErrorCodes.FormationViolation, "OCPP-J frames are text (UTF-8 JSON), not binary.")), cancellationToken);
                    continue;
                }

                await OnFrameAsync(text, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            LogSocketEnded(chargePointId, exception.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (var (_, call) in _calls)
            {
                call.Timeout.Dispose();
                _ = ReportAsync(call.CommandId, new OcppCallResult(null, null, null, NotConnected: true));
            }

            _calls.Clear();
        }
    }

    /// <summary>Writes a command as a CALL; its answer (or its absence) is reported to the grain.</summary>
    public async Task CallAsync(string commandId, string action, string payloadJson)
    {
        var messageId = $"cs-{Interlocked.Increment(ref _nextCallId)}-{commandId[..8]}";
        var timeout = new CancellationTokenSource(commandTimeout);
        var call = new PendingCall(commandId, action, timeout);
        _calls[messageId] = call;
        timeout.Token.Register(() =>
        {
            if (_calls.TryRemove(messageId, out _))
            {
                _ = ReportAsync(commandId, new OcppCallResult(null, "Timeout", $"No answer within {commandTimeout.TotalSeconds:0} s."));
            }
        });

        try
        {
            await SendAsync(OcppJson.CallFrame(messageId, action, payloadJson), CancellationToken.None);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            if (_calls.TryRemove(messageId, out _))
            {
                timeout.Dispose();
                await ReportAsync(commandId, new OcppCallResult(null, null, null, NotConnected: true));
            }
        }
    }

    public void Dispose() => _sendLock.Dispose();

    public async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(status, description, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
        }

        socket.Abort();
    }

    private async Task OnFrameAsync(string text, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            await SendAsync(OcppJson.ErrorFrame("-1", new OcppFault(OcppErrorCodes.FormationViolation, $"The frame is not JSON: {exception.Message}")), cancellationToken);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var messageId = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 1 && root[1].ValueKind == JsonValueKind.String ? root[1].GetString()! : "-1";
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() < 3 || root[0].ValueKind != JsonValueKind.Number
                || !root[0].TryGetInt32(out var type) || root[1].ValueKind != JsonValueKind.String)
            {
                await SendAsync(OcppJson.ErrorFrame(messageId, new OcppFault(OcppErrorCodes.FormationViolation, "An OCPP-J frame is an array: [2, messageId, action, payload], [3, messageId, payload] or [4, messageId, errorCode, errorDescription, errorDetails].")), cancellationToken);
                return;
            }

            switch (type)
            {
                case OcppJson.Call:
                    await OnCallAsync(root, messageId, cancellationToken);
                    break;
                case OcppJson.CallResult:
                    await OnResultAsync(messageId, root[2]);
                    break;
                case OcppJson.CallError:
                    await OnErrorAsync(messageId, root);
                    break;
                default:
                    await SendAsync(OcppJson.ErrorFrame(messageId, new OcppFault(OcppErrorCodes.FormationViolation, $"Message type {type} is not 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR).")), cancellationToken);
                    break;
            }
        }
    }

    private async Task OnCallAsync(JsonElement root, string messageId, CancellationToken cancellationToken)
    {
        var reply = await AnswerAsync(root, messageId);
        await SendAsync(reply is OcppFault fault ? OcppJson.ErrorFrame(messageId, fault) : OcppJson.ResultFrame(messageId, reply), cancellationToken);
    }

    private async Task<OcppResponse> AnswerAsync(JsonElement root, string messageId)
    {
        if (root.GetArrayLength() != 4 || root[2].ValueKind != JsonValueKind.String || root[3].ValueKind != JsonValueKind.Object)
        {
            return new OcppFault(OcppErrorCodes.FormationViolation, "A CALL is [2, messageId, action, payload] with a string action and an object payload.");
        }

        if (messageId.Length is 0 or > OcppJson.MaxMessageIdLength)
        {
            return new OcppFault(OcppErrorCodes.FormationViolation, $"messageId has 1 to {OcppJson.MaxMessageIdLength} characters.", "messageId");
        }

        var action = root[2].GetString()!;
        var payload = root[3];
        if (OcppJson.RequestType(action) is not { } requestType)
        {
            return OcppSchemas.OtherActions.Contains(action)
                ? new OcppFault(OcppErrorCodes.NotSupported, $"{action} is an OCPP 1.6 action a central system does not take from a charge point.")
                : new OcppFault(OcppErrorCodes.NotImplemented, $"'{action}' is not an OCPP 1.6 action this central system knows.");
        }

        if (OcppSchemas.Check(action, isRequest: true, payload) is { } invalid)
        {
            return invalid;
        }

        OcppRequest request;
        try
        {
            request = (OcppRequest)payload.Deserialize(requestType, OcppJson.Options)!;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            return new OcppFault(OcppErrorCodes.TypeConstraintViolation, $"A field is out of its type's range: {exception.Message}");
        }

        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(payload.GetRawText())));
        try
        {
            return await grain.Handle(messageId, action, fingerprint, request);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogHandleFailed(exception, chargePointId, action);
            return new OcppFault(OcppErrorCodes.InternalError, "The central system could not take the message now; nothing was changed. Send it again.");
        }
    }

    private async Task OnResultAsync(string messageId, JsonElement payload)
    {
        if (!_calls.TryRemove(messageId, out var call))
        {
            LogUnexpectedAnswer(chargePointId, messageId);
            return;
        }

        call.Timeout.Dispose();
        var result = payload.ValueKind != JsonValueKind.Object
            ? new OcppCallResult(null, OcppErrorCodes.FormationViolation, "The CALLRESULT's payload is not an object.")
            : OcppSchemas.Check(call.Action, isRequest: false, payload) is { } invalid
                ? new OcppCallResult(payload.GetRawText(), invalid.Code, invalid.Description)
                : new OcppCallResult(payload.GetRawText(), null, null);
        await ReportAsync(call.CommandId, result);
    }

    private async Task OnErrorAsync(string messageId, JsonElement root)
    {
        if (!_calls.TryRemove(messageId, out var call))
        {
            LogUnexpectedAnswer(chargePointId, messageId);
            return;
        }

        call.Timeout.Dispose();
        var code = root.GetArrayLength() > 2 && root[2].ValueKind == JsonValueKind.String ? root[2].GetString() : OcppErrorCodes.GenericError;
        var description = root.GetArrayLength() > 3 && root[3].ValueKind == JsonValueKind.String ? root[3].GetString() : null;
        await ReportAsync(call.CommandId, new OcppCallResult(null, code, description));
    }

    private async Task ReportAsync(string commandId, OcppCallResult result)
    {
        try
        {
            await grain.CallEnded(commandId, result);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReportFailed(exception, chargePointId, commandId);
        }
    }

    private async Task SendAsync(string frame, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private sealed record PendingCall(string CommandId, string Action, CancellationTokenSource Timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Charge point {ChargePointId}: socket ended ({Reason})")]
    private partial void LogSocketEnded(string chargePointId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge point {ChargePointId}: {Action} could not be handled")]
    private partial void LogHandleFailed(Exception exception, string chargePointId, string action);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: an answer to message {MessageId}, which this host did not send or already gave up on")]
    private partial void LogUnexpectedAnswer(string chargePointId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge point {ChargePointId}: could not report how command {CommandId} ended")]
    private partial void LogReportFailed(Exception exception, string chargePointId, string commandId);
}
