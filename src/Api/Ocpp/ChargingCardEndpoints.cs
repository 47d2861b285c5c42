using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Ocpp;
using Parking.Grains.Membership;
using Parking.Grains.Ocpp;

namespace Parking.Api.Ocpp;

/// <summary>
/// Ways to start charging besides the plan's own remote start: staff register residents' RFID cards (an idTag the
/// chargers accept, bound to the resident), and a driver starts from the app when their car is plugged in for their turn.
/// </summary>
public static partial class ChargingCardEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    public static RouteGroupBuilder MapChargingCardEndpoints(this RouteGroupBuilder compound)
    {
        var charging = compound.MapGroup("/charging").WithTags("Charging");
        charging.MapGet("/cards", List).RequireAuthorization(Policies.Staff).WithSummary("The compound's registered charging cards (staff)");
        charging.MapPut("/cards/{idTag}", Register)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Register a resident's RFID card, or block it (staff)")
            .WithDescription("idTag: the card's id as chargers send it (1 to 20 printable characters, case does not matter). Body: { residentId, blocked }.");
        charging.MapPost("/areas/{areaId}/requests/{requestId}/start", Start)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Start charging from the app: the car is plugged in for this request's turn (its driver)")
            .WithDescription("200 with the charger's answer to the RemoteStartTransaction, 202 while it has not answered.");
        return compound;
    }

    public static async Task<Ok<ChargingCardDto[]>> List(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.ChargingCards(compoundId).List()).Select(ToDto).ToArray());

    public static async Task<Results<Ok<ChargingCardDto>, ProblemHttpResult>> Register(string compoundId, string idTag, ChargingCardBody? body, IGrainFactory grains)
    {
        if (!IdTagPattern().IsMatch(idTag))
        {
            return Problems.Invalid("idTag", "idTag has 1 to 20 printable ASCII characters (OCPP's IdToken).", "card-invalid");
        }

        if (body?.ResidentId is not { Length: > 0 } residentId)
        {
            return Problems.Invalid("residentId", "residentId is required: the resident the card belongs to.", "card-invalid");
        }

        var membership = (await grains.Member(residentId).Get()).In(compoundId);
        if (membership.Value is not { Role: UserRole.Resident })
        {
            return Problems.Invalid("residentId", $"'{residentId}' is not a resident of this compound.", "resident-not-found");
        }

        var card = await grains.ChargingCards(compoundId).Register(idTag, residentId, body.Blocked ?? false);
        return TypedResults.Ok(ToDto(card));
    }

    public static async Task<Results<Ok<ChargerCommandDto>, Accepted<ChargerCommandDto>, ProblemHttpResult>> Start(
        string compoundId, string areaId, string requestId, HttpContext http, IGrainFactory grains, IOptions<OcppPolicy> policy)
    {
        var user = http.CurrentUser();
        if (!ChargingRequests.TryParseAreaId(requestId, out var ofArea) || ofArea != areaId
            || !(await grains.Compound(compoundId).GetChargingAreas()).Any(a => a.AreaId == areaId))
        {
            return Problems.From(DomainError.NotFound("charging-request-not-found", $"No charging request '{requestId}' in area '{areaId}'."));
        }

        var found = await grains.ChargingArea(compoundId, areaId).GetRequest(requestId, user.Actor);
        if (found.Value is not { } request)
        {
            return Problems.From(found.Error!);
        }

        if (request.ResidentId != user.UserId)
        {
            return Problems.From(DomainError.Forbidden("Only the request's driver starts its charging."));
        }

        if (request.Status != ChargingRequestStatus.Charging || request.Turn is not { } turn || request.UnpluggedAt is not null)
        {
            return Problems.From(DomainError.Conflict("not-plugged-in", "Charging starts from the app once the car is plugged in for its turn."));
        }

        var grain = grains.ChargePoint(compoundId, turn.ChargerId);
        var started = await grain.StartFor(request.Id, user.UserId);
        if (started.Value is not { } command)
        {
            return Problems.From(started.Error!);
        }

        if (command.Status == OcppCommandStatus.Queued)
        {
            return TypedResults.Accepted((string?)null, OcppEndpoints.ToDto(command));
        }

        var wait = policy.Value.CommandTimeout < MaxWait ? policy.Value.CommandTimeout : MaxWait;
        var ended = await grain.WaitFor(command.Id, wait) ?? command;
        return ended.IsDone ? TypedResults.Ok(OcppEndpoints.ToDto(ended)) : TypedResults.Accepted((string?)null, OcppEndpoints.ToDto(ended));
    }

    private static ChargingCardDto ToDto(ChargingCard card) => new(card.IdTag, card.ResidentId, card.Blocked, card.RegisteredAt);

    [GeneratedRegex("^[\\x21-\\x7E]{1,20}$")]
    private static partial Regex IdTagPattern();
}
