using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Domain.Scenarios;
using Parking.Grains.Scenarios;

namespace Parking.Api.Endpoints;

/// <summary>
/// The committee's scenarios: forks of the live layout and rules, saved as immutable versions. Committee and
/// staff read and write; residents may not.
/// </summary>
public static class ScenarioEndpoints
{
    /// <summary>The id that stands for today's layout and rules (version 0), so runs of it compare with scenarios.</summary>
    public const string Live = "live";

    public static RouteGroupBuilder MapScenarioEndpoints(this RouteGroupBuilder compound)
    {
        var scenarios = compound.MapGroup("/scenarios")
            .WithTags("Scenarios")
            .RequireAuthorization(Policies.Planner);
        scenarios.MapGet("/", List).WithSummary("The compound's scenarios, newest first (archived ones with ?archived=true)");
        scenarios.MapPost("/", Create)
            .WithSummary("Fork today's layout into a new scenario (its version 1)")
            .WithDescription("Changes and rules are checked against the live layout; a refusal names the field and saves nothing.");
        scenarios.MapGet("/{scenarioId}", Get).WithSummary("A scenario and all its versions");
        scenarios.MapPut("/{scenarioId}", Save)
            .WithSummary("Save a new version of a scenario")
            .WithDescription("Every save is a new immutable version; basedOnVersion, when given, must be the latest (else 409).");
        scenarios.MapGet("/{scenarioId}/versions/{version:int}", GetVersion).WithSummary("One version of a scenario (live/versions/0: today's layout)");
        scenarios.MapDelete("/{scenarioId}", Archive).WithSummary("Archive a scenario (its versions and runs are kept)");
        compound.MapSimulationRunEndpoints();
        return compound;
    }

    public static async Task<Ok<ScenarioSummaryDto[]>> List(string compoundId, bool? archived, IGrainFactory grains) =>
        TypedResults.Ok((await grains.ScenarioCatalog(compoundId).List(archived ?? false)).Select(s => s.ToDto()).ToArray());

    public static async Task<Results<Created<ScenarioDto>, ProblemHttpResult>> Create(string compoundId, ScenarioBody? body, HttpContext http, IGrainFactory grains)
    {
        var definition = body.ToDefinition();
        if (definition.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var created = await grains.ScenarioCatalog(compoundId).Create(definition.Value!, http.CurrentUser().UserId, origin: null);
        if (created.Value is not { } summary)
        {
            return Problems.From(created.Error!.ToWireField());
        }

        var view = await grains.Scenario(compoundId, summary.ScenarioId).Get();
        return TypedResults.Created($"/api/compounds/{compoundId}/scenarios/{summary.ScenarioId}", await ToDto(view!, grains, compoundId));
    }

    public static async Task<Results<Ok<ScenarioDto>, ProblemHttpResult>> Get(string compoundId, string scenarioId, IGrainFactory grains)
    {
        var view = await grains.Scenario(compoundId, scenarioId).Get();
        return view is null ? NotFound(scenarioId) : TypedResults.Ok(await ToDto(view, grains, compoundId));
    }

    public static async Task<Results<Ok<ScenarioVersionDto>, ProblemHttpResult>> Save(string compoundId, string scenarioId, ScenarioBody? body, HttpContext http, IGrainFactory grains)
    {
        if (await grains.Scenario(compoundId, scenarioId).Get() is null)
        {
            return NotFound(scenarioId);
        }

        var definition = body.ToDefinition();
        if (definition.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var saved = await grains.Scenario(compoundId, scenarioId).Save(definition.Value!, http.CurrentUser().UserId, body!.BasedOnVersion);
        return saved.Value is { } version
            ? TypedResults.Ok(version.ToDto(scenarioId, await LiveFingerprint(grains, compoundId)))
            : Problems.From(saved.Error!.ToWireField());
    }

    public static async Task<Results<Ok<ScenarioVersionDto>, ProblemHttpResult>> GetVersion(string compoundId, string scenarioId, int version, IGrainFactory grains)
    {
        var found = await FindVersion(grains, compoundId, scenarioId, version);
        return found.Value is { } v ? TypedResults.Ok(v.ToDto(scenarioId, await LiveFingerprint(grains, compoundId))) : Problems.From(found.Error!);
    }

    public static async Task<Results<Ok<ScenarioSummaryDto>, ProblemHttpResult>> Archive(string compoundId, string scenarioId, HttpContext http, IGrainFactory grains)
    {
        var archived = await grains.Scenario(compoundId, scenarioId).Archive(http.CurrentUser().UserId);
        return archived.Value is { } summary ? TypedResults.Ok(summary.ToDto()) : Problems.From(archived.Error!);
    }

    /// <summary>A saved version, or version 0 of <c>live</c>: today's layout with no changes.</summary>
    internal static async Task<Outcome<ScenarioVersion>> FindVersion(IGrainFactory grains, string compoundId, string scenarioId, int version)
    {
        if (scenarioId == Live)
        {
            var live = await grains.Compound(compoundId).GetLayout();
            if (version != 0 || live is null)
            {
                return DomainError.NotFound("scenario-version-not-found", "Today's layout is version 0 of 'live'.");
            }

            return new ScenarioVersion(0, LiveDefinition, "live", DateTimeOffset.MinValue, LayoutFingerprint.Of(live), live.SpaceCount, live.SpaceCount, false);
        }

        var scenario = grains.Scenario(compoundId, scenarioId);
        var found = await scenario.GetVersion(version);
        if (found is not null)
        {
            return found;
        }

        return await scenario.Get() is null
            ? DomainError.NotFound("scenario-not-found", $"No scenario '{scenarioId}' in this compound.")
            : DomainError.NotFound("scenario-version-not-found", $"Scenario {scenarioId} has no version {version}.");
    }

    internal static ScenarioDefinition LiveDefinition { get; } = new("Today", "Today's layout and rules.", LayoutChanges.None, ScenarioRules.Live);

    private static ProblemHttpResult NotFound(string scenarioId) =>
        Problems.From(DomainError.NotFound("scenario-not-found", $"No scenario '{scenarioId}' in this compound."));

    private static async Task<string> LiveFingerprint(IGrainFactory grains, string compoundId) =>
        await grains.Compound(compoundId).GetLayout() is { } live ? LayoutFingerprint.Of(live) : string.Empty;

    private static async Task<ScenarioDto> ToDto(ScenarioView view, IGrainFactory grains, string compoundId)
    {
        var fingerprint = await LiveFingerprint(grains, compoundId);
        return new ScenarioDto(view.Summary.ToDto(), [.. view.Versions.Select(v => v.ToDto(view.Summary.ScenarioId, fingerprint))]);
    }
}
