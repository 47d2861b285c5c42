using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Credits;
using Parking.Domain.Sharing;

namespace Parking.Api.Endpoints;

/// <summary>An owner's own private spaces: how each is shared, booked and what it earned.</summary>
public static class MySpacesEndpoints
{
    public static RouteGroupBuilder MapMySpacesEndpoints(this RouteGroupBuilder compound)
    {
        compound.MapGet("/spaces/mine", Mine)
            .WithTags("Sharing")
            .RequireAuthorization(Policies.Resident)
            .WithSummary("My household's private spaces: sharing plan, shared windows, bookings by others, broken bookings and credits earned");
        return compound;
    }

    public static async Task<Results<Ok<MySpaceDto[]>, ProblemHttpResult>> Mine(
        string compoundId, HttpContext http, IGrainFactory grains, IOptions<SharingPolicy> policy)
    {
        if (http.CurrentUser().HouseholdId is not { } household)
        {
            return Problems.From(DomainError.NotFound("no-household", "Your token names no household, so you own no space."));
        }

        var compound = grains.Compound(compoundId);
        var lots = await Task.WhenAll((await compound.GetLots()).Select(l => compound.GetLot(l.LotId)));
        var owned = lots.OfType<LotDefinition>()
            .SelectMany(l => l.Spaces)
            .Where(s => s.Ownership == SpaceOwnership.Private && s.OwnerHouseholdId == household)
            .OrderBy(s => s.SpaceId, StringComparer.Ordinal)
            .ToList();
        if (owned.Count == 0)
        {
            return TypedResults.Ok(Array.Empty<MySpaceDto>());
        }

        var earnings = await grains.HouseholdLedger(compoundId, household).GetSpaceEarnings([.. owned.Select(s => s.SpaceId)]);
        var sharing = await Task.WhenAll(owned.Select(s => grains.Space(compoundId, s.SpaceId).GetSharing()));
        var offset = policy.Value.UtcOffset;
        var spaces = new List<MySpaceDto>(owned.Count);
        for (var i = 0; i < owned.Count; i++)
        {
            if (sharing[i].Value is not { } view)
            {
                continue;
            }

            var space = owned[i];
            var wire = view.ToDto(offset);
            var earned = earnings.GetValueOrDefault(space.SpaceId) ?? SpaceEarnings.None;
            spaces.Add(new MySpaceDto(
                space.SpaceId,
                space.Label,
                space.LotId,
                space.Kind.ToDto(),
                wire.Plan,
                wire.Upcoming,
                Math.Round(view.Upcoming.Sum(w => w.Duration.TotalHours), 2),
                view.Booked,
                wire.Record,
                new SpaceEarningsDto(earned.Bookings, earned.Earned, earned.Refunds, earned.Refunded, earned.Net)));
        }

        return TypedResults.Ok(spaces.ToArray());
    }
}
