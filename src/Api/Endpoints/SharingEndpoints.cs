using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Sharing;
using Parking.Grains.Notifications;

namespace Parking.Api.Endpoints;

public static class SharingEndpoints
{
    public const int MaxPatterns = 14;
    public const int MaxExceptions = 62;

    public static RouteGroupBuilder MapSharingEndpoints(this RouteGroupBuilder compound)
    {
        var sharing = compound.MapGroup("/spaces/{spaceId}/sharing").WithTags("Sharing");
        sharing.MapGet("/", Get).WithSummary("A private space's sharing windows, its owner's record and the shared windows of the next 7 days");
        sharing.MapPut("/", Publish)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Publish (replace) the sharing plan of your own private space")
            .WithDescription("Bookings the new plan no longer covers are moved to another space of the same kind nearest the driver's building, or cancelled with a push to the driver; each counts against the owner.");
        sharing.MapDelete("/", Withdraw)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Withdraw every sharing window of your own private space");
        compound.MapGet("/overstays", Overstays)
            .WithTags("Sharing")
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Staff: cars still checked in past their reservation's end");
        return compound;
    }

    public static async Task<Ok<OverstayDto[]>> Overstays(string compoundId, IGrainFactory grains)
    {
        var overstays = await grains.OverstayRegistry(compoundId).GetAll();
        return TypedResults.Ok(overstays.Select(o => new OverstayDto(o.ToDto(), null)).ToArray());
    }

