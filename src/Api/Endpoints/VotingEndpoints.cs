using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Api.Auth;
using Parking.Domain.Voting;
using Parking.Grains.Voting;

namespace Parking.Api.Endpoints;

/// <summary>
/// Proposals and the owners' vote. The committee puts a scenario version to the vote and sees the tallies and the
/// audit trail; a resident casts and changes their household's ballot and sees only it; everyone of the compound
/// sees the turnout, and the tallies once the vote has closed.
/// </summary>
public static class VotingEndpoints
{
    public static RouteGroupBuilder MapVotingEndpoints(this RouteGroupBuilder compound)
    {
        var proposals = compound.MapGroup("/proposals").WithTags("Voting");
        proposals.MapPost("", Create)
            .RequireAuthorization(Policies.Committee)
            .WithSummary("Put a scenario to the owners' vote (committee)")
            .WithDescription("Title, scenario id and version, matter (commonPartsUse or other), and the voting period [opens, closes), closing within 90 days.");
        proposals.MapGet("", List).WithSummary("The compound's proposals, newest first, with turnout (and tallies where you may see them)");
        proposals.MapGet("/{proposalId}", Get).WithSummary("One proposal with its turnout (and tallies where you may see them)");
        proposals.MapPost("/{proposalId}/ballot", Cast)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Cast my household's ballot: yes, no or abstain (once; change it with PUT)");
        proposals.MapPut("/{proposalId}/ballot", Change)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("Change my household's ballot while voting is open");
        proposals.MapGet("/{proposalId}/ballot", Mine)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("My household's ballot and its history");
        proposals.MapGet("/{proposalId}/audit", Audit)
            .RequireAuthorization(Policies.Committee)
            .WithSummary("Every ballot cast and changed: household, user, choice, when (committee)");
        return compound;
    }

