using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Api.Devices;
using Parking.Domain.Shelters;
using Parking.Grains.Devices;
using Parking.Grains.Shelters;

namespace Parking.Api.Endpoints;

/// <summary>
/// Staff and the shelter controllers' credentials: provision or rotate (the password is shown once), revoke,
/// and see a controller's link (online, offline, commands waiting, commands that failed).
/// </summary>
public static class ShelterControllerEndpoints
{
    public static RouteGroupBuilder MapShelterControllerEndpoints(this RouteGroupBuilder compound)
    {
        var controller = compound.MapGroup("/shelters/{shelterId}/controller")
            .WithTags("E-bike shelter controllers")
            .RequireAuthorization(Policies.Staff);
        controller.MapGet("/", Get).WithSummary("The shelter's controller: online or offline, commands waiting and failed (staff)");
        controller.MapPost("/credentials", Issue)
            .WithSummary("Provision or rotate the controller's MQTT credentials; the password is shown once (staff)");
        controller.MapDelete("/credentials", Revoke).WithSummary("Revoke the controller's MQTT credentials (staff)");
        return compound;
    }

    public static async Task<Results<Ok<ShelterControllerDto>, ProblemHttpResult>> Get(string compoundId, string shelterId, IGrainFactory grains)
    {
        if (await Unknown(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var view = await grains.ShelterController(compoundId, shelterId).GetView();
        var issued = await grains.DeviceCredential(compoundId, DeviceKind.ShelterController, shelterId).IsIssued();
        return TypedResults.Ok(new ShelterControllerDto(
            shelterId,
            view.Status.ToDto(),
            view.LastSeenAt,
            issued,
            view.CommandsIssued,
            [.. view.Pending.Select(p => p.Command.ToDto(p.Unconfirmed, null))],
            [.. view.RecentFailures.Select(f => f.Command.ToDto(f.Ports, f))],
            [.. view.RecentRejected.Select(r => new RejectedMessageDto(r.Topic, r.Field, r.Reason, r.At))]));
    }

    public static async Task<Results<Created<ControllerCredentialsDto>, ProblemHttpResult>> Issue(string compoundId, string shelterId, IGrainFactory grains)
    {
        if (await Unknown(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var issued = await grains.DeviceCredential(compoundId, DeviceKind.ShelterController, shelterId).Issue();
        return TypedResults.Created(
            $"/api/compounds/{compoundId}/shelters/{shelterId}/controller",
            new ControllerCredentialsDto(
                shelterId,
                ShelterTopics.ControllerUser(compoundId, shelterId),
                issued.Secret,
                ShelterTopics.Prefix(compoundId, shelterId),
                issued.Version,
                issued.IssuedAt));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string compoundId, string shelterId, IGrainFactory grains)
    {
        if (await Unknown(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        return await grains.DeviceCredential(compoundId, DeviceKind.ShelterController, shelterId).Revoke()
            ? TypedResults.NoContent()
            : Problems.From(DomainError.NotFound("no-credentials", "The controller has no credentials to revoke."));
    }

    private static ShelterCommandDto ToDto(this ShelterCommand c, IReadOnlyList<string> ports, CommandFailure? failure) =>
        new(c.CommandId, c.Action.ToDto(), c.PortId, c.IssuedAt, c.DueBy, ports, failure?.Reason, failure?.Detail, failure?.At);

    private static async Task<ProblemHttpResult?> Unknown(string compoundId, string shelterId, IGrainFactory grains) =>
        (await grains.Compound(compoundId).GetShelters()).Any(s => s.ShelterId == shelterId)
            ? null
            : Problems.From(DomainError.NotFound("shelter-not-found", $"No shelter '{shelterId}' in this compound."));
}
