using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Charging;
using Parking.Grains.Charging;

namespace Parking.Api.Endpoints;

/// <summary>
/// In-turn charging: drivers ask for a turn and follow their requests; staff see the plan as a timeline and
/// set the site capacity. Chargers report their status over OCPP (see Ocpp/OcppEndpoints.cs), never with a person's token.
/// </summary>
public static class ChargingEndpoints
{
    public static RouteGroupBuilder MapChargingEndpoints(this RouteGroupBuilder compound)
    {
        var charging = compound.MapGroup("/charging").WithTags("Charging");
        charging.MapGet("/areas", Areas).WithSummary("The compound's charging areas, their chargers by status and how many requests wait");
        charging.MapPost("/areas/{areaId}/requests", Submit)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Ask for a charging turn")
            .WithDescription("Energy as energyKwh, or batteryKwh with currentSocPercent and targetSocPercent; a window from earliestStart (default now) to departure. The answer comes when the request is stored, waiting: the area plans in the background (requests arriving together are planned together) and the driver hears of the turn over the hub; GET the request with planned=true to wait for the plan.");
        charging.MapGet("/requests/mine", Mine).WithSummary("My charging requests in every area");
        charging.MapGet("/areas/{areaId}/requests/{requestId}", Get)
            .WithSummary("One charging request (its driver, or staff)")
            .WithDescription("planned=true answers once the area has made the re-plans asked so far (at most a solve or two), so a new request shows its turn, or that it waits.");
        charging.MapDelete("/areas/{areaId}/requests/{requestId}", Cancel).WithSummary("Withdraw a charging request (its driver, or staff)");
        charging.MapGet("/areas/{areaId}/plan", Plan)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("The area's chargers and turns as a timeline (staff)")
            .WithDescription("planned=true answers once the area has made the re-plans asked so far.");
        charging.MapPut("/areas/{areaId}/site-capacity", SetSiteCapacity)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Change the area's site capacity in kW and re-plan (staff)")
            .WithDescription("Refused (400 feed-below-charger on siteCapacityKw, naming the charger) below what the area's largest charger draws alone, as the compound file's importer refuses such a feed.");
        charging.MapPut("/areas/{areaId}/objective", SetObjective)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Choose what the area's plans put first and re-plan (staff)")
            .WithDescription("order: least-share-first (everyone gets a share), minimum-need-first (each driver's minimumNeedKwh first, then drivers fully served, then energy; minimumNeedKwh required) or fully-served-first (as many drivers fully served as possible, then energy).");

        var chargers = compound.MapGroup("/chargers").WithTags("Charging");
        chargers.MapGet("/{chargerId}", Charger)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("One charger's status (staff)");
        return compound;
    }

    public static async Task<Ok<ChargingAreaDto[]>> Areas(string compoundId, IGrainFactory grains)
    {
        var areas = await grains.Compound(compoundId).GetChargingAreas();
        var views = await Task.WhenAll(areas.Select(a => grains.ChargingArea(compoundId, a.AreaId).GetView()));
        return TypedResults.Ok(views.OfType<ChargingAreaView>().Select(v => v.ToSummaryDto()).ToArray());
    }

