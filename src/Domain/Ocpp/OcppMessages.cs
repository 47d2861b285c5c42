namespace Parking.Domain.Ocpp;

/// <summary>
/// The OCPP 1.6J messages a charge point sends, as records whose property names are the wire's (camelCase).
/// They are read only after the frame passed the action's JSON schema, so required fields are present;
/// enumerations stay strings, exactly as on the wire.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record OcppRequest;

[GenerateSerializer, Immutable]
public sealed record BootNotificationRequest(
    [Id(0)] string ChargePointVendor,
    [Id(1)] string ChargePointModel,
    [Id(2)] string? ChargePointSerialNumber,
    [Id(3)] string? FirmwareVersion) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record HeartbeatRequest : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record AuthorizeRequest([Id(0)] string IdTag) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record StatusNotificationRequest(
    [Id(0)] int ConnectorId,
    [Id(1)] string ErrorCode,
    [Id(2)] string Status,
    [Id(3)] DateTimeOffset? Timestamp,
    [Id(4)] string? Info) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record StartTransactionRequest(
    [Id(0)] int ConnectorId,
    [Id(1)] string IdTag,
    [Id(2)] long MeterStart,
    [Id(3)] DateTimeOffset Timestamp,
    [Id(4)] int? ReservationId) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record SampledValue(
    [Id(0)] string Value,
    [Id(1)] string? Context,
    [Id(2)] string? Measurand,
    [Id(3)] string? Unit,
    [Id(4)] string? Phase);

[GenerateSerializer, Immutable]
public sealed record MeterValue(
    [Id(0)] DateTimeOffset Timestamp,
    [Id(1)] IReadOnlyList<SampledValue> SampledValue);

[GenerateSerializer, Immutable]
public sealed record MeterValuesRequest(
    [Id(0)] int ConnectorId,
    [Id(1)] int? TransactionId,
    [Id(2)] IReadOnlyList<MeterValue> MeterValue) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record StopTransactionRequest(
    [Id(0)] int TransactionId,
    [Id(1)] long MeterStop,
    [Id(2)] DateTimeOffset Timestamp,
    [Id(3)] string? IdTag,
    [Id(4)] string? Reason,
    [Id(5)] IReadOnlyList<MeterValue>? TransactionData) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record DataTransferRequest(
    [Id(0)] string VendorId,
    [Id(1)] string? MessageId,
    [Id(2)] string? Data) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record DiagnosticsStatusNotificationRequest([Id(0)] string Status) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record FirmwareStatusNotificationRequest([Id(0)] string Status) : OcppRequest;

/// <summary>The central system's answer to a charge point's CALL: a CALLRESULT payload, or a CALLERROR.</summary>
[GenerateSerializer, Immutable]
public abstract record OcppResponse;

[GenerateSerializer, Immutable]
public sealed record IdTagInfo([Id(0)] string Status);

[GenerateSerializer, Immutable]
public sealed record BootNotificationResponse(
    [Id(0)] string Status,
    [Id(1)] DateTimeOffset CurrentTime,
    [Id(2)] int Interval) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record HeartbeatResponse([Id(0)] DateTimeOffset CurrentTime) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record AuthorizeResponse([Id(0)] IdTagInfo IdTagInfo) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record StartTransactionResponse(
    [Id(0)] IdTagInfo IdTagInfo,
    [Id(1)] int TransactionId) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record StopTransactionResponse([Id(0)] IdTagInfo? IdTagInfo) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record DataTransferResponse([Id(0)] string Status, [Id(1)] string? Data) : OcppResponse;

/// <summary>An answer without fields (StatusNotification, MeterValues, the two status notifications).</summary>
[GenerateSerializer, Immutable]
public sealed record EmptyResponse : OcppResponse;

/// <summary>A CALLERROR: <see cref="Code"/> is one of OCPP-J's error codes; nothing was changed.</summary>
[GenerateSerializer, Immutable]
public sealed record OcppFault(
    [Id(0)] string Code,
    [Id(1)] string Description,
    [Id(2)] string? Field = null) : OcppResponse;

/// <summary>OCPP-J 1.6's error codes (section 4.2.3 of the JSON specification, its spelling kept).</summary>
public static class OcppErrorCodes
{
    public const string NotImplemented = "NotImplemented";
    public const string NotSupported = "NotSupported";
    public const string InternalError = "InternalError";
    public const string ProtocolError = "ProtocolError";
    public const string SecurityError = "SecurityError";
    public const string FormationViolation = "FormationViolation";
    public const string PropertyConstraintViolation = "PropertyConstraintViolation";
    public const string OccurenceConstraintViolation = "OccurenceConstraintViolation";
    public const string TypeConstraintViolation = "TypeConstraintViolation";
    public const string GenericError = "GenericError";
}
