using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Api.Auth;
using Parking.Contracts;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Domain.Rebalancing;
using Parking.Domain.Reservations;
using Parking.Grains.Charging;
using Parking.Grains.Compounds;
using Parking.Grains.Lots;
using Parking.Grains.Membership;
using Parking.Domain.Membership;
using Parking.Grains.History;
using Parking.Grains.Voting;

namespace Parking.Api.Endpoints;

/// <summary>
/// The sub-district operator's dashboard: every compound of their own sub-district (no other) with its spaces,
/// chargers, occupancy and alarms now, read from the lot, charging-area and shelter grains of each compound.
/// </summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dashboard", Dashboard)
            .WithTags("Compounds")
            .RequireAuthorization()
            .WithSummary("The compounds of the operator's sub-district: spaces by state, chargers, feed capacity, alarms (sub-district operator)")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        app.MapGet("/api/residents", Residents)
            .WithTags("People")
            .RequireAuthorization()
            .WithSummary("Residents matching a name, unit or plate in every compound of the operator's sub-district: which compounds, how many, the first of each (sub-district operator)")
            .WithDescription("q: part of a name, a unit or a plate, as for a compound's /residents (required here; at most 40 characters); first: how many rows of each compound to return, 1-50, default 10. Only compounds with a match are listed, by compound id; each compound's /residents pages through all of its matches.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    /// <summary>The most rows of one compound a search across the sub-district returns; the compound's own search pages on.</summary>
    public const int MaxFirstPerCompound = 50;

    /// <summary>
    /// A search across the operator's own sub-district: each compound's resident index is asked for its first matches
    /// (the same rule and order as the compound's own search), all at once, and the compounds with a match are listed.
    /// </summary>
    public static async Task<Results<Ok<CompoundResidentsDto[]>, ProblemHttpResult>> Residents(HttpContext http, string? q, int? first, IGrainFactory grains)
    {
        var user = CurrentUser.From(http.User);
        if (user is null || user.Role != Roles.Operator)
        {
            return Problems.Forbidden("Searching residents across compounds is for the sub-district operator; staff search their own compound's residents.");
        }

        if (string.IsNullOrEmpty(ResidentQuery.Searchable(q)))
        {
            return Problems.Invalid("q", "Give part of a name, a unit or a plate to search the sub-district for.");
        }

        if (first is < 1 or > MaxFirstPerCompound)
        {
            return Problems.Invalid("first", $"first must be between 1 and {MaxFirstPerCompound}.");
        }

        var query = ResidentQuery.Parse(q, 1, first ?? 10);
        if (query.Error is { } error)
        {
            return Problems.From(error);
        }

        var mine = (await grains.CompoundDirectory().List()).OfOperatorHome(user.CompoundId).ToList();
        var pages = await Task.WhenAll(mine.Select(c => ResidentIndex.Search(grains, c.CompoundId, query.Value!)));
        return TypedResults.Ok(mine.Zip(pages)
            .Where(p => p.Second.Total > 0)
            .OrderBy(p => p.First.CompoundId, StringComparer.Ordinal)
            .Select(p => new CompoundResidentsDto(
                p.First.CompoundId,
                p.First.Name,
                p.Second.Total,
                [.. p.Second.Items.Select(PeopleEndpoints.ToDto)]))
            .ToArray());
    }

    /// <summary>The drill-down into one compound, under the compound's routes (so the operator's sub-district scope applies).</summary>
    public static RouteGroupBuilder MapCompoundDashboardEndpoints(this RouteGroupBuilder compound)
    {
        compound.MapGet("/dashboard", Detail)
            .WithTags("Compounds")
            .RequireAuthorization(Policies.Watcher)
            .WithSummary("One compound opened up: each lot, charging area (power now against its feed) and shelter, the no-shows of the last 24 hours, the proposals pending (sub-district operator, staff)");
        return compound;
    }

    public static async Task<Results<Ok<CompoundDrillDownDto>, ProblemHttpResult>> Detail(
        string compoundId, IGrainFactory grains, IReservationHistory history, ParkingClock clock, CancellationToken cancellationToken)
    {
        var compound = (await grains.CompoundDirectory().List()).FirstOrDefault(c => c.CompoundId == compoundId);
        if (compound is null)
        {
            return Problems.From(Parking.Domain.DomainError.NotFound("compound-not-found", $"No compound '{compoundId}'."));
        }

        var figures = await Read(compound, grains, history, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new CompoundDrillDownDto(
            figures.Summary,
            [.. figures.Lots.OfType<LotOccupancy>().Select(o => new LotDashboardDto(
                o.LotId, o.Name, o.Spaces.Count, Count(o, SpaceStatus.Free), Count(o, SpaceStatus.Reserved), Count(o, SpaceStatus.Occupied), Count(o, SpaceStatus.OutOfService)))],
            [.. figures.Areas.Select(v => new AreaDashboardDto(
                v.Definition.AreaId,
                v.Definition.Name,
                v.SiteCapacityKw,
                PowerNow(v.Chargers),
                v.Chargers.Count,
                v.Chargers.Count(c => c.Status == ChargerStatus.Charging),
                v.Chargers.Count(c => c.Status == ChargerStatus.Faulted),
                v.Requests.Count(r => r.Status == ChargingRequestStatus.Waiting),
                [.. v.Chargers.Where(c => c.Status == ChargerStatus.Faulted).Select(c => c.ChargerId)]))],
            [.. figures.Shelters.Select(s => new ShelterDashboardDto(
                s.Definition.ShelterId, s.Definition.Name, s.Ports.Count, s.PowerW,
                s.Alarm?.Kind.ToDto(), s.Alarm?.RaisedAt))],
            figures.NoShows,
            figures.Proposals));
    }

    private static int Count(LotOccupancy o, SpaceStatus status) => o.Counts.TryGetValue(status, out var n) ? n : 0;

    /// <summary>What the chargers draw now: the power each charging one reports (kW).</summary>
    private static double PowerNow(IEnumerable<ChargerSnapshot> chargers) =>
        Math.Round(chargers.Where(c => c.Status == ChargerStatus.Charging).Sum(c => Math.Max(0, c.PowerKw)), 3);

    private sealed record Figures(
        CompoundDashboardDto Summary,
        LotOccupancy?[] Lots,
        ChargingAreaView[] Areas,
        Parking.Domain.Shelters.ShelterSnapshot[] Shelters,
        IReadOnlyList<NoShowItemDto> NoShows,
        IReadOnlyList<PendingProposalDto> Proposals);

    public static async Task<Results<Ok<CompoundDashboardDto[]>, ProblemHttpResult>> Dashboard(
        HttpContext http, IGrainFactory grains, IReservationHistory history, ParkingClock clock, CancellationToken cancellationToken)
    {
        var user = CurrentUser.From(http.User);
        if (user is null || user.Role != Roles.Operator)
        {
            return Problems.Forbidden("The dashboard is for the sub-district operator.");
        }

        var mine = (await grains.CompoundDirectory().List()).OfOperatorHome(user.CompoundId);
        var now = clock.GetUtcNow();
        var rows = await Task.WhenAll(mine.Select(c => Read(c, grains, history, now, cancellationToken)));
        return TypedResults.Ok(rows.Select(r => r.Summary).ToArray());
    }

    private static async Task<Figures> Read(CompoundSummary compound, IGrainFactory grains, IReservationHistory history, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = compound.CompoundId;
        var layout = grains.Compound(id);
        var lotsTask = layout.GetLots();
        var areasTask = layout.GetChargingAreas();
        var sheltersTask = layout.GetShelters();
        var proposalsTask = PendingProposals(id, grains, now);
        var occupancies = await Task.WhenAll((await lotsTask).Select(l => grains.Lot(id, l.LotId).GetOccupancy()));
        var views = (await Task.WhenAll((await areasTask).Select(a => grains.ChargingArea(id, a.AreaId).GetView()))).OfType<ChargingAreaView>().ToArray();
        var shelters = (await Task.WhenAll((await sheltersTask).Select(s => grains.Shelter(id, s.ShelterId).GetSnapshot()))).OfType<Parking.Domain.Shelters.ShelterSnapshot>().ToArray();
        var noShows = await SpaceAdminEndpoints.NoShowItems(id, new ReportPeriod(now - SpaceAdminEndpoints.DefaultNoShowPeriod, now), views, history, cancellationToken);
        var proposals = await proposalsTask;

        int Total(SpaceStatus status) => occupancies.Sum(o => o is not null ? Count(o, status) : 0);
        var chargers = views.SelectMany(v => v.Chargers).ToList();
        var faulted = chargers.Count(c => c.Status == ChargerStatus.Faulted);
        var inAlarm = shelters.Count(s => s.Alarm is not null);
        var summary = new CompoundDashboardDto(
            id,
            compound.Name,
            compound.SubDistrictId,
            compound.LayoutVersion,
            now,
            occupancies.Sum(o => o?.Spaces.Count ?? 0),
            Total(SpaceStatus.Free),
            Total(SpaceStatus.Reserved),
            Total(SpaceStatus.Occupied),
            Total(SpaceStatus.OutOfService),
            chargers.Count,
            chargers.Count(c => c.Status == ChargerStatus.Charging),
            faulted,
            views.Sum(v => v.SiteCapacityKw),
            views.Sum(v => v.Requests.Count(r => r.Status == ChargingRequestStatus.Waiting)),
            shelters.Length,
            inAlarm,
            faulted + inAlarm,
            PowerNow(chargers),
            noShows.Count,
            proposals.Count);
        return new Figures(summary, occupancies, views, shelters, noShows, proposals);
    }

    /// <summary>Owners' votes not closed yet, and rebalancing suggestions still running or waiting for staff's decision.</summary>
    private static async Task<IReadOnlyList<PendingProposalDto>> PendingProposals(string compoundId, IGrainFactory grains, DateTimeOffset now)
    {
        var ids = await grains.Proposals(compoundId).GetProposalIds();
        var votes = (await Task.WhenAll(ids.Select(p => grains.Proposal(compoundId, p).Get()))).OfType<ProposalView>()
            .Where(v => !v.Result.IsClosed && v.Proposal.Closes > now)
            .Select(v => new PendingProposalDto(PendingProposalKindDto.Vote, v.Proposal.ProposalId, v.Proposal.Title, v.Result.Status.ToPendingDto(), v.Proposal.Closes));
        var suggestions = (await grains.Rebalancing(compoundId).List())
            .Where(p => p.Status is RebalancingStatus.Running or RebalancingStatus.Ready)
            .Select(p => new PendingProposalDto(PendingProposalKindDto.Rebalancing, p.SuggestionId, p.SuggestionId, p.Status.ToPendingDto(), null));
        return [.. votes.Concat(suggestions)];
    }
}