    public static async Task<Results<Created<ChargingRequestDto>, ProblemHttpResult>> Submit(
        string compoundId,
        string areaId,
        ChargingRequestBody? body,
        HttpContext http,
        IGrainFactory grains,
        IOptions<ChargingPolicy> policy,
        ParkingClock time)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON body with plate, energyKwh (or a target charge) and departure is required.");
        }

        var draft = ChargingRequests.Validate(
            body.Plate,
            new EnergyNeed(body.EnergyKwh, body.BatteryKwh, body.CurrentSocPercent, body.TargetSocPercent),
            body.EarliestStart,
            body.Departure,
            body.CanMove,
            policy.Value,
            time.GetUtcNow());
        if (draft.Value is not { } valid)
        {
            return Problems.From(draft.Error!);
        }

        if (!await AreaExists(grains, compoundId, areaId))
        {
            return UnknownArea(areaId);
        }

        var outcome = await grains.ChargingArea(compoundId, areaId).Submit(http.CurrentUser().UserId, valid);
        return outcome.Value is { } request
            ? TypedResults.Created($"/api/compounds/{compoundId}/charging/areas/{areaId}/requests/{request.Id}", request.ToDto())
            : Problems.From(outcome.Error!);
    }

    public static async Task<Ok<ChargingRequestDto[]>> Mine(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var userId = http.CurrentUser().UserId;
        var areas = await grains.Compound(compoundId).GetChargingAreas();
        var requests = await Task.WhenAll(areas.Select(a => grains.ChargingArea(compoundId, a.AreaId).GetRequestsOf(userId)));
        return TypedResults.Ok(requests.SelectMany(r => r).OrderByDescending(r => r.CreatedAt).Select(r => r.ToDto()).ToArray());
    }

    public static Task<Results<Ok<ChargingRequestDto>, ProblemHttpResult>> Get(string compoundId, string areaId, string requestId, bool? planned, HttpContext http, IGrainFactory grains) =>
        OnRequest(compoundId, areaId, requestId, grains, async area =>
        {
            if (planned == true)
            {
                await area.WhenPlanned();
            }

            return await area.GetRequest(requestId, http.CurrentUser().Actor);
        });

    public static Task<Results<Ok<ChargingRequestDto>, ProblemHttpResult>> Cancel(string compoundId, string areaId, string requestId, HttpContext http, IGrainFactory grains) =>
        OnRequest(compoundId, areaId, requestId, grains, area => area.Cancel(requestId, http.CurrentUser().Actor));

    public static async Task<Results<Ok<ChargingPlanDto>, ProblemHttpResult>> Plan(string compoundId, string areaId, bool? planned, IGrainFactory grains)
    {
        if (!await AreaExists(grains, compoundId, areaId))
        {
            return UnknownArea(areaId);
        }

        var area = grains.ChargingArea(compoundId, areaId);
        if (planned == true)
        {
            await area.WhenPlanned();
        }

        var view = await area.GetView();
        return view is null ? UnknownArea(areaId) : TypedResults.Ok(view.ToPlanDto());
    }

    public static async Task<Results<Ok<ChargingPlanDto>, ProblemHttpResult>> SetSiteCapacity(string compoundId, string areaId, SiteCapacityBody? body, IGrainFactory grains)
    {
        if (body?.SiteCapacityKw is not { } kw)
        {
            return Problems.Invalid("siteCapacityKw", "siteCapacityKw is required (kW, more than 0).");
        }

        if (double.IsNaN(kw) || kw <= 0 || kw > 100_000)
        {
            return Problems.Invalid("siteCapacityKw", "siteCapacityKw is more than 0 and at most 100000.", "capacity-invalid");
        }

        if (!await AreaExists(grains, compoundId, areaId))
        {
            return UnknownArea(areaId);
        }

        var outcome = await grains.ChargingArea(compoundId, areaId).SetSiteCapacity(kw);
        return outcome.Value is { } view ? TypedResults.Ok(view.ToPlanDto()) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<ChargingPlanDto>, ProblemHttpResult>> SetObjective(string compoundId, string areaId, ObjectiveBody? body, IGrainFactory grains)
    {
        if (body?.Order is not { Length: > 0 } order)
        {
            return Problems.Invalid("order", $"order is required: one of {string.Join(", ", ChargingObjectiveOrders.Names)}.", "order-invalid");
        }

        if (!await AreaExists(grains, compoundId, areaId))
        {
            return UnknownArea(areaId);
        }

        var outcome = await grains.ChargingArea(compoundId, areaId).SetObjective(order, body.MinimumNeedKwh);
        return outcome.Value is { } view ? TypedResults.Ok(view.ToPlanDto()) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<ChargerDto>, ProblemHttpResult>> Charger(string compoundId, string chargerId, IGrainFactory grains)
    {
        if (!ReservationEndpoints.IdPattern().IsMatch(chargerId))
        {
            return UnknownCharger();
        }

        var outcome = await grains.Charger(compoundId, chargerId).Get();
        return outcome.Value is { } view ? TypedResults.Ok(view.Charger.ToDto(view.SessionRequestId)) : Problems.From(outcome.Error!);
    }

    /// <summary>A request id names its area; one that names another area than the route's is not found there.</summary>
    private static async Task<Results<Ok<ChargingRequestDto>, ProblemHttpResult>> OnRequest(
        string compoundId,
        string areaId,
        string requestId,
        IGrainFactory grains,
        Func<IChargingAreaGrain, Task<Outcome<ChargingRequest>>> command)
    {
        if (!ChargingRequests.TryParseAreaId(requestId, out var ofArea) || ofArea != areaId || !await AreaExists(grains, compoundId, areaId))
        {
            return Problems.From(DomainError.NotFound("charging-request-not-found", $"No charging request '{requestId}' in area '{areaId}'."));
        }

        var outcome = await command(grains.ChargingArea(compoundId, areaId));
        return outcome.Value is { } request ? TypedResults.Ok(request.ToDto()) : Problems.From(outcome.Error!);
    }

    private static async Task<bool> AreaExists(IGrainFactory grains, string compoundId, string areaId) =>
        ReservationEndpoints.IdPattern().IsMatch(areaId)
        && (await grains.Compound(compoundId).GetChargingAreas()).Any(a => a.AreaId == areaId);

    private static ProblemHttpResult UnknownArea(string areaId) =>
        Problems.From(DomainError.NotFound("area-not-found", $"No charging area '{areaId}' in this compound."));

    private static ProblemHttpResult UnknownCharger() =>
        Problems.From(DomainError.NotFound("charger-not-found", "No such charger in this compound."));
}
