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
    [property: Id(0)] string ChargePointVendor,
    [property: Id(1)] string ChargePointModel,
    [property: Id(2)] string? ChargePointSerialNumber,
    [property: Id(3)] string? FirmwareVersion) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record HeartbeatRequest : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record AuthorizeRequest([property: Id(0)] string IdTag) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record StatusNotificationRequest(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] string ErrorCode,
    [property: Id(2)] string Status,
    [property: Id(3)] DateTimeOffset? Timestamp,
    [property: Id(4)] string? Info) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record StartTransactionRequest(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] string IdTag,
    [property: Id(2)] long MeterStart,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] int? ReservationId) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record SampledValue(
    [property: Id(0)] string Value,
    [property: Id(1)] string? Context,
    [property: Id(2)] string? Measurand,
    [property: Id(3)] string? Unit,
    [property: Id(4)] string? Phase);

[GenerateSerializer, Immutable]
public sealed record MeterValue(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] IReadOnlyList<SampledValue> SampledValue);

[GenerateSerializer, Immutable]
public sealed record MeterValuesRequest(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] int? TransactionId,
    [property: Id(2)] IReadOnlyList<MeterValue> MeterValue) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record StopTransactionRequest(
    [property: Id(0)] int TransactionId,
    [property: Id(1)] long MeterStop,
    [property: Id(2)] DateTimeOffset Timestamp,
    [property: Id(3)] string? IdTag,
    [property: Id(4)] string? Reason,
    [property: Id(5)] IReadOnlyList<MeterValue>? TransactionData) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record DataTransferRequest(
    [property: Id(0)] string VendorId,
    [property: Id(1)] string? MessageId,
    [property: Id(2)] string? Data) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record DiagnosticsStatusNotificationRequest([property: Id(0)] string Status) : OcppRequest;

[GenerateSerializer, Immutable]
public sealed record FirmwareStatusNotificationRequest([property: Id(0)] string Status) : OcppRequest;

/// <summary>The central system's answer to a charge point's CALL: a CALLRESULT payload, or a CALLERROR.</summary>
[GenerateSerializer, Immutable]
public abstract record OcppResponse;

[GenerateSerializer, Immutable]
public sealed record IdTagInfo([property: Id(0)] string Status);

[GenerateSerializer, Immutable]
public sealed record BootNotificationResponse(
    [property: Id(0)] string Status,
    [property: Id(1)] DateTimeOffset CurrentTime,
    [property: Id(2)] int Interval) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record HeartbeatResponse([property: Id(0)] DateTimeOffset CurrentTime) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record AuthorizeResponse([property: Id(0)] IdTagInfo IdTagInfo) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record StartTransactionResponse(
    [property: Id(0)] IdTagInfo IdTagInfo,
    [property: Id(1)] int TransactionId) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record StopTransactionResponse([property: Id(0)] IdTagInfo? IdTagInfo) : OcppResponse;

[GenerateSerializer, Immutable]
public sealed record DataTransferResponse([property: Id(0)] string Status, [property: Id(1)] string? Data) : OcppResponse;

/// <summary>An answer without fields (StatusNotification, MeterValues, the two status notifications).</summary>
[GenerateSerializer, Immutable]
public sealed record EmptyResponse : OcppResponse;

/// <summary>A CALLERROR: <see cref="Code"/> is one of OCPP-J's error codes; nothing was changed.</summary>
[GenerateSerializer, Immutable]
public sealed record OcppFault(
    [property: Id(0)] string Code,
    [property: Id(1)] string Description,
    [property: Id(2)] string? Field = null) : OcppResponse;

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
