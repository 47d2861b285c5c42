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

/// <summary>
/// The gate's answer. Decision: open or deny. Reason: checked-in, checked-out, visitor-pass, household-car,
/// resident-car, exit, unknown-plate, low-confidence, no-reservation-lots-full, check-in-refused, check-out-refused.
/// Review: the event is on the staff list.
/// </summary>
public sealed record GateDecisionDto(string EventId, string GateId, string Decision, string Reason, string? ReservationId, string? SpaceId, bool Review, DateTimeOffset DecidedAt);

/// <summary>A gate's signing secret, shown once when staff provision or rotate it.</summary>
public sealed record GateCredentialsDto(string GateId, string Secret, int Version, DateTimeOffset IssuedAt, string Signing);

/// <summary>A gate event on the staff list, and, once decided, by whom and how.</summary>
public sealed record GateReviewDto(
    string GateId,
    string EventId,
    string Direction,
    string Plate,
    string PlateColour,
    double Confidence,
    DateTimeOffset EventTime,
    string? PictureRef,
    string Reason,
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
