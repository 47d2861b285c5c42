using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Parking.Domain.CompoundFiles;
using Parking.Grains.Compounds;

namespace Parking.Api.Endpoints;

/// <summary>A live compound back out as a compound file: the way to keep, move or change a compound with the importer.</summary>
public static class CompoundFileEndpoints
{
    public static RouteGroupBuilder MapCompoundFileEndpoints(this RouteGroupBuilder compound)
    {
        compound.MapGet("/file", Export)
            .WithTags("Compounds")
            .RequireAuthorization(Policies.PeopleManager)
            .WithSummary("The compound as a compound file of the published version, as it is live now (its staff; the sub-district operator)")
            .WithDescription("The layout after staff edits (retyped and re-owned spaces, blocked spaces, feeds set by hand), the households and everyone who belongs to the compound now with their role, household and cars. No invite codes, join requests, e-bikes or audit trail. The file re-imports (POST /api/compounds/import) to the same layout; with another compound.id it makes a copy. A space out of service (a staff block) is written with outOfService true, so a re-import keeps it blocked. 404 when the compound has no layout.")
            .Produces<CompoundFile>(StatusCodes.Status200OK, "application/json");
        return compound;
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Export(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var file = await CompoundExporter.Export(grains, compoundId, http.RequestAborted);
        if (file is null)
        {
            return Problems.From(DomainError.NotFound("compound-not-found", $"No compound '{compoundId}'."));
        }

        http.Response.Headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("attachment") { FileNameStar = compoundId + ".json" }.ToString();
        return TypedResults.Text(CompoundFileReader.Write(file, indented: true), "application/json; charset=utf-8");
    }
}
