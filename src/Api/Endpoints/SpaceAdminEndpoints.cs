using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Grains.History;

namespace Parking.Api.Endpoints;

/// <summary>
/// Staff manage spaces: retype one (standard, EV, accessible, visitor), block or reopen it, reassign it
/// (private to a household, common, temporary); and see the recent no-shows one by one.
/// </summary>
public static class SpaceAdminEndpoints
{
    /// <summary>How far back the no-show list looks when <c>from</c> is not given.</summary>
    public static readonly TimeSpan DefaultNoShowPeriod = TimeSpan.FromDays(1);

    public static RouteGroupBuilder MapSpaceAdminEndpoints(this RouteGroupBuilder compound)
    {
        var spaces = compound.MapGroup("/spaces/{spaceId}").WithTags("Space administration").RequireAuthorization(Policies.Staff);
        spaces.MapGet("/admin", Get).WithSummary("A space as staff manage it: kind, owner, block, active bookings (staff)");
        spaces.MapPut("/kind", SetKind)
            .WithSummary("Retype a space: standard, ev, accessible or visitor (staff)")
            .WithDescription("Bookings already made stay. Searches and every open lot map see the new kind at once. An EV space a charger reaches stays EV: retyping it away is refused (409 charger-needs-ev-space, naming kind and the charger).");
        spaces.MapPut("/service", SetService)
            .WithSummary("Block a space (out of service) or reopen it (staff)")
            .WithDescription("Blocking cancels every booking not checked in that has not ended, refunds it in full and books the driver on another free space of the same kind nearest their building, or tells them (DriverNotice, reason blocked). A car checked in stays until it leaves.");
        spaces.MapPut("/owner", SetOwner)
            .WithSummary("Reassign a space: private to a household, common or temporary (staff)")
            .WithDescription("A new owner does not inherit the old owner's sharing plan. Bookings already made stay.");
        compound.MapGet("/reports/no-shows/list", NoShows)
            .WithTags("Reports")
            .RequireAuthorization(Policies.Staff)
            .WithSummary("The no-shows one by one: reservations and charging turns nobody came to (staff)")
            .WithDescription("from and to: ISO 8601 instants with an offset (default: the last 24 hours up to now), at most 31 days apart; a no-show counts in the period its window or turn started in. Charging no-shows come from the areas' short history.");
        return compound;
    }

    public static async Task<Results<Ok<SpaceAdminDto>, ProblemHttpResult>> Get(string compoundId, string spaceId, IGrainFactory grains)
    {
        if (await Find(compoundId, spaceId, grains) is (null, { } unknown))
        {
            return unknown;
        }

        var outcome = await grains.Space(compoundId, spaceId).GetAdmin();
        return outcome.Value is { } admin ? TypedResults.Ok(admin.ToDto()) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<SpaceAdminDto>, ProblemHttpResult>> SetKind(string compoundId, string spaceId, SpaceKindBody? body, IGrainFactory grains)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON body with kind is required.");
        }

        var kind = SpaceEdits.ParseKind(body.Kind);
        if (!kind.IsSuccess)
        {
            return Problems.From(kind.Error!);
        }

        var (space, unknown) = await Find(compoundId, spaceId, grains);
        if (space is null)
        {
            return unknown!;
        }

        var current = await grains.Space(compoundId, spaceId).GetAdmin();
        if (current.Value is not { } admin)
        {
            return Problems.From(current.Error!);
        }

        if (ChargerLayoutRules.Retype(admin.Definition, kind.Value, await grains.Compound(compoundId).GetChargingAreas()) is { } chargerReaches)
        {
            return Problems.From(chargerReaches);
        }

        var outcome = await grains.Space(compoundId, spaceId).Redefine(SpaceEdits.Retype(admin.Definition, kind.Value), admin.Definition);
        return outcome.Value is { } changed ? TypedResults.Ok(changed.ToDto()) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<SpaceAdminDto>, ProblemHttpResult>> SetService(string compoundId, string spaceId, SpaceServiceBody? body, IGrainFactory grains)
    {
        if (body?.OutOfService is not { } outOfService)
        {
            return Problems.Invalid("outOfService", "outOfService is required: true blocks the space, false reopens it.");
        }

        if (await Find(compoundId, spaceId, grains) is (null, { } unknown))
        {
            return unknown;
        }

        var outcome = await grains.Space(compoundId, spaceId).SetService(outOfService);
        return outcome.Value is { } changed ? TypedResults.Ok(changed.ToDto()) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<SpaceAdminDto>, ProblemHttpResult>> SetOwner(string compoundId, string spaceId, SpaceOwnerBody? body, IGrainFactory grains)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON body with ownership (and householdId for a private space) is required.");
        }

        var ownership = SpaceEdits.ParseOwnership(body.Ownership);
        if (!ownership.IsSuccess)
        {
            return Problems.From(ownership.Error!);
        }

