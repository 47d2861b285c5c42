using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain.Ocpp;
using Parking.Grains.Ocpp;

namespace Parking.Api.Ocpp;

/// <summary>
/// The OCPP 1.6J central system: chargers connect to <c>/ocpp/{chargePointId}</c> (WebSocket, subprotocol
/// <c>ocpp1.6</c>, HTTP Basic with the charge point id and its password: security profile 1, or 2 behind TLS);
/// staff see a charger's OCPP side, set its password and send it commands.
/// </summary>
public static class OcppEndpoints
{
    public const string Path = "/ocpp";
    public const string SubProtocol = "ocpp1.6";

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    public static WebApplication MapOcppCentralSystem(this WebApplication app)
    {
        app.Map(Path + "/{chargePointId}", Connect).ExcludeFromDescription();
        return app;
    }

    public static RouteGroupBuilder MapOcppEndpoints(this RouteGroupBuilder compound)
    {
        var ocpp = compound.MapGroup("/chargers/{chargerId}/ocpp").WithTags("Charging").RequireAuthorization(Policies.Staff);
        ocpp.MapGet("/", Get).WithSummary("A charger's OCPP side: connection, profile, sessions and recent commands (staff)");
        ocpp.MapPut("/password", SetPassword)
            .WithSummary("Set or rotate a charger's OCPP password (staff)")
            .WithDescription("The charger then connects to /ocpp/{compoundId}.{chargerId} with HTTP Basic: user {compoundId}.{chargerId}, this password. Only a hash is stored.");
        ocpp.MapPost("/commands", Command)
            .WithSummary("Send a charger an OCPP command (staff); 200 with its answer, or 202 while the charger is offline or has not answered")
            .WithDescription("action: ChangeAvailability, UnlockConnector, Reset, ChangeConfiguration, GetConfiguration, TriggerMessage, ClearChargingProfile, RemoteStopTransaction.");
        return compound;
    }

