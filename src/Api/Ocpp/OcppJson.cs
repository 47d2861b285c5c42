using System.Text.Json;
using System.Text.Json.Serialization;
using Parking.Domain.Ocpp;

namespace Parking.Api.Ocpp;

/// <summary>OCPP-J's framing: CALL <c>[2, id, action, payload]</c>, CALLRESULT <c>[3, id, payload]</c>, CALLERROR <c>[4, id, code, description, details]</c>.</summary>
public static class OcppJson
{
    public const int Call = 2;
    public const int CallResult = 3;
    public const int CallError = 4;

    /// <summary>OCPP-J caps a message id at 36 characters.</summary>
    public const int MaxMessageIdLength = 36;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
    };

    public static Type? RequestType(string action) => action switch
    {
        "Authorize" => typeof(AuthorizeRequest),
        "BootNotification" => typeof(BootNotificationRequest),
        "DataTransfer" => typeof(DataTransferRequest),
        "DiagnosticsStatusNotification" => typeof(DiagnosticsStatusNotificationRequest),
        "FirmwareStatusNotification" => typeof(FirmwareStatusNotificationRequest),
        "Heartbeat" => typeof(HeartbeatRequest),
        "MeterValues" => typeof(MeterValuesRequest),
        "StartTransaction" => typeof(StartTransactionRequest),
        "StatusNotification" => typeof(StatusNotificationRequest),
        "StopTransaction" => typeof(StopTransactionRequest),
        _ => null,
    };

    public static string CallFrame(string messageId, string action, string payloadJson) =>
        $"[{Call},{JsonSerializer.Serialize(messageId)},{JsonSerializer.Serialize(action)},{payloadJson}]";

    public static string ResultFrame(string messageId, OcppResponse response) =>
        $"[{CallResult},{JsonSerializer.Serialize(messageId)},{(response is EmptyResponse ? "{}" : JsonSerializer.Serialize(response, response.GetType(), Options))}]";

    public static string ErrorFrame(string messageId, OcppFault fault)
    {
        var details = fault.Field is null ? "{}" : JsonSerializer.Serialize(new { field = fault.Field });
        return $"[{CallError},{JsonSerializer.Serialize(messageId)},{JsonSerializer.Serialize(fault.Code)},{JsonSerializer.Serialize(fault.Description)},{details}]";
    }
}
