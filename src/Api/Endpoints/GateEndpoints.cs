using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Gates;
using Parking.Grains.Devices;
using Parking.Grains.Gates;

namespace Parking.Api.Endpoints;

/// <summary>
/// Gate cameras: one endpoint per gate that a camera posts its events to, signed with the gate's own secret
/// (never a person's token); and, for staff, the gates' credentials and the list of events to decide.
/// </summary>
public static class GateEndpoints
{
    private const int MaxBody = 8 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The camera endpoint; outside the token-protected group: the signature is the authentication.</summary>
    public static WebApplication MapGateDeviceEndpoints(this WebApplication app)
    {
        // The route value is named deviceId so the per-device rate limit counts each gate on its own.
        app.MapPost("/api/compounds/{compoundId}/gates/{deviceId}/events", Event)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.DevicePolicy)
            .WithTags("Gates")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("A gate camera's event (HMAC-signed with the gate's secret): the answer is open or deny");
        return app;
    }

    public static RouteGroupBuilder MapGateEndpoints(this RouteGroupBuilder compound)
    {
        var gates = compound.MapGroup("/gates").WithTags("Gates").RequireAuthorization(Policies.Staff);
        gates.MapPost("/{gateId}/credentials", Issue).WithSummary("Provision or rotate a gate's signing secret; shown once (staff)");
        gates.MapDelete("/{gateId}/credentials", Revoke).WithSummary("Revoke a gate's signing secret (staff)");
        gates.MapGet("/reviews", Reviews).WithSummary("Gate events for staff to decide: unknown or doubtful plates, cars without a booking while the lots are full (staff)");
        gates.MapPost("/{gateId}/events/{eventId}/decision", Decide)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Decide a listed gate event: open or deny (staff)");
        return compound;
    }

    public static async Task<Results<Ok<GateDecisionDto>, ProblemHttpResult>> Event(
        string compoundId,
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "deviceId")] string gateId,
        HttpRequest request,
        IGrainFactory grains,
        IOptions<GatePolicy> policy)
    {
        var body = await ReadBody(request);
        if (body is null)
        {
            return Problems.Invalid("body", $"The body is required, at most {MaxBody} bytes.");
        }

        if (await Authenticate(compoundId, gateId, request, body, grains, policy.Value) is { } refused)
        {
            return refused;
        }

        GateEventRequest? e;
        try
        {
            e = JsonSerializer.Deserialize<GateEventRequest>(body, Json);
        }
        catch (JsonException)
        {
            return Problems.Invalid("body", "The body is not a JSON gate event.");
        }

        if (e is null)
        {
            return Problems.Invalid("body", "The body is not a JSON gate event.");
        }

        if (Parse(e) is not { } gateEvent)
        {
            return Problems.Invalid(Missing(e), $"{Missing(e)} is required or not one of the documented values.");
        }

        var signature = request.Headers[GateSigning.SignatureHeader].ToString();
        var outcome = await grains.Gate(compoundId, gateId).Handle(gateEvent, signature);
        if (outcome.Error is { Code: "request-replayed" } replay)
        {
            return Unauthorized(replay.Code, replay.Message);
        }

        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToDto());
    }

    public static async Task<Results<Created<GateCredentialsDto>, ProblemHttpResult>> Issue(string compoundId, string gateId, IGrainFactory grains)
    {
        if (!ValidGateId(gateId))
        {
            return Problems.Invalid("gateId", "gateId is 1 to 32 letters, digits, '-' or '_'.");
        }

        var issued = await grains.DeviceCredential(compoundId, DeviceKind.Gate, gateId).Issue();
        return TypedResults.Created(
            $"/api/compounds/{compoundId}/gates/{gateId}/events",
            new GateCredentialsDto(gateId, issued.Secret, issued.Version, issued.IssuedAt, $"{GateSigning.SignatureHeader}: sha256=hex(HMAC-SHA256(secret, \"{{timestamp}}.POST.{{path}}.\" + body)), {GateSigning.TimestampHeader}: unix seconds"));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string compoundId, string gateId, IGrainFactory grains) =>
        await grains.DeviceCredential(compoundId, DeviceKind.Gate, gateId).Revoke()
            ? TypedResults.NoContent()
            : Problems.From(DomainError.NotFound("no-credentials", $"Gate '{gateId}' has no credentials to revoke."));

    public static async Task<Ok<GateReviewDto[]>> Reviews(string compoundId, bool? all, IGrainFactory grains) =>
        TypedResults.Ok((await grains.GateReviews(compoundId).List(all == true)).Select(r => r.ToDto()).ToArray());

    public static async Task<Results<Ok<GateReviewDto>, ProblemHttpResult>> Decide(
        string compoundId,
        string gateId,
        string eventId,
        GateReviewDecisionRequest request,
        HttpContext http,
        IGrainFactory grains)
    {
        if (request?.Open is not { } open)
        {
            return Problems.Invalid("open", "open is required: true to open the barrier, false to keep it closed.");
        }

        var outcome = await grains.GateReviews(compoundId).Resolve(gateId, eventId, open, http.CurrentUser().UserId);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToDto());
    }

    private static async Task<ProblemHttpResult?> Authenticate(string compoundId, string gateId, HttpRequest request, byte[] body, IGrainFactory grains, GatePolicy policy)
    {
        var timestampText = request.Headers[GateSigning.TimestampHeader].ToString();
        var signature = request.Headers[GateSigning.SignatureHeader].ToString();
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || string.IsNullOrEmpty(signature))
        {
            return Unauthorized("signature-missing", $"Sign the request: {GateSigning.TimestampHeader} (unix seconds) and {GateSigning.SignatureHeader} (sha256=...).");
        }

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253402300799));
        if ((TimeProvider.System.GetUtcNow() - signedAt).Duration() > policy.SignatureWindow)
        {
            return Unauthorized("timestamp-stale", $"The request's timestamp is more than {policy.SignatureWindow.TotalMinutes:0} minutes from the server's clock.");
        }

        var key = ValidGateId(gateId) ? await grains.DeviceCredential(compoundId, DeviceKind.Gate, gateId).SigningKey() : null;
        if (key is null)
        {
            return Unauthorized("device-unknown", "This gate has no credentials (staff provision them).");
        }

        var expected = HMACSHA256.HashData(key, GateSigning.StringToSign(timestamp, request.Method, request.Path.Value ?? string.Empty, body));
        var presented = signature.StartsWith("sha256=", StringComparison.Ordinal) ? signature["sha256=".Length..] : string.Empty;
        byte[] given;
        try
        {
            given = Convert.FromHexString(presented);
        }
        catch (FormatException)
        {
            given = [];
        }

        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? null
            : Unauthorized("signature-invalid", "The signature does not match the request and the gate's secret.");
    }

    private static ProblemHttpResult Unauthorized(string code, string message) =>
        TypedResults.Problem(
            detail: message,
            statusCode: StatusCodes.Status401Unauthorized,
            title: "The device is not authenticated.",
            type: Problems.TypeFor(code),
            extensions: new Dictionary<string, object?> { ["code"] = code });

    private static async Task<byte[]?> ReadBody(HttpRequest request)
    {
        if (request.ContentLength is > MaxBody)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody)
            {
                return null;
            }
        }

        return buffer.Length == 0 ? null : buffer.ToArray();
    }

    private static GateEvent? Parse(GateEventRequest e)
    {
        if (e.EventId is null || e.Plate is null || e.Confidence is not { } confidence || e.EventTime is not { } at
            || ParseDirection(e.Direction) is not { } direction || ParseColour(e.PlateColour) is not { } colour)
        {
            return null;
        }

        return new GateEvent(e.EventId, direction, e.Plate, colour, confidence, at, e.PictureRef);
    }

    private static string Missing(GateEventRequest e) =>
        e.EventId is null ? "eventId"
        : ParseDirection(e.Direction) is null ? "direction"
        : e.Plate is null ? "plate"
        : ParseColour(e.PlateColour) is null ? "plateColour"
        : e.Confidence is null ? "confidence"
        : "eventTime";

    private static GateDirection? ParseDirection(string? direction) => direction?.ToLowerInvariant() switch
    {
        "in" => GateDirection.In,
        "out" => GateDirection.Out,
        _ => null,
    };

    private static PlateColour? ParseColour(string? colour) =>
        Enum.TryParse<PlateColour>(colour, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(colour, out _) ? parsed : null;

    private static bool ValidGateId(string gateId) =>
        gateId.Length is >= 1 and <= 32 && gateId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static GateDecisionDto ToDto(this GateDecision d) =>
        new(d.EventId, d.GateId, d.Open ? GateVerdictDto.Open : GateVerdictDto.Deny, d.Reason.ToDto(), d.ReservationId, d.SpaceId, d.Review, d.DecidedAt);

    public static GateReviewDto ToDto(this GateReview r) =>
        new(r.GateId, r.Event.EventId, r.Event.Direction.ToDto(), r.Event.Plate, r.Event.Colour.ToDto(),
            r.Event.Confidence, r.Event.At, r.Event.Picture, r.Decision.Reason.ToDto(), r.Decision.Open, r.ResolvedBy, r.ResolvedOpen, r.ResolvedAt);
}
