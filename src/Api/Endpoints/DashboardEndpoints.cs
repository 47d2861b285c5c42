using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Api.Auth;
using Parking.Domain.Charging;
using Parking.Grains.Charging;
using Parking.Grains.Compounds;

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
        return app;
    }

    public static async Task<Results<Ok<CompoundDashboardDto[]>, ProblemHttpResult>> Dashboard(HttpContext http, IGrainFactory grains, ParkingClock clock)
    {
        var user = CurrentUser.From(http.User);
        if (user is null || user.Role != Roles.Operator)
        {
            return Problems.Forbidden("The dashboard is for the sub-district operator.");
        }

        var all = await grains.GetGrain<ICompoundDirectoryGrain>(0).List();
        var home = all.FirstOrDefault(c => c.CompoundId == user.CompoundId);
        var mine = all.Where(c => c.CompoundId == user.CompoundId || (home?.SubDistrictId is { } sub && c.SubDistrictId == sub));
        var rows = await Task.WhenAll(mine.Select(c => Row(c, grains, clock.GetUtcNow())));
        return TypedResults.Ok(rows);
    }

    private static async Task<CompoundDashboardDto> Row(CompoundSummary compound, IGrainFactory grains, DateTimeOffset now)
    {
        var id = compound.CompoundId;
        var layout = grains.Compound(id);
        var lotsTask = layout.GetLots();
        var areasTask = layout.GetChargingAreas();
        var sheltersTask = layout.GetShelters();
        var occupancies = await Task.WhenAll((await lotsTask).Select(l => grains.Lot(id, l.LotId).GetOccupancy()));
        var views = await Task.WhenAll((await areasTask).Select(a => grains.ChargingArea(id, a.AreaId).GetView()));
        var shelters = await Task.WhenAll((await sheltersTask).Select(s => grains.Shelter(id, s.ShelterId).GetSnapshot()));

        int Count(SpaceStatus status) => occupancies.Sum(o => o is not null && o.Counts.TryGetValue(status, out var n) ? n : 0);
        var chargers = views.OfType<ChargingAreaView>().SelectMany(v => v.Chargers).ToList();
        var faulted = chargers.Count(c => c.Status == ChargerStatus.Faulted);
        var inAlarm = shelters.Count(s => s?.Alarm is not null);
        return new CompoundDashboardDto(
            id,
            compound.Name,
            compound.SubDistrictId,
            compound.LayoutVersion,
            now,
            occupancies.Sum(o => o?.Spaces.Count ?? 0),
            Count(SpaceStatus.Free),
            Count(SpaceStatus.Reserved),
            Count(SpaceStatus.Occupied),
            Count(SpaceStatus.OutOfService),
            chargers.Count,
            chargers.Count(c => c.Status == ChargerStatus.Charging),
            faulted,
            views.OfType<ChargingAreaView>().Sum(v => v.SiteCapacityKw),
            views.OfType<ChargingAreaView>().Sum(v => v.Requests.Count(r => r.Status == ChargingRequestStatus.Waiting)),
            shelters.Length,
            inAlarm,
            faulted + inAlarm);
    }
}
