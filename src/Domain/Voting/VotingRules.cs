namespace Parking.Domain.Voting;

/// <summary>What a proposal must be before it is put to the owners.</summary>
public static class VotingRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxScenarioIdLength = 100;

    /// <summary>The voting period must close within this time from now.</summary>
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromDays(90);

    /// <summary>An opening this far in the past still counts as "now": the browser's clock and ours differ a little.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The first thing wrong with the draft, naming the field, or null when it may be put to the vote.</summary>
    public static DomainError? Validate(ProposalDraft draft, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (string.IsNullOrWhiteSpace(draft.Title))
        {
            return DomainError.Invalid("title", "invalid-request", "title is required.");
        }

        if (draft.Title.Trim().Length > MaxTitleLength)
        {
            return DomainError.Invalid("title", "invalid-request", $"title has at most {MaxTitleLength} characters.");
        }

        if (draft.Description is { Length: > MaxDescriptionLength })
        {
            return DomainError.Invalid("description", "invalid-request", $"description has at most {MaxDescriptionLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(draft.ScenarioId))
        {
            return DomainError.Invalid("scenarioId", "invalid-request", "scenarioId is required: the scenario put to the vote.");
        }

        if (draft.ScenarioId.Trim().Length > MaxScenarioIdLength)
        {
            return DomainError.Invalid("scenarioId", "invalid-request", $"scenarioId has at most {MaxScenarioIdLength} characters.");
        }

        if (draft.ScenarioVersion < 1)
        {
            return DomainError.Invalid("scenarioVersion", "invalid-request", "scenarioVersion is 1 or more.");
        }

        if (!Enum.IsDefined(draft.Matter))
        {
            return DomainError.Invalid("matter", "invalid-request", "matter is commonPartsUse or other.");
        }

        if (draft.Opens < now - ClockTolerance)
        {
            return DomainError.Invalid("opens", "period-in-past", "The voting period cannot open in the past.");
        }

        if (draft.Closes <= draft.Opens)
        {
            return DomainError.Invalid("closes", "period-reversed", "closes must be after opens.");
        }

        return draft.Closes > now + MaxHorizon
            ? DomainError.Invalid("closes", "period-too-long", $"The voting period must close within {MaxHorizon.TotalDays:0} days from now.")
            : null;
    }
}