    /// <summary>
    /// The handshake refuses, before any socket exists: a request that is not a WebSocket upgrade, one that does
    /// not offer <c>ocpp1.6</c>, and one without the charge point's own id and password.
    /// </summary>
    private static async Task Connect(string chargePointId, HttpContext http, IGrainFactory grains, OcppHost host)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await Refuse(http, StatusCodes.Status400BadRequest, "websocket-required", "OCPP 1.6J needs a WebSocket upgrade with subprotocol ocpp1.6.");
            return;
        }

        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.OrdinalIgnoreCase))
        {
            await Refuse(http, StatusCodes.Status400BadRequest, "subprotocol-required", "Sec-WebSocket-Protocol must offer ocpp1.6; no other protocol is spoken here.");
            return;
        }

        if (host.Stopping)
        {
            http.Response.Headers.RetryAfter = "5";
            await Refuse(http, StatusCodes.Status503ServiceUnavailable, "host-stopping", "This host is stopping; connect again, to another host if there is one.");
            return;
        }

        if (!ChargePointIds.TryParse(chargePointId, out _, out _)
            || BasicCredentials(http.Request) is not ({ } user, { } password)
            || user != chargePointId
            || !await grains.ChargePoint(chargePointId).Authenticate(password))
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"ocpp\", charset=\"UTF-8\"";
            await Refuse(http, StatusCodes.Status401Unauthorized, "charge-point-unauthorized", "Unknown charge point, or not its password: user is the charge point id, password the one staff set.");
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = SubProtocol, KeepAliveInterval = TimeSpan.FromSeconds(30) });
        await host.RunAsync(socket, chargePointId, http.RequestAborted);
    }

    private static (string? User, string? Password) BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return (null, null);
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (null, null) : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    private static Task Refuse(HttpContext http, int status, string code, string detail) =>
        Results.Problem(detail: detail, statusCode: status, type: Problems.TypeFor(code), extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(http);

    public static async Task<Results<Ok<ChargePointDto>, ProblemHttpResult>> Get(string compoundId, string chargerId, IGrainFactory grains, ParkingClock time)
    {
        if (!ReservationEndpoints_IdOk(chargerId))
        {
            return UnknownCharger();
        }

        var view = await grains.ChargePoint(compoundId, chargerId).Get();
        if (!view.Provisioned && !(await grains.Charger(compoundId, chargerId).Get()).IsSuccess)
        {
            return UnknownCharger();
        }

        return TypedResults.Ok(view.ToDto(time.GetUtcNow()));
    }

    public static async Task<Results<Ok<ChargePointDto>, ProblemHttpResult>> SetPassword(string compoundId, string chargerId, ChargePointPasswordBody? body, IGrainFactory grains, ParkingClock time)
    {
        if (!ReservationEndpoints_IdOk(chargerId))
        {
            return Problems.Invalid("chargerId", "A charger id has 1 to 64 letters, digits and dashes.");
        }

        if (ChargePointSecret.Check(body?.Password) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await grains.ChargePoint(compoundId, chargerId).SetPassword(body!.Password!);
        return outcome.Value is { } view ? TypedResults.Ok(view.ToDto(time.GetUtcNow())) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<ChargerCommandDto>, Accepted<ChargerCommandDto>, ProblemHttpResult>> Command(
        string compoundId,
        string chargerId,
        ChargerCommandBody? body,
        HttpContext http,
        IGrainFactory grains,
        IOptions<OcppPolicy> policy)
    {
        if (!ReservationEndpoints_IdOk(chargerId))
        {
            return UnknownCharger();
        }

        var payload = Payload(body);
        if (payload.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var grain = grains.ChargePoint(compoundId, chargerId);
        if (!(await grain.Get()).Provisioned)
        {
            return Problems.From(DomainError.NotFound("charge-point-not-provisioned", "This charger has no OCPP password yet: set one first (PUT .../ocpp/password)."));
        }

        var command = await grain.Send(body!.Action!, payload.Value!, "staff:" + http.CurrentUser().UserId);
        if (command.Status == OcppCommandStatus.Queued)
        {
            return TypedResults.Accepted((string?)null, command.ToDto());
        }

        // Within a grain call's own time limit; a charger slower than that is answered 202 and reported later.
        var wait = policy.Value.CommandTimeout < MaxWait ? policy.Value.CommandTimeout : MaxWait;
        var ended = await grain.WaitFor(command.Id, wait) ?? command;
        return ended.IsDone ? TypedResults.Ok(ended.ToDto()) : TypedResults.Accepted((string?)null, ended.ToDto());
    }

    private static bool ReservationEndpoints_IdOk(string id) => ReservationEndpoints.IdPattern().IsMatch(id);

    /// <summary>The CALL payload for a staff command, or the field at fault.</summary>
    private static Outcome<string> Payload(ChargerCommandBody? body)
    {
        static DomainError Bad(string field, string message) => DomainError.Invalid(field, "command-invalid", message);
        if (body?.Action is not { Length: > 0 } action)
        {
            return Bad("action", "action is required: ChangeAvailability, UnlockConnector, Reset, ChangeConfiguration, GetConfiguration, TriggerMessage, ClearChargingProfile or RemoteStopTransaction.");
        }

        switch (action)
        {
            case "ChangeAvailability":
                if (body.Type is not ("Operative" or "Inoperative"))
                {
                    return Bad("type", "type is Operative or Inoperative.");
                }

                if (body.ConnectorId is < 0 or > 1)
                {
                    return Bad("connectorId", "connectorId is 0 (the whole charger) or 1.");
                }

                return new JsonObject { ["connectorId"] = body.ConnectorId ?? 0, ["type"] = body.Type }.ToJsonString();
            case "UnlockConnector":
                return body.ConnectorId is null or 1
                    ? new JsonObject { ["connectorId"] = 1 }.ToJsonString()
                    : Bad("connectorId", "connectorId is 1: chargers here have one connector.");
            case "Reset":
                return body.Type is "Soft" or "Hard"
                    ? new JsonObject { ["type"] = body.Type }.ToJsonString()
                    : Bad("type", "type is Soft or Hard.");
            case "ChangeConfiguration":
                if (body.Key is not { Length: > 0 and <= 50 })
                {
                    return Bad("key", "key is required, at most 50 characters (e.g. MeterValueSampleInterval).");
                }

                return body.Value is { Length: <= 500 }
                    ? new JsonObject { ["key"] = body.Key, ["value"] = body.Value }.ToJsonString()
                    : Bad("value", "value is required, at most 500 characters.");
            case "GetConfiguration":
                if (body.Keys?.FirstOrDefault(k => k is not { Length: > 0 and <= 50 }) is not null)
                {
                    return Bad("keys", "every key has 1 to 50 characters.");
                }

                return body.Keys is { Length: > 0 } keys
                    ? new JsonObject { ["key"] = new JsonArray([.. keys.Select(k => (JsonNode)k)]) }.ToJsonString()
                    : "{}";
            case "TriggerMessage":
                if (body.RequestedMessage is not ("BootNotification" or "DiagnosticsStatusNotification" or "FirmwareStatusNotification" or "Heartbeat" or "MeterValues" or "StatusNotification"))
                {
                    return Bad("requestedMessage", "requestedMessage is BootNotification, DiagnosticsStatusNotification, FirmwareStatusNotification, Heartbeat, MeterValues or StatusNotification.");
                }

                var trigger = new JsonObject { ["requestedMessage"] = body.RequestedMessage };
                if (body.ConnectorId is { } connector)
                {
                    trigger["connectorId"] = connector;
                }

                return trigger.ToJsonString();
            case "ClearChargingProfile":
                return "{}";
            case "RemoteStopTransaction":
                return body.TransactionId is { } transactionId
                    ? new JsonObject { ["transactionId"] = transactionId }.ToJsonString()
                    : Bad("transactionId", "transactionId is required.");
            default:
                return Bad("action", $"'{action}' is not a command staff can send.");
        }
    }

    private static ProblemHttpResult UnknownCharger() =>
        Problems.From(DomainError.NotFound("charger-not-found", "No such charger in this compound."));

    private static ChargePointDto ToDto(this ChargePointView view, DateTimeOffset now) => new(
        view.ChargePointId,
        view.ChargerId,
        view.Provisioned,
        view.Connected,
        view.Vendor,
        view.Model,
        view.FirmwareVersion,
        view.LastSeen,
        view.ConnectorStatus,
        view.Overdrawing,
        view.Schedule is { } schedule
            ? [.. schedule.Periods
                .Select(p => new ChargerProfilePeriodDto(schedule.Start.AddSeconds(p.StartSeconds), p.LimitW / 1000.0))
                .Where((p, i) => i == schedule.Periods.Count - 1 || schedule.Start.AddSeconds(schedule.Periods[i + 1].StartSeconds) > now)]
            : [],
        [.. view.Sessions.Select(s => new ChargeSessionDto(s.TransactionId, s.RequestId, s.StartedAt, s.StoppedAt, s.EnergyKwh, s.StopReason))],
        [.. view.Commands.Select(c => c.ToDto())]);

    /// <summary>Each Contracts enum has the grain enum's members in the same order (tests/Api.Tests/WireEnumTests.cs).</summary>
    public static OcppCommandStatusDto ToDto(this OcppCommandStatus status) => (OcppCommandStatusDto)status;

    public static ChargerAlertKindDto ToDto(this ChargerAlertKind kind) => (ChargerAlertKindDto)kind;

    public static ChargerCommandDto ToDto(this OcppCommandRecord command) => new(
        command.Id,
        command.Action,
        command.Origin,
        command.Status.ToDto(),
        command.ResultJson,
        command.Error,
        command.CreatedAt,
        command.CompletedAt);
}