    public static async Task<Results<Created<ProposalDto>, ProblemHttpResult>> Create(
        string compoundId, CreateProposalRequest? body, HttpContext http, IGrainFactory grains)
    {
        var draft = ParseDraft(body);
        if (draft.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await grains.Proposals(compoundId).Create(draft.Value!, http.CurrentUser().UserId);
        return outcome.Value is { } view
            ? TypedResults.Created($"/api/compounds/{compoundId}/proposals/{view.Proposal.ProposalId}", view.ToDto(showTally: true))
            : Problems.From(outcome.Error!);
    }

    public static async Task<Ok<IReadOnlyList<ProposalDto>>> List(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var committee = IsCommittee(http.CurrentUser());
        var ids = await grains.Proposals(compoundId).GetProposalIds();
        var views = await Task.WhenAll(ids.Select(id => grains.Proposal(compoundId, id).Get()));
        return TypedResults.Ok<IReadOnlyList<ProposalDto>>([.. views.OfType<ProposalView>().Select(v => v.ToDto(committee))]);
    }

    public static async Task<Results<Ok<ProposalDto>, ProblemHttpResult>> Get(string compoundId, string proposalId, HttpContext http, IGrainFactory grains)
    {
        var view = await grains.Proposal(compoundId, proposalId).Get();
        return view is null ? NotFound(proposalId) : TypedResults.Ok(view.ToDto(IsCommittee(http.CurrentUser())));
    }

    public static async Task<Results<Created<BallotDto>, ProblemHttpResult>> Cast(
        string compoundId, string proposalId, BallotRequest? body, HttpContext http, IGrainFactory grains)
    {
        var voter = VoterOf(http.CurrentUser());
        if (voter.Error is { } refused)
        {
            return Problems.From(refused);
        }

        var choice = ParseChoice(body);
        if (choice.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await grains.Proposal(compoundId, proposalId).Cast(voter.Value!, choice.Value);
        return outcome.Value is { } ballot
            ? TypedResults.Created($"/api/compounds/{compoundId}/proposals/{proposalId}/ballot", ballot.ToDto(proposalId))
            : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<BallotDto>, ProblemHttpResult>> Change(
        string compoundId, string proposalId, BallotRequest? body, HttpContext http, IGrainFactory grains)
    {
        var voter = VoterOf(http.CurrentUser());
        if (voter.Error is { } refused)
        {
            return Problems.From(refused);
        }

        var choice = ParseChoice(body);
        if (choice.Error is { } invalid)
        {
            return Problems.From(invalid);
        }

        var outcome = await grains.Proposal(compoundId, proposalId).Change(voter.Value!, choice.Value);
        return outcome.Value is { } ballot ? TypedResults.Ok(ballot.ToDto(proposalId)) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<MyBallotDto>, ProblemHttpResult>> Mine(string compoundId, string proposalId, HttpContext http, IGrainFactory grains)
    {
        var voter = VoterOf(http.CurrentUser());
        if (voter.Error is { } refused)
        {
            return Problems.From(refused);
        }

        var outcome = await grains.Proposal(compoundId, proposalId).GetBallot(voter.Value!.HouseholdId);
        return outcome.Value is { } mine
            ? TypedResults.Ok(new MyBallotDto(proposalId, mine.HouseholdId, mine.Ballot?.ToDto(proposalId), [.. mine.History.Select(h => h.ToDto())]))
            : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<IReadOnlyList<BallotAuditEntryDto>>, ProblemHttpResult>> Audit(string compoundId, string proposalId, IGrainFactory grains)
    {
        var outcome = await grains.Proposal(compoundId, proposalId).GetAudit();
        return outcome.Value is { } audit
            ? TypedResults.Ok<IReadOnlyList<BallotAuditEntryDto>>([.. audit.Select(a => a.ToDto())])
            : Problems.From(outcome.Error!);
    }

    public static bool IsCommittee(CurrentUser user) => user.Role == Roles.Committee;

    /// <summary>Reads a create request into a draft, naming the field of the first thing missing or malformed.</summary>
    public static Outcome<ProposalDraft> ParseDraft(CreateProposalRequest? body)
    {
        if (body is null)
        {
            return DomainError.Invalid("body", "invalid-request", "A JSON body with title, scenarioId, matter, opens and closes is required.");
        }

        if (string.IsNullOrWhiteSpace(body.Title))
        {
            return DomainError.Invalid("title", "invalid-request", "title is required.");
        }

        if (string.IsNullOrWhiteSpace(body.ScenarioId))
        {
            return DomainError.Invalid("scenarioId", "invalid-request", "scenarioId is required: the scenario put to the vote.");
        }

        if (body.Matter is not { } matterText
            || !Enum.TryParse<VoteMatter>(matterText, ignoreCase: true, out var matter)
            || !Enum.IsDefined(matter)
            || int.TryParse(matterText, out _))
        {
            return DomainError.Invalid("matter", "invalid-request", "matter is commonPartsUse (changing the use of common parts) or other.");
        }

        if (body.Opens is not { } opens)
        {
            return DomainError.Invalid("opens", "invalid-request", "opens is required (ISO 8601 with an offset).");
        }

        if (body.Closes is not { } closes)
        {
            return DomainError.Invalid("closes", "invalid-request", "closes is required (ISO 8601 with an offset).");
        }

        return new ProposalDraft(body.Title, body.Description, body.ScenarioId, body.ScenarioVersion ?? 1, matter, opens, closes);
    }

    public static Outcome<BallotChoice> ParseChoice(BallotRequest? body) =>
        body?.Choice is { } text
        && Enum.TryParse<BallotChoice>(text, ignoreCase: true, out var choice)
        && Enum.IsDefined(choice)
        && !int.TryParse(text, out _)
            ? choice
            : DomainError.Invalid("choice", "invalid-request", "choice is yes, no or abstain.");

    public static ProposalDto ToDto(this ProposalView view, bool showTally)
    {
        ArgumentNullException.ThrowIfNull(view);
        var (p, result) = (view.Proposal, view.Result);
        var t = result.Tally;
        var common = p.Matter == VoteMatter.CommonPartsUse;
        return new ProposalDto(
            p.ProposalId,
            p.Title,
            p.Description,
            p.ScenarioId,
            p.ScenarioVersion,
            p.Matter.ToDto(),
            p.Opens,
            p.Closes,
            p.CreatedBy,
            p.CreatedAt,
            result.Status.ToDto(),
            result.Failure?.Wire(),
            result.ClosedAt,
            new VoteRuleDto(2, 3, common ? 3 : 1, common ? 4 : 2, MajorityStrict: !common),
            new VoteTurnoutDto(t.TotalOwners, t.TotalArea, t.ParticipatingOwners, t.ParticipatingArea, t.ParticipationOwnersMet, t.ParticipationAreaMet, t.QuorumMet),
            showTally || result.IsClosed
                ? new VoteTallyDto(t.YesOwners, t.YesArea, t.NoOwners, t.NoArea, t.AbstainOwners, t.AbstainArea, t.YesOwnersMet(p.Matter), t.YesAreaMet(p.Matter), t.MajorityMet(p.Matter))
                : null,
            view.Version);
    }

    public static BallotDto ToDto(this Ballot b, string proposalId) =>
        new(proposalId, b.HouseholdId, b.Choice.ToDto(), b.CastBy, b.CastAt, b.UpdatedBy, b.UpdatedAt, b.Changes);

    public static BallotAuditEntryDto ToDto(this BallotAuditEntry a) =>
        new(a.Sequence, a.HouseholdId, a.UserId, a.Action.ToDto(), a.Choice.ToDto(), a.PreviousChoice?.ToDto(), a.At);

    private static Outcome<Voter> VoterOf(CurrentUser user) =>
        user.HouseholdId is { Length: > 0 } household
            ? new Voter(user.UserId, household)
            : DomainError.Forbidden("Only a resident of a household may vote, for that household.");

    private static ProblemHttpResult NotFound(string proposalId) =>
        Problems.From(DomainError.NotFound("proposal-not-found", $"No proposal '{proposalId}'."));
}