    public static async Task<Results<Ok<SpaceSharingDto>, ProblemHttpResult>> Get(string compoundId, string spaceId, IGrainFactory grains, IOptions<SharingPolicy> policy)
    {
        if (!ReservationEndpoints.IdPattern().IsMatch(spaceId))
        {
            return Problems.From(DomainError.NotFound("space-not-found", "No such parking space."));
        }

        var outcome = await grains.Space(compoundId, spaceId).GetSharing();
        return outcome.Value is { } view ? TypedResults.Ok(view.ToDto(policy.Value.UtcOffset)) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<SpaceSharingDto>, ProblemHttpResult>> Publish(
        string compoundId,
        string spaceId,
        SharingPlanDto? body,
        HttpContext http,
        IGrainFactory grains,
        IOptions<SharingPolicy> policy)
    {
        if (!ReservationEndpoints.IdPattern().IsMatch(spaceId))
        {
            return Problems.From(DomainError.NotFound("space-not-found", "No such parking space."));
        }

        var parsed = Parse(body, policy.Value.UtcOffset);
        if (parsed.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        return await PublishPlan(compoundId, spaceId, parsed.Value!, http, grains, policy.Value);
    }

    public static Task<Results<Ok<SpaceSharingDto>, ProblemHttpResult>> Withdraw(
        string compoundId,
        string spaceId,
        HttpContext http,
        IGrainFactory grains,
        IOptions<SharingPolicy> policy,
        ParkingClock time)
    {
        if (!ReservationEndpoints.IdPattern().IsMatch(spaceId))
        {
            return Task.FromResult<Results<Ok<SpaceSharingDto>, ProblemHttpResult>>(Problems.From(DomainError.NotFound("space-not-found", "No such parking space.")));
        }

        var offset = policy.Value.UtcOffset;
        return PublishPlan(compoundId, spaceId, SharingPlan.None(SharingPlan.LocalDate(time.GetUtcNow(), offset), offset), http, grains, policy.Value);
    }

    private static async Task<Results<Ok<SpaceSharingDto>, ProblemHttpResult>> PublishPlan(
        string compoundId, string spaceId, SharingPlan plan, HttpContext http, IGrainFactory grains, SharingPolicy policy)
    {
        var user = http.CurrentUser();
        var outcome = await grains.Space(compoundId, spaceId).PublishSharing(plan, new SharingPublisher(user.UserId, user.HouseholdId));
        return outcome.Value is { } view ? TypedResults.Ok(view.ToDto(policy.UtcOffset)) : Problems.From(outcome.Error!);
    }

    /// <summary>Turns the wire plan into the domain's, naming the field of the first thing that cannot be read.</summary>
    public static Outcome<SharingPlan> Parse(SharingPlanDto? body, TimeSpan utcOffset)
    {
        if (body is null)
        {
            return DomainError.Invalid("body", "invalid-request", "A JSON body with patterns, from and until is required.");
        }

        if (body.From is not { } from)
        {
            return DomainError.Invalid("from", "invalid-request", "from is required (a local date, yyyy-MM-dd).");
        }

        if (body.Until is not { } until)
        {
            return DomainError.Invalid("until", "invalid-request", "until is required (a local date, yyyy-MM-dd): the plan's end date.");
        }

        var patternDtos = body.Patterns ?? [];
        if (patternDtos.Count > MaxPatterns)
        {
            return DomainError.Invalid("patterns", "invalid-request", $"At most {MaxPatterns} patterns.");
        }

        if ((body.Withdrawn?.Count ?? 0) > MaxExceptions || (body.Added?.Count ?? 0) > MaxExceptions)
        {
            return DomainError.Invalid(body.Withdrawn?.Count > MaxExceptions ? "withdrawn" : "added", "invalid-request", $"At most {MaxExceptions} exceptions of each kind.");
        }

        var patterns = new List<WeeklyPattern>(patternDtos.Count);
        for (var i = 0; i < patternDtos.Count; i++)
        {
            var dto = patternDtos[i];
            var days = new List<DayOfWeek>();
            foreach (var day in dto?.Days ?? [])
            {
                if (!TryParseDays(day, days))
                {
                    return DomainError.Invalid($"patterns[{i}].days", "invalid-request", $"'{day}' is not a day: sunday to saturday, weekdays, weekend or daily.");
                }
            }

            if (!TryParseTime(dto?.Start, out var start))
            {
                return DomainError.Invalid($"patterns[{i}].start", "invalid-request", "start is a local time HH:mm.");
            }

            if (!TryParseTime(dto?.End, out var end))
            {
                return DomainError.Invalid($"patterns[{i}].end", "invalid-request", "end is a local time HH:mm (24:00 for midnight).");
            }

            patterns.Add(new WeeklyPattern(days, start, end));
        }

        var added = new List<LocalWindow>();
        for (var i = 0; i < (body.Added?.Count ?? 0); i++)
        {
            var window = body.Added![i];
            if (window?.Start is not { } start || window.End is not { } end)
            {
                return DomainError.Invalid($"added[{i}]", "invalid-request", "An added window has a local start and end.");
            }

            added.Add(new LocalWindow(start, end));
        }

        return new SharingPlan(patterns, from, until, body.Withdrawn ?? [], added, utcOffset);
    }

    public static SpaceSharingDto ToDto(this SpaceSharing s, TimeSpan utcOffset) => new(
        s.Space.SpaceId,
        s.Space.Ownership.ToDto(),
        s.Space.OwnerHouseholdId,
        s.Plan is { } plan
            ? new SharingPlanDto(
                [.. plan.Patterns.Select(p => new WeeklyPatternDto([.. p.Days.Select(d => d.Wire())], Format(p.Start), Format(p.End)))],
                plan.From,
                plan.Until,
                plan.WithdrawnDates,
                [.. plan.AddedWindows.Select(a => new LocalWindowDto(a.Start, a.End))])
            : null,
        (utcOffset < TimeSpan.Zero ? "-" : "+") + utcOffset.ToString(@"hh\:mm", CultureInfo.InvariantCulture),
        new SharingRecordDto(s.Record.Publications, s.Record.BrokenBookings, s.Record.LateBrokenBookings),
        [.. s.Upcoming.Select(w => new TimeWindowDto(w.Start, w.End))],
        s.BrokenNow);

    public static BrokenBookingReasonDto ToDto(this BrokenBookingReason reason) => (BrokenBookingReasonDto)reason;

    public static DriverNoticeDto ToDto(this DriverNoticePush notice) => new(
        notice.Reason.ToDto(),
        notice.Broken.ToDto(),
        notice.Replacement?.ToDto(),
        (notice.Reason, notice.Replacement) switch
        {
            (BrokenBookingReason.Withdrawn, { } moved) => $"The owner withdrew the window of space {notice.Broken.SpaceId}; you are booked on space {moved.SpaceId} instead.",
            (BrokenBookingReason.Withdrawn, null) => $"The owner withdrew the window of space {notice.Broken.SpaceId} and no other space is free: your booking is cancelled.",
            (BrokenBookingReason.Blocked, { } moved) => $"Staff closed space {notice.Broken.SpaceId}; you are booked on space {moved.SpaceId} instead.",
            (BrokenBookingReason.Blocked, null) => $"Staff closed space {notice.Broken.SpaceId} and no other space is free: your booking is cancelled and refunded.",
            (_, { } moved) => $"Space {notice.Broken.SpaceId} is still occupied by the car before you; you are booked on space {moved.SpaceId} instead.",
            _ => $"Space {notice.Broken.SpaceId} is still occupied by the car before you and no other space is free.",
        });

    private static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static bool TryParseTime(string? text, out TimeOnly time)
    {
        if (text == "24:00")
        {
            time = TimeOnly.MinValue;
            return true;
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    private static bool TryParseDays(string? day, List<DayOfWeek> days)
    {
        switch (day?.ToLowerInvariant())
        {
            case "weekdays":
                days.AddRange([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]);
                return true;
            case "weekend":
                days.AddRange([DayOfWeek.Saturday, DayOfWeek.Sunday]);
                return true;
            case "daily":
                days.AddRange(Enum.GetValues<DayOfWeek>());
                return true;
        }

        if (day is null || int.TryParse(day, out _) || !Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            return false;
        }

        days.Add(parsed);
        return true;
    }
}
