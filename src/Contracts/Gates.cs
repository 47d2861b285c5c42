using System.Text.Json.Serialization;

namespace Parking.Contracts;

/// <summary>
/// Body of a camera's <c>POST /api/compounds/{compoundId}/gates/{gateId}/events</c>. Direction: in or out;
/// PlateColour: blue, yellow, green, white, black; Confidence: 0 to 1; EventTime: when the camera saw the car;
/// EventId: the camera's own id of the event (a retry sends the same one); PictureRef: where its picture is kept.
/// </summary>
public sealed record GateEventRequest(
    string? EventId,
    string? Direction,
    string? Plate,
    string? PlateColour,
    double? Confidence,
    DateTimeOffset? EventTime,
    string? PictureRef);

/// <summary>What the barrier does: <c>open</c> or <c>deny</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<GateVerdictDto>))]
public enum GateVerdictDto
{
    Open,
    Deny,
}

/// <summary>
/// Why: <c>checked-in</c>, <c>checked-out</c>, <c>visitor-pass</c>, <c>household-car</c>, <c>resident-car</c>,
/// <c>exit</c>, <c>unknown-plate</c>, <c>low-confidence</c>, <c>no-reservation-lots-full</c>,
/// <c>check-in-refused</c>, <c>check-out-refused</c>.
/// </summary>
[JsonConverter(typeof(KebabWireEnumConverter<GateReasonDto>))]
public enum GateReasonDto
{
    CheckedIn,
    CheckedOut,
    VisitorPass,
    HouseholdCar,
    ResidentCar,
    Exit,
    UnknownPlate,
    LowConfidence,
    NoReservationLotsFull,
    CheckInRefused,
    CheckOutRefused,
}

/// <summary>Which way the car passed the camera: <c>in</c> or <c>out</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<GateDirectionDto>))]
public enum GateDirectionDto
{
    In,
    Out,
}

/// <summary>A Chinese plate's colour: <c>blue</c>, <c>yellow</c>, <c>green</c>, <c>white</c>, <c>black</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<PlateColourDto>))]
public enum PlateColourDto
{
    Blue,
    Yellow,
    Green,
    White,
    Black,
}

/// <summary>The gate's answer. Review: the event is on the staff list.</summary>
public sealed record GateDecisionDto(string EventId, string GateId, GateVerdictDto Decision, GateReasonDto Reason, string? ReservationId, string? SpaceId, bool Review, DateTimeOffset DecidedAt);

/// <summary>A gate's signing secret, shown once when staff provision or rotate it.</summary>
public sealed record GateCredentialsDto(string GateId, string Secret, int Version, DateTimeOffset IssuedAt, string Signing);

/// <summary>A gate event on the staff list, and, once decided, by whom and how.</summary>
public sealed record GateReviewDto(
    string GateId,
    string EventId,
    GateDirectionDto Direction,
    string Plate,
    PlateColourDto PlateColour,
    double Confidence,
    DateTimeOffset EventTime,
    string? PictureRef,
    GateReasonDto Reason,
    bool Opened,
    string? ResolvedBy,
    bool? ResolvedOpen,
    DateTimeOffset? ResolvedAt);

/// <summary>Body of a staff decision on a listed gate event: open the barrier (true) or not.</summary>
public sealed record GateReviewDecisionRequest(bool? Open);

/// <summary>The headers of a gate's signed request.</summary>
public static class GateSigning
{
    /// <summary>Unix seconds when the camera signed the request.</summary>
    public const string TimestampHeader = "X-Parking-Timestamp";

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256, keyed with the gate's secret, of <c>{timestamp}.{METHOD}.{path}.</c> followed by the body's bytes.</summary>
    public const string SignatureHeader = "X-Parking-Signature";

    public static byte[] StringToSign(long timestamp, string method, string path, ReadOnlySpan<byte> body)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{method.ToUpperInvariant()}.{path}.");
        var bytes = new byte[prefix.Length + body.Length];
        prefix.CopyTo(bytes, 0);
        body.CopyTo(bytes.AsSpan(prefix.Length));
        return bytes;
    }

    /// <summary>The signature header's value for a request (cameras, the simulated gate, tests and the benchmark).</summary>
    public static string Sign(string secret, long timestamp, string method, string path, ReadOnlySpan<byte> body)
    {
        var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), StringToSign(timestamp, method, path, body));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}
