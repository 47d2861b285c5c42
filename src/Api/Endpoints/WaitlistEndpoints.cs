using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Sharing;

namespace Parking.Api.Endpoints;

public static class WaitlistEndpoints
{
    public static RouteGroupBuilder MapWaitlistEndpoints(this RouteGroupBuilder compound)
    {
        var waitlist = compound.MapGroup("/waitlist").WithTags("Rounds");
        waitlist.MapPost("/", Join)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Wait for windows no space can serve now")
            .WithDescription("Booked, with a push, when a cancellation or a newly shared window makes it possible (first in line first), until its first window starts. Same body as a round request.");
        waitlist.MapGet("/", List).WithSummary("Waitlist entries (mine for a resident, all for staff), first in line first");
        waitlist.MapDelete("/{entryId}", Leave).WithSummary("Leave the waitlist");
        return compound;
    }

    public static async Task<Results<Created<RoundEntryDto>, ProblemHttpResult>> Join(
        string compoundId, RoundRequestDto? body, HttpContext http, IGrainFactory grains, IOptions<SharingPolicy> sharing)
    {
        var ask = RoundEndpoints.ParseAsk(body, sharing.Value.UtcOffset);
        if (ask.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await grains.Rounds(compoundId).JoinWaitlist(RoundEndpoints.AskerOf(http), ask.Value!);
        return outcome.Value is { } entry
            ? TypedResults.Created($"/api/compounds/{compoundId}/waitlist/{entry.Id}", entry.ToDto())
            : Problems.From(outcome.Error!);
    }

    public static async Task<Ok<IReadOnlyList<RoundEntryDto>>> List(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var user = http.CurrentUser();
        var entries = await grains.Rounds(compoundId).GetWaitlist();
        return TypedResults.Ok<IReadOnlyList<RoundEntryDto>>([.. entries.Where(e => user.IsStaff || e.Asker.ResidentId == user.UserId).Select(e => e.ToDto())]);
    }

    public static async Task<Results<Ok<RoundEntryDto>, ProblemHttpResult>> Leave(string compoundId, string entryId, HttpContext http, IGrainFactory grains)
    {
        var outcome = await grains.Rounds(compoundId).LeaveWaitlist(entryId, http.CurrentUser().Actor);
        return outcome.Value is { } entry ? TypedResults.Ok(entry.ToDto()) : Problems.From(outcome.Error!);
    }
}
