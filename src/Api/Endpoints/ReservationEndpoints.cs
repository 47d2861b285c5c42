using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Membership;

namespace Parking.Api.Endpoints;

public static partial class ReservationEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static RouteGroupBuilder MapReservationEndpoints(this RouteGroupBuilder compound)
    {
        var reservations = compound.MapGroup("/reservations").WithTags("Reservations");

        reservations.MapPost("/", Reserve)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Reserve a space for a window")
            .WithDescription("Send an Idempotency-Key header to make retries safe: a retried request with the same key returns the reservation made the first time.");
        reservations.MapGet("/mine", Mine).WithSummary("My reservations");
        reservations.MapGet("/{reservationId}", Get).WithSummary("One reservation (its resident, or staff)");
        reservations.MapPost("/{reservationId}/cancel", Cancel).WithSummary("Cancel a reservation that is not checked in");
        reservations.MapPost("/{reservationId}/check-in", CheckIn).WithSummary("Check in: the car is on the space");
        reservations.MapPost("/{reservationId}/check-out", CheckOut).WithSummary("Check out: frees the rest of the window");
        return compound;
    }

    public static async Task<Results<Created<ReservationDto>, ProblemHttpResult>> Reserve(
        string compoundId,
        ReserveRequest? request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        HttpContext http,
        IGrainFactory grains,
        IOptions<ReservationPolicy> policy,
        ParkingClock time)
    {
        if (request is null)
        {
            return Problems.Invalid("body", "A JSON body with spaceId, start and end is required.");
        }

        if (string.IsNullOrWhiteSpace(request.SpaceId))
        {
            return Problems.Invalid("spaceId", "spaceId is required.");
        }

        if (!IdPattern().IsMatch(request.SpaceId))
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

        if (request.Plate is { Length: > 16 })
        {
            return Problems.Invalid("plate", "plate has at most 16 characters.");
        }

        // A plate, when given, is what the gate matches: the one plate rule, kept in its canonical spelling.
        string? plate = null;
        if (!string.IsNullOrWhiteSpace(request.Plate))
        {
            var parsed = Plate.Parse(request.Plate, "plate");
            if (parsed.Error is { } badPlate)
            {
                return Problems.From(badPlate);
            }

            plate = parsed.Value.Value;
        }

        if (idempotencyKey is { Length: 0 or > 128 })
        {
            return Problems.Invalid(IdempotencyKeyHeader, "Idempotency-Key has 1 to 128 characters.");
        }

        var window = new TimeWindow(start, end);
        if (policy.Value.Validate(window, time.GetUtcNow()) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var user = http.CurrentUser();
        var outcome = await grains.Resident(compoundId, user.UserId).Reserve(request.SpaceId, window, plate, idempotencyKey);
        if (outcome.Value is not { } result)
        {
            return Problems.From(outcome.Error!);
        }

        if (result.Replayed)
        {
            http.Response.Headers[ReplayedHeader] = "true";
        }

        return TypedResults.Created($"/api/compounds/{compoundId}/reservations/{result.Reservation.Id}", result.Reservation.ToDto());
    }

    public static async Task<Ok<ReservationDto[]>> Mine(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var reservations = await grains.Resident(compoundId, http.CurrentUser().UserId).GetReservations();
        return TypedResults.Ok(reservations.Select(r => r.ToDto()).ToArray());
    }

    public static Task<Results<Ok<ReservationDto>, ProblemHttpResult>> Get(string compoundId, string reservationId, HttpContext http, IGrainFactory grains) =>
        OnSpace(compoundId, reservationId, grains, space => space.GetReservation(reservationId, http.CurrentUser().Actor));

    public static Task<Results<Ok<ReservationDto>, ProblemHttpResult>> Cancel(string compoundId, string reservationId, HttpContext http, IGrainFactory grains) =>
        OnSpace(compoundId, reservationId, grains, space => space.Cancel(reservationId, http.CurrentUser().Actor));

    public static Task<Results<Ok<ReservationDto>, ProblemHttpResult>> CheckIn(string compoundId, string reservationId, HttpContext http, IGrainFactory grains) =>
        OnSpace(compoundId, reservationId, grains, space => space.CheckIn(reservationId, http.CurrentUser().Actor));

    public static Task<Results<Ok<ReservationDto>, ProblemHttpResult>> CheckOut(string compoundId, string reservationId, HttpContext http, IGrainFactory grains) =>
        OnSpace(compoundId, reservationId, grains, space => space.CheckOut(reservationId, http.CurrentUser().Actor));

    /// <summary>A reservation id names its space, so the command goes straight to that space's grain.</summary>
    private static async Task<Results<Ok<ReservationDto>, ProblemHttpResult>> OnSpace(
        string compoundId,
        string reservationId,
        IGrainFactory grains,
        Func<IParkingSpaceGrain, Task<Outcome<Reservation>>> command)
    {
        if (!Reservation.TryParseSpaceId(reservationId, out var spaceId) || !IdPattern().IsMatch(spaceId))
        {
            return Problems.From(DomainError.NotFound("reservation-not-found", $"No reservation '{reservationId}'."));
        }

        var outcome = await command(grains.Space(compoundId, spaceId));
        return outcome.Value is { } reservation ? TypedResults.Ok(reservation.ToDto()) : Problems.From(outcome.Error!);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    internal static partial Regex IdPattern();
}
