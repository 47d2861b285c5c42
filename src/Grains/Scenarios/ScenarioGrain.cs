using Orleans.Runtime;
using Parking.Domain.Scenarios;

namespace Parking.Grains.Scenarios;

[GenerateSerializer]
public sealed class ScenarioState
{
    [Id(0)]
    public ScenarioSummary? Summary { get; set; }

    [Id(1)]
    internal List<ScenarioVersion> _versions = [];

    /// <summary>The saved versions, oldest first.</summary>
    public IReadOnlyList<ScenarioVersion> Versions => _versions;

    /// <summary>A version was saved as <paramref name="summary"/> says (the first one starts the list).</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Summary))]
    public void Saved(ScenarioVersion version, ScenarioSummary summary)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (Summary is null)
        {
            _versions = [];
        }

        _versions.Add(version);
        Summary = summary;
    }
}

public sealed class ScenarioGrain(
    [PersistentState("scenario", GrainKeys.StorageName)] IPersistentState<ScenarioState> state,
    ParkingClock time) : Grain, IScenarioGrain
{
    private ScenarioState State => state.State;

    private CompoundScopedKey Key => CompoundScopedKey.Of(this);

    private string ScenarioId => Key.LocalId;

    public async Task<Outcome<ScenarioSummary>> Create(ScenarioDefinition definition, string createdBy, string? origin)
    {
        if (State.Summary is not null)
        {
            return DomainError.Conflict("scenario-exists", $"Scenario {ScenarioId} already exists.");
        }

        var checkedVersion = await Check(definition, createdBy, 1);
        if (checkedVersion.Value is not { } version)
        {
            return checkedVersion.Error!;
        }

        State.Saved(version, new ScenarioSummary(
            Key.CompoundId, ScenarioId, definition.Name.Trim(), definition.Description ?? string.Empty, createdBy, version.SavedAt, origin,
            1, version.SavedAt, Archived: false, version.ChangesCommonParts, definition.Changes.Count));
        await state.WriteStateAsync();
        return State.Summary;
    }

    public Task<ScenarioView?> Get() =>
        Task.FromResult(State.Summary is { } summary ? new ScenarioView(summary, [.. State.Versions]) : null);

    public Task<ScenarioVersion?> GetVersion(int number) =>
        Task.FromResult(State.Versions.FirstOrDefault(v => v.Number == number));

    public async Task<Outcome<ScenarioVersion>> Save(ScenarioDefinition definition, string author, int? basedOn)
    {
        if (State.Summary is not { } summary)
        {
            return NotFound();
        }

        if (summary.Archived)
        {
            return DomainError.Conflict("scenario-archived", $"Scenario {summary.ScenarioId} is archived and takes no new versions; fork a new one.");
        }

        if (basedOn is { } number && number != summary.LatestVersion)
        {
            return DomainError.Conflict("scenario-version-stale", $"Version {number} is not the latest ({summary.LatestVersion}): someone saved in between. Reload and save again.");
        }

        var checkedVersion = await Check(definition, author, summary.LatestVersion + 1);
        if (checkedVersion.Value is not { } version)
        {
            return checkedVersion.Error!;
        }

        State.Saved(version, summary with
        {
            Name = definition.Name.Trim(),
            Description = definition.Description ?? string.Empty,
            LatestVersion = version.Number,
            UpdatedAt = version.SavedAt,
            ChangesCommonParts = version.ChangesCommonParts,
            ChangeCount = definition.Changes.Count,
        });
        await state.WriteStateAsync();
        await GrainFactory.ScenarioCatalog(Key.CompoundId).Updated(State.Summary);
        return version;
    }

    public async Task<Outcome<ScenarioSummary>> Archive(string by)
    {
        if (State.Summary is not { } summary)
        {
            return NotFound();
        }

        if (!summary.Archived)
        {
            State.Summary = summary with { Archived = true, UpdatedAt = time.GetUtcNow() };
            await state.WriteStateAsync();
            await GrainFactory.ScenarioCatalog(Key.CompoundId).Updated(State.Summary);
        }

        return State.Summary;
    }

    /// <summary>Checks a definition against the live layout as it is now and makes the version it would become.</summary>
    private async Task<Outcome<ScenarioVersion>> Check(ScenarioDefinition definition, string author, int number)
    {
        var live = await GrainFactory.Compound(Key.CompoundId).GetLayout();
        if (live is null)
        {
            return DomainError.NotFound("compound-not-found", $"Compound '{Key.CompoundId}' has no layout.");
        }

        var forked = ScenarioChecks.Validate(live, definition);
        if (forked.Value is not { } layout)
        {
            return forked.Error!;
        }

        var normalized = definition with { Name = definition.Name.Trim(), Description = definition.Description ?? string.Empty };
        return new ScenarioVersion(
            number,
            normalized,
            author,
            time.GetUtcNow(),
            LayoutFingerprint.Of(live),
            live.SpaceCount,
            layout.SpaceCount,
            ScenarioLayout.ChangesCommonParts(live, definition.Changes));
    }

    private DomainError NotFound() => DomainError.NotFound("scenario-not-found", $"No scenario '{ScenarioId}' in compound '{Key.CompoundId}'.");
}
