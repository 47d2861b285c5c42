using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Domain.Rebalancing;
using Parking.Grains.Rebalancing;

namespace Parking.Api.Endpoints;

/// <summary>
/// Rebalancing proposals: staff ask the optimizer for layout changes, see them with their rationale and
/// simulated effect, edit, accept (a committee scenario) or reject them. The committee may read them.
/// </summary>
public static class RebalancingEndpoints
{
    public static RouteGroupBuilder MapRebalancingEndpoints(this RouteGroupBuilder compound)
    {
        var proposals = compound.MapGroup("/rebalancing/proposals")
            .WithTags("Rebalancing")
            .RequireAuthorization(Policies.Planner);
        proposals.MapGet("/", List).WithSummary("The compound's rebalancing proposals, newest first");
        proposals.MapGet("/{proposalId}", Get).WithSummary("One proposal: changes, rationale, the model's figures and the simulated effect");
        proposals.MapPost("/", Request)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Ask the optimizer for a proposal (a long job: poll it, or cancel it)")
            .WithDescription("Fixed spaces, the budget and the demand are checked first; a refusal names the field and starts nothing.");
        proposals.MapPut("/{proposalId}", Edit)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Replace a ready proposal's changes (re-checked; the model's figures recomputed, the simulated effect marked stale)");
        proposals.MapPost("/{proposalId}/accept", Accept)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Accept a ready proposal: it becomes a committee scenario, whose id is returned");
        proposals.MapPost("/{proposalId}/reject", Reject).RequireAuthorization(Policies.Staff).WithSummary("Reject a ready proposal, saying why");
        proposals.MapPost("/{proposalId}/cancel", Cancel).RequireAuthorization(Policies.Staff).WithSummary("Cancel a running proposal");
        return compound;
    }

    public static async Task<Ok<RebalancingSuggestionDto[]>> List(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.Rebalancing(compoundId).List()).Select(p => p.ToDto()).ToArray());

    public static async Task<Results<Ok<RebalancingSuggestionDto>, ProblemHttpResult>> Get(string compoundId, string proposalId, IGrainFactory grains) =>
        await grains.Rebalancing(compoundId).Get(proposalId) is { } proposal ? TypedResults.Ok(proposal.ToDto()) : NotFound(proposalId);

    public static async Task<Results<Accepted<RebalancingSuggestionDto>, ProblemHttpResult>> Request(
        string compoundId, RebalancingRequestDto? body, HttpContext http, IGrainFactory grains)
    {
        var ask = ToAsk(body ?? new RebalancingRequestDto());
        if (ask.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var started = await grains.Rebalancing(compoundId).Request(ask.Value!, http.CurrentUser().UserId);
        return started.Value is { } proposal
            ? TypedResults.Accepted($"/api/compounds/{compoundId}/rebalancing/proposals/{proposal.SuggestionId}", proposal.ToDto())
            : Problems.From(started.Error!);
    }

    public static async Task<Results<Ok<RebalancingSuggestionDto>, ProblemHttpResult>> Edit(
        string compoundId, string proposalId, RebalancingEditDto? body, HttpContext http, IGrainFactory grains)
    {
        if (body?.Changes is null)
        {
            return Problems.Invalid("changes", "A JSON body with the changes to keep is required.");
        }

        var definition = new ScenarioBody(null, null, body.Changes, null).ToDefinition();
        if (definition.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var edited = await grains.Rebalancing(compoundId).Edit(proposalId, definition.Value!.Changes, http.CurrentUser().UserId);
        return edited.Value is { } proposal ? TypedResults.Ok(proposal.ToDto()) : Problems.From(edited.Error!);
    }

    public static async Task<Results<Ok<RebalancingAcceptedDto>, ProblemHttpResult>> Accept(
        string compoundId, string proposalId, RebalancingAcceptDto? body, HttpContext http, IGrainFactory grains)
    {
        if (body?.Name is { Length: > 200 })
        {
            return Problems.Invalid("name", "A scenario's name has at most 200 characters.");
        }

        var accepted = await grains.Rebalancing(compoundId).Accept(proposalId, http.CurrentUser().UserId, body?.Name);
        return accepted.Value is { } scenarioId
            ? TypedResults.Ok(new RebalancingAcceptedDto(proposalId, scenarioId))
            : Problems.From(accepted.Error!.ToWireField());
    }

    public static async Task<Results<Ok<RebalancingSuggestionDto>, ProblemHttpResult>> Reject(
        string compoundId, string proposalId, RebalancingRejectDto? body, HttpContext http, IGrainFactory grains)
    {
        var rejected = await grains.Rebalancing(compoundId).Reject(proposalId, body?.Reason ?? string.Empty, http.CurrentUser().UserId);
        return rejected.Value is { } proposal ? TypedResults.Ok(proposal.ToDto()) : Problems.From(rejected.Error!);
    }

    public static async Task<Results<Ok<RebalancingSuggestionDto>, ProblemHttpResult>> Cancel(
        string compoundId, string proposalId, HttpContext http, IGrainFactory grains)
    {
        var cancelled = await grains.Rebalancing(compoundId).Cancel(proposalId, http.CurrentUser().UserId);
        return cancelled.Value is { } proposal ? TypedResults.Ok(proposal.ToDto()) : Problems.From(cancelled.Error!);
    }

    /// <summary>The body with its defaults, or the first field that cannot be read (ranges are checked by the grain).</summary>
    internal static Outcome<RebalancingAsk> ToAsk(RebalancingRequestDto body)
    {
        var kinds = new List<SpaceKind>();
        for (var i = 0; i < (body.KindsNotToTouch?.Count ?? 0); i++)
        {
            var text = body.KindsNotToTouch![i];
            if (text is null || !Enum.TryParse<SpaceKind>(text, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(text, out _))
            {
                return DomainError.Invalid(string.Create(CultureInfo.InvariantCulture, $"kindsNotToTouch[{i}]"), "invalid-request", "A kind is standard, ev, accessible or visitor.");
            }

            kinds.Add(kind);
        }

        var fixedIds = body.FixedSpaceIds ?? [];
        for (var i = 0; i < fixedIds.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(fixedIds[i]))
            {
                return DomainError.Invalid(string.Create(CultureInfo.InvariantCulture, $"fixedSpaceIds[{i}]"), "invalid-request", "A space id is required.");
            }
        }

        return new RebalancingAsk(
            [.. fixedIds.Distinct(StringComparer.Ordinal)],
            body.MaxSpaceChanges ?? 20,
            body.MaxNewChargers ?? 10,
            [.. kinds.Distinct()],
            body.Demand?.Source?.ToLowerInvariant() ?? RebalancingAsk.Synthetic,
            body.Demand?.CarsPerHousehold,
            body.Demand?.EvShare,
            body.Days ?? 3,
            body.Seed ?? 1,
            body.ConsiderSharing ?? true,
            body.SharingOwnersShare ?? 0.3,
            body.TimeLimitSeconds ?? 10,
            body.Demand?.HistoryDays ?? 28);
    }

    public static RebalancingSuggestionDto ToDto(this RebalancingSuggestion p) => new(
        p.SuggestionId,
        p.Status.ToDto(),
        p.Progress,
        p.CreatedBy,
        p.CreatedAt,
        new RebalancingRequestDto(
            p.Ask.FixedSpaceIds,
            p.Ask.MaxSpaceChanges,
            p.Ask.MaxNewChargers,
            [.. p.Ask.KindsNotToTouch.Select(k => k.Wire())],
            new RebalancingDemandDto(p.Ask.DemandSource, p.Ask.CarsPerHousehold, p.Ask.EvShare, p.Ask.HistoryDays),
            p.Ask.ConsiderSharing,
            p.Ask.SharingOwnersShare,
            p.Ask.Days,
            p.Ask.Seed,
            p.Ask.TimeLimitSeconds),
        p.Changes.ToDto(),
        p.Rules.ToDto(),
        [.. p.Retypes.Select(r => new RebalancingRetypeDto(
            r.LotId, r.From.ToDto(), r.To.ToDto(), r.SpaceIds, r.ServedGainPerWeek, r.GainUnit, r.ServedLossPerWeek, r.LossUnit, r.MeanWalkMeters, r.Buildings))],
        p.Sharing is { } s
            ? new RebalancingSharingDto(Time(s.From), Time(s.Until), s.OwnersShare, s.PrivateSpaces, s.ServedGainPerWeek)
            : null,
        ToDto(p.Before),
        ToDto(p.After),
        p.Effect is { } e ? new RebalancingEffectDto(e.Days, e.Seed, ToDto(e.Today), ToDto(e.Proposed), e.Stale) : null,
        p.SolveStatus?.ToDto(),
        p.Method,
        p.SolveSeconds,
        p.DemandUsed,
        p.Note,
        p.EditedBy,
        p.EditedAt,
        p.DecidedBy,
        p.DecidedAt,
        p.ScenarioId,
        p.RejectReason);

    private static RebalancingFiguresDto? ToDto(RebalancingFigures? f) => f is null ? null : new(
        [.. f.Needs.Select(n => new RebalancingNeedDto(n.Need.ToDto(), n.Unit, n.DemandPerWeek, n.ServedPerWeek, n.MeanWalkMeters))],
        [.. f.Unserved.Select(u => new RebalancingUnservedDto(u.BuildingId, u.Need.ToDto(), u.UnservedPerWeek))],
        f.Objective);

    /// <summary>Each Contracts enum has the Domain enum's members in the same order (tests/Api.Tests/WireEnumTests.cs).</summary>
    public static RebalancingNeedKindDto ToDto(this Need need) => (RebalancingNeedKindDto)need;

    public static RebalancingSolveStatusDto ToDto(this RebalancingSolveStatus status) => (RebalancingSolveStatusDto)status;

    private static RebalancingSimulatedDto ToDto(SimulatedFigures f) =>
        new(f.Requests, f.Served, f.Refused, f.MeanWaitMinutes, f.P95WaitMinutes, f.EnergyDeliveredShare, f.UnservedByBuilding);

    private static string Time(TimeOnly t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static ProblemHttpResult NotFound(string proposalId) =>
        Problems.From(DomainError.NotFound("proposal-not-found", $"No rebalancing proposal '{proposalId}' in this compound."));
}
