using Orleans.Runtime;
using Parking.Domain.Scenarios;

namespace Parking.Grains.Scenarios;

public sealed class ScenarioGrain(
    [PersistentState("scenario", GrainKeys.StorageName)] IPersistentState<ScenarioState> state,
    ParkingClock time) : Grain, IScenarioGrain
{
    private ScenarioState State => state.State;

    private CompoundScopedKey Key => CompoundScopedKey.Of(this);

    private string ScenarioId => Key.LocalId;

    public async Task<Outcome<ScenarioSummary>> Create(ScenarioDefinition definition, string createdBy, string? origin)
    {
        if (State.CreateRefused(ScenarioId) is { } refused)
        {
            return refused;
        }

        var checkedVersion = await Check(definition, createdBy, State.NextVersion);
        if (checkedVersion.Value is not { } version)
        {
            return checkedVersion.Error!;
        }

        State.Create(Key.CompoundId, ScenarioId, createdBy, origin, version);
        await state.WriteStateAsync();
        return State.Summary;
    }

    public Task<ScenarioView?> Get() =>
        Task.FromResult(State.Summary is { } summary ? new ScenarioView(summary, [.. State.Versions]) : null);

    public Task<ScenarioVersion?> GetVersion(int number) =>
        Task.FromResult(State.Versions.FirstOrDefault(v => v.Number == number));

    public async Task<Outcome<ScenarioVersion>> Save(ScenarioDefinition definition, string author, int? basedOn)
    {
        if (State.Summary is null)
        {
            return NotFound();
        }

        if (State.SaveRefused(basedOn) is { } refused)
        {
            return refused;
        }

        var checkedVersion = await Check(definition, author, State.NextVersion);
        if (checkedVersion.Value is not { } version)
        {
            return checkedVersion.Error!;
        }

        State.Save(version);
        await state.WriteStateAsync();
        await GrainFactory.ScenarioCatalog(Key.CompoundId).Updated(State.Summary);
        return version;
    }

    public async Task<Outcome<ScenarioSummary>> Archive(string by)
    {
        if (State.Summary is null)
        {
            return NotFound();
        }

        if (State.Archive(time.GetUtcNow()))
        {
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
