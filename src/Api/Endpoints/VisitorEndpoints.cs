using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Membership;
using Parking.Domain.Sharing;

namespace Parking.Api.Endpoints;

public static class VisitorEndpoints
{
    public static RouteGroupBuilder MapVisitorEndpoints(this RouteGroupBuilder compound)
    {
        var passes = compound.MapGroup("/visitor-passes").WithTags("Visitor passes").RequireAuthorization(Policies.Resident);
        passes.MapPost("/", Book)
            .WithSummary("Book a visitor space for a visitor's plate and window, within the household's weekly quota")
            .WithDescription("plate is a Chinese plate (new-energy plates of 8 characters too; case, spaces and the dot are ignored and the pass keeps the plate's canonical spelling): anything else 400 plate-invalid on plate. spaceId is optional: without it, the free visitor space nearest your building. Over quota: 409 visitor-quota.");
        passes.MapGet("/mine", Mine).WithSummary("My household's visitor passes and the quota left in a week (weekOf, default now)");
        return compound;
    }

    public static async Task<Results<Created<VisitorPassDto>, ProblemHttpResult>> Book(
        string compoundId,
        VisitorPassRequest? request,
        HttpContext http,
        IGrainFactory grains,
        IOptions<ReservationPolicy> policy,
        ParkingClock time)
    {
        if (request is null)
        {
            return Problems.Invalid("body", "A JSON body with plate, start and end is required.");
        }

        if (string.IsNullOrWhiteSpace(request.Plate) || request.Plate.Length > 16)
        {
            return Problems.Invalid("plate", "plate is the visitor's plate, 1 to 16 characters.");
        }

        // The rule every plate in Parking keeps (a resident's car, a gate's reading): the gate lets the visitor in only
        // on a plate it can match, so a pass for anything else is refused here rather than failing at the barrier.
        var plate = Plate.Parse(request.Plate, "plate");
        if (plate.Error is { } badPlate)
        {
            return Problems.From(badPlate);
        }

        if (request.SpaceId is not null && !ReservationEndpoints.IdPattern().IsMatch(request.SpaceId))
        {
            return Problems.Invalid("spaceId", "spaceId has letters, digits and dashes only, at most 64 of them.");
        }

        if (request.Start is not { } start)
        {
            return Problems.Invalid("start", "start is required (ISO 8601 with an offset).");
        }

        if (request.End is not { } end)
        {
            return Problems.Invalid("end", "end is required (ISO 8601 with an offset).");
        }

        var window = new TimeWindow(start, end);
        if (policy.Value.Validate(window, time.GetUtcNow()) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var user = http.CurrentUser();
        if (user.HouseholdId is not { } household)
        {
            return Problems.Forbidden("Visitor passes are booked by residents of a household.");
        }

        var outcome = await grains.VisitorPasses(compoundId, household)
            .Book(user.UserId, user.BuildingId, plate.Value.Value, window, request.SpaceId);
        return outcome.Value is { } pass
            ? TypedResults.Created($"/api/compounds/{compoundId}/reservations/{pass.ReservationId}", pass.ToDto())
            : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<VisitorPassesDto>, ProblemHttpResult>> Mine(string compoundId, DateTimeOffset? weekOf, HttpContext http, IGrainFactory grains, ParkingClock time)
    {
        if (http.CurrentUser().HouseholdId is not { } household)
        {
            return Problems.Forbidden("Visitor passes are booked by residents of a household.");
        }

        var passes = await grains.VisitorPasses(compoundId, household).Get(weekOf ?? time.GetUtcNow());
        return TypedResults.Ok(new VisitorPassesDto(
            [.. passes.Passes.Select(p => p.ToDto())], passes.Week.Start, passes.Week.End, passes.PassesLeft, passes.HoursLeft.TotalHours));
    }

    public static VisitorPassDto ToDto(this VisitorPass p) => new(p.ReservationId, p.SpaceId, p.ResidentId, p.Plate, p.Window.Start, p.Window.End, p.Cancelled);
}
