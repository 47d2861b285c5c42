using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Parking.Grains.Rounds;

namespace Parking.Api.Endpoints;

public static class RoundEndpoints
{
    public const int MaxWindows = 62;

    public static RouteGroupBuilder MapRoundEndpoints(this RouteGroupBuilder compound)
    {
        var rounds = compound.MapGroup("/rounds").WithTags("Rounds");
        rounds.MapPost("/requests", Submit)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Put a request into the next allocation round")
            .WithDescription("Windows (with offsets) and/or a weekly pattern in local time; kind (default standard); preferred building (default your own). Every window is served on one space, or none is.");
        rounds.MapGet("/requests/mine", Mine).WithSummary("My requests in the open round");
        rounds.MapDelete("/requests/{requestId}", Withdraw).WithSummary("Withdraw one of my requests from the open round");
        rounds.MapGet("/next", Next).WithSummary("The open round: its number, when it runs, its requests (mine for a resident, all for staff)");
        rounds.MapGet("/last", Last).WithSummary("The last round's results (mine for a resident, all with the summary for staff)");
        rounds.MapPost("/run", Run)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Run the open round now (staff)");
        return compound;
    }

    public static async Task<Results<Created<RoundEntryDto>, ProblemHttpResult>> Submit(
        string compoundId, RoundRequestDto? body, HttpContext http, IGrainFactory grains, IOptions<SharingPolicy> sharing)
    {
        var ask = ParseAsk(body, sharing.Value.UtcOffset);
        if (ask.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await grains.Rounds(compoundId).Submit(AskerOf(http), ask.Value!, body!.Round);
        return outcome.Value is { } entry
            ? TypedResults.Created($"/api/compounds/{compoundId}/rounds/requests/{entry.Id}", entry.ToDto())
            : Problems.From(outcome.Error!);
    }

    public static async Task<Ok<IReadOnlyList<RoundEntryDto>>> Mine(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var open = await grains.Rounds(compoundId).GetOpenRound();
        var me = http.CurrentUser().UserId;
        return TypedResults.Ok<IReadOnlyList<RoundEntryDto>>([.. open.Requests.Where(r => r.Asker.ResidentId == me).Select(r => r.ToDto())]);
    }

    public static async Task<Results<Ok<RoundEntryDto>, ProblemHttpResult>> Withdraw(string compoundId, string requestId, HttpContext http, IGrainFactory grains)
    {
        var outcome = await grains.Rounds(compoundId).Withdraw(requestId, http.CurrentUser().Actor);
        return outcome.Value is { } entry ? TypedResults.Ok(entry.ToDto()) : Problems.From(outcome.Error!);
    }

    public static async Task<Ok<OpenRoundDto>> Next(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var user = http.CurrentUser();
        var open = await grains.Rounds(compoundId).GetOpenRound();
        var visible = open.Requests.Where(r => user.IsStaff || r.Asker.ResidentId == user.UserId);
        return TypedResults.Ok(new OpenRoundDto(open.Round, open.RunsAt, [.. visible.Select(r => r.ToDto())]));
    }

    public static async Task<Results<Ok<RoundReportDto>, ProblemHttpResult>> Last(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var user = http.CurrentUser();
        var report = await grains.Rounds(compoundId).GetLastRound();
        if (report is null)
        {
            return Problems.From(DomainError.NotFound("round-not-run", "No round has run yet."));
        }

        var dto = report.ToDto();
        return TypedResults.Ok(user.IsStaff ? dto : dto with { Results = [.. dto.Results.Where(r => r.Request.ResidentId == user.UserId)] });
    }

    public static async Task<Ok<RoundReportDto>> Run(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var report = await grains.Rounds(compoundId).Run(http.CurrentUser().UserId);
        return TypedResults.Ok(report.ToDto());
    }

    internal static RoundAsker AskerOf(HttpContext http)
    {
        var user = http.CurrentUser();
        return new RoundAsker(user.UserId, user.HouseholdId ?? user.UserId, user.BuildingId);
    }

    /// <summary>Reads a request body into windows (explicit ones and a weekly pattern's), naming the field of the first bad part.</summary>
    public static Outcome<RoundAsk> ParseAsk(RoundRequestDto? body, TimeSpan utcOffset)
    {
        if (body is null)
        {
            return DomainError.Invalid("body", "invalid-request", "A JSON body with windows or a weekly pattern is required.");
        }

        var kind = SpaceKind.Standard;
        if (body.Kind is { } kindText
            && (!Enum.TryParse(kindText, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(kindText, out _)))
        {
            return DomainError.Invalid("kind", "invalid-request", "kind is standard, ev, accessible or visitor.");
        }

        if ((body.Windows?.Count ?? 0) > MaxWindows)
        {
            return DomainError.Invalid("windows", "invalid-request", $"At most {MaxWindows} windows.");
        }

        var windows = new List<TimeWindow>();
        for (var i = 0; i < (body.Windows?.Count ?? 0); i++)
        {
            var window = body.Windows![i];
            if (window?.Start is not { } start)
            {
                return DomainError.Invalid($"windows[{i}].start", "invalid-request", "start is required (ISO 8601 with an offset).");
            }

            if (window.End is not { } end)
            {
                return DomainError.Invalid($"windows[{i}].end", "invalid-request", "end is required (ISO 8601 with an offset).");
            }

            windows.Add(new TimeWindow(start, end));
        }

        if (body.Weekly is { } weekly)
        {
            // The sharing plan's reader understands days and times; its field names are mapped back to ours.
            var plan = SharingEndpoints.Parse(
                new SharingPlanDto([new WeeklyPatternDto(weekly.Days, weekly.Start, weekly.End)], weekly.From, weekly.Until, null, null),
                utcOffset);
            if (plan.Error is { } invalid)
            {
                return invalid with { Field = "weekly." + (invalid.Field ?? string.Empty).Replace("patterns[0].", string.Empty, StringComparison.Ordinal) };
            }

            var pattern = plan.Value!.Patterns[0];
            if (pattern.Days.Count == 0)
            {
                return DomainError.Invalid("weekly.days", "invalid-request", "days names at least one day.");
            }

            if (plan.Value.Until < plan.Value.From)
            {
                return DomainError.Invalid("weekly.until", "window-reversed", "until is before from.");
            }

            if (plan.Value.Until.DayNumber - plan.Value.From.DayNumber > MaxWindows)
            {
                return DomainError.Invalid("weekly.until", "round-span-too-long", $"A weekly pattern spans at most {MaxWindows} days.");
            }

            windows.AddRange(pattern.Occurrences(plan.Value.From, plan.Value.Until, utcOffset));
        }

        if (windows.Count == 0)
        {
            return DomainError.Invalid("windows", "round-no-windows", "Give windows or a weekly pattern with at least one day in it.");
        }

        if (body.PreferredBuildingId is { Length: > 64 })
        {
            return DomainError.Invalid("preferredBuildingId", "invalid-request", "preferredBuildingId has at most 64 characters.");
        }

        return new RoundAsk(windows, kind, body.PreferredBuildingId, body.Plate);
    }

    public static RoundEntryDto ToDto(this RoundEntry e) => new(
        e.Id,
        e.Round,
        e.Asker.ResidentId,
        e.Asker.HouseholdId,
        [.. e.Ask.Windows.Select(w => new TimeWindowDto(w.Start, w.End))],
        e.Ask.Kind.ToDto(),
        e.Ask.PreferredBuildingId,
        e.Ask.Plate,
        e.CreatedAt,
        e.Origin.ToDto());

    public static RoundResultDto ToDto(this RoundRequestResult r, int round) =>
        new(round, r.Request.ToDto(), r.Status.ToDto(), r.SpaceId, r.LotId, r.WalkMeters, r.ReservationIds, r.Reason);

    public static RoundReportDto ToDto(this RoundReport r) => new(
        r.Round,
        r.RanAt,
        r.StartedBy,
        r.Status.ToDto(),
        r.SolveTime.TotalSeconds,
        new RoundMetricsDto(
            r.Metrics.Requests,
            r.Metrics.RequestsServed,
            r.RequestsBooked,
            r.Metrics.HoursRequested,
            r.Metrics.HoursServed,
            r.HoursBooked,
            r.Metrics.SupplyHours,
            r.Metrics.SupplyUsedShare,
            r.Metrics.MeanWalkMeters,
            r.Metrics.Households,
            r.Metrics.HouseholdsServed,
            r.Metrics.JainIndex,
            r.Metrics.WorstHouseholdShare),
        [.. r.Results.Select(x => x.ToDto(r.Round))]);
}
