using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Parking.Api.Endpoints;

public static class LotEndpoints
{
    public static RouteGroupBuilder MapLotEndpoints(this RouteGroupBuilder compound)
    {
        var lots = compound.MapGroup("/lots").WithTags("Lots");
        lots.MapGet("/", List).WithSummary("The compound's lots");
        lots.MapGet("/{lotId}/occupancy", Occupancy)
            .RequireAuthorization(Policies.Watcher)
            .WithSummary("A lot's live occupancy (staff, and the sub-district operator)")
            .WithDescription("Every space with its status now and the windows it is held; Epoch and Sequence let a client catch up on changes later.");
        lots.MapGet("/{lotId}/changes", Changes)
            .WithSummary("Changes to a lot after a sequence number, for clients catching up after a reconnect");
        return compound;
    }

    public static async Task<Ok<LotSummaryDto[]>> List(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.Compound(compoundId).GetLots()).Select(l => l.ToDto()).ToArray());

    public static async Task<Results<Ok<LotOccupancyDto>, ProblemHttpResult>> Occupancy(string compoundId, string lotId, IGrainFactory grains)
    {
        var occupancy = await grains.Lot(compoundId, lotId).GetOccupancy();
        return occupancy is null ? UnknownLot(lotId) : TypedResults.Ok(occupancy.ToDto());
    }

    public static async Task<Results<Ok<LotChangesDto>, ProblemHttpResult>> Changes(string compoundId, string lotId, Guid? epoch, long? since, IGrainFactory grains)
    {
        if (epoch is null)
        {
            return Problems.Invalid("epoch", "epoch is required: the Epoch of the occupancy or change the client last saw.");
        }

        if (since is null or < 0)
        {
            return Problems.Invalid("since", "since is required: the last Sequence the client saw (0 or more).");
        }

        if (await grains.Compound(compoundId).GetLot(lotId) is null)
        {
            return UnknownLot(lotId);
        }

        var changes = await grains.Lot(compoundId, lotId).GetChangesSince(epoch.Value, since.Value);
        return TypedResults.Ok(new LotChangesDto(
            changes.Epoch,
            changes.Sequence,
            changes.Complete,
            [.. changes.Changes.Select(c => c.ToDto(compoundId, lotId, changes.Epoch))]));
    }

    private static ProblemHttpResult UnknownLot(string lotId) =>
        Problems.From(DomainError.NotFound("lot-not-found", $"No lot '{lotId}' in this compound."));
}