        var (space, unknown) = await Find(compoundId, spaceId, grains);
        if (space is null)
        {
            return unknown!;
        }

        var current = await grains.Space(compoundId, spaceId).GetAdmin();
        if (current.Value is not { } admin)
        {
            return Problems.From(current.Error!);
        }

        var household = body.HouseholdId?.Trim();
        var exists = ownership.Value == SpaceOwnership.Private && !string.IsNullOrEmpty(household)
            && await grains.Compound(compoundId).HasHousehold(household);
        var reassigned = SpaceEdits.Reassign(admin.Definition, ownership.Value, household, _ => exists);
        if (reassigned.Value is not { } definition)
        {
            return Problems.From(reassigned.Error!);
        }

        var outcome = await grains.Space(compoundId, spaceId).Redefine(definition, admin.Definition);
        return outcome.Value is { } changed ? TypedResults.Ok(changed.ToDto()) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<NoShowListDto>, ProblemHttpResult>> NoShows(
        string compoundId, string? from, string? to, IGrainFactory grains, IReservationHistory history, ParkingClock time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Instant("to", to, now) is { Problem: { } toProblem })
        {
            return toProblem;
        }

        var end = Instant("to", to, now).Value;
        if (Instant("from", from, end - DefaultNoShowPeriod) is { Problem: { } fromProblem })
        {
            return fromProblem;
        }

        var period = new ReportPeriod(Instant("from", from, end - DefaultNoShowPeriod).Value, end);
        if (period.Validate() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var areas = await grains.Compound(compoundId).GetChargingAreas();
        var views = await Task.WhenAll(areas.Select(a => grains.ChargingArea(compoundId, a.AreaId).GetView()));
        var items = await NoShowItems(compoundId, period, views.OfType<ChargingAreaView>(), history, cancellationToken);
        return TypedResults.Ok(new NoShowListDto(period.From, period.To, items));
    }

    /// <summary>
    /// The bookings and charging turns nobody came to that started in <paramref name="period"/>, newest first: the
    /// reservations from the history, the charging turns from the area views the caller has already read.
    /// </summary>
    public static async Task<IReadOnlyList<NoShowItemDto>> NoShowItems(
        string compoundId, ReportPeriod period, IEnumerable<ChargingAreaView> areas, IReservationHistory history, CancellationToken cancellationToken)
    {
        var events = await history.Query(compoundId, period.From, period.To, null, cancellationToken);
        var items = ReservationReports.Latest(events)
            .Where(e => e.Kind == ReservationEventKind.NoShow && e.Window.Start >= period.From && e.Window.Start < period.To)
            .Select(e => new NoShowItemDto(NoShowKindDto.Reservation, e.ReservationId, e.ResidentId, e.LotId, e.SpaceId, null, null, null, e.Window.Start, e.Window.End, e.At))
            .ToList();

        items.AddRange(areas
            .SelectMany(v => v.Requests)
            .Where(r => r.Status == ChargingRequestStatus.NoShow && r.Turn is { } turn && turn.Window.Start >= period.From && turn.Window.Start < period.To)
            .Select(r => new NoShowItemDto(NoShowKindDto.Charging, r.Id, r.ResidentId, null, r.Turn!.SpaceId, r.AreaId, r.Turn.ChargerId, r.Plate, r.Turn.Window.Start, r.Turn.Window.End, r.EndedAt ?? r.Turn.Window.Start)));

        return [.. items.OrderByDescending(i => i.Start).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    public static SpaceAdminDto ToDto(this SpaceAdmin admin) => new(
        admin.Definition.CompoundId,
        admin.Definition.LotId,
        admin.Definition.SpaceId,
        admin.Definition.Label,
        admin.Definition.Kind.ToDto(),
        admin.Definition.Ownership.ToDto(),
        admin.Definition.OwnerHouseholdId,
        admin.OutOfService,
        [.. admin.Active.Select(r => r.ToDto())],
        [.. admin.Cancelled.Select(r => r.ToDto())],
        admin.Version);

    /// <summary>The space's definition when the compound has it; else the 404 to answer, before any space grain is woken.</summary>
    private static async Task<(SpaceDefinition? Space, ProblemHttpResult? Problem)> Find(string compoundId, string spaceId, IGrainFactory grains)
    {
        var space = ReservationEndpoints.IdPattern().IsMatch(spaceId) ? await grains.Compound(compoundId).GetSpace(spaceId) : null;
        return space is null
            ? (null, Problems.From(DomainError.NotFound("space-not-found", $"No space '{spaceId}' in this compound.")))
            : (space, null);
    }

    private static (DateTimeOffset Value, ProblemHttpResult? Problem) Instant(string field, string? text, DateTimeOffset fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (fallback, null);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? (value, null)
            : (default, Problems.Invalid(field, $"{field} is not an ISO 8601 instant (for example 2026-11-23T08:00:00+08:00)."));
    }
}
