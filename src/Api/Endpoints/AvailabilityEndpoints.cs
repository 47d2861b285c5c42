using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Parking.Api.Endpoints;

public static class AvailabilityEndpoints
{
    public const int MaxLimit = 100;

    public static RouteGroupBuilder MapAvailabilityEndpoints(this RouteGroupBuilder compound)
    {
        compound.MapGet("/availability", Search)
            .WithTags("Availability")
            .WithSummary("Free spaces for a window, nearest to a building first")
            .WithDescription("kind: standard, ev, accessible or visitor. nearBuilding defaults to the signed-in resident's building. limit: 1 to 100 (20).");
        return compound;
    }

    public static async Task<Results<Ok<AvailabilityResultDto>, ProblemHttpResult>> Search(
        string compoundId,
        DateTimeOffset? start,
        DateTimeOffset? end,
        string? kind,
        string? nearBuilding,
        int? limit,
        HttpContext http,
        IGrainFactory grains,
        IOptions<ReservationPolicy> policy,
        ParkingClock time)
    {
        if (start is null)
        {
            return Problems.Invalid("start", "start is required (ISO 8601 with an offset).");
        }

        if (end is null)
        {
            return Problems.Invalid("end", "end is required (ISO 8601 with an offset).");
        }

        SpaceKind? spaceKind = null;
        if (kind is not null)
        {
            if (!Enum.TryParse<SpaceKind>(kind, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(kind, out _))
            {
                return Problems.Invalid("kind", "kind is one of standard, ev, accessible, visitor.");
            }

            spaceKind = parsed;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Invalid("limit", $"limit is between 1 and {MaxLimit}.");
        }

        var window = new TimeWindow(start.Value, end.Value);
        if (policy.Value.Validate(window, time.GetUtcNow()) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var building = nearBuilding ?? http.CurrentUser().BuildingId;
        var outcome = await grains.Availability(compoundId).Search(new AvailabilityQuery(window, spaceKind, building, limit ?? 20));
        return outcome.Value is { } spaces
            ? TypedResults.Ok(new AvailabilityResultDto(window.Start, window.End, spaceKind?.ToDto(), building, [.. spaces.Select(s => s.ToDto())]))
            : Problems.From(outcome.Error!);
    }
}
