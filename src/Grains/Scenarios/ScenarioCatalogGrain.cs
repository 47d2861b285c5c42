using Orleans.Runtime;
using Parking.Domain.Scenarios;

namespace Parking.Grains.Scenarios;

/// <summary>
/// The compound's list of scenarios and runs. It calls a scenario grain only to create it; scenarios and
/// runs report their changes here, so no call ever goes both ways at once.
/// </summary>
public sealed class ScenarioCatalogGrain(
    [PersistentState("scenario-catalog", GrainKeys.StorageName)] IPersistentState<ScenarioCatalogState> state) : Grain, IScenarioCatalogGrain
{
    /// <summary>The run list keeps the newest runs' summaries (in the order they started); results stay in the run grains.</summary>
    public const int MaxRunsListed = 500;

    /// <summary>Runs admitted by <see cref="TryAdmitRun"/> that have not reported yet (in memory: a start takes moments).</summary>
    private readonly HashSet<string> _admitted = new(StringComparer.Ordinal);

    private ScenarioCatalogState State => state.State;

    private string CompoundId => this.GetPrimaryKeyString();

    public Task<IReadOnlyList<ScenarioSummary>> List(bool includeArchived) =>
        Task.FromResult(State.Listed(includeArchived));

    public async Task<Outcome<ScenarioSummary>> Create(ScenarioDefinition definition, string createdBy, string? origin)
    {
        var outcome = await GrainFactory.Scenario(CompoundId, State.NextScenarioId).Create(definition, createdBy, origin);
        if (outcome.Value is not { } summary)
        {
            return outcome;
        }

        State.Created(summary);
        await state.WriteStateAsync();
        return summary;
    }

    public async Task Updated(ScenarioSummary summary)
    {
        State.Put(summary);
        await state.WriteStateAsync();
    }

    public Task<bool> TryAdmitRun(string runId, int limit)
    {
        if (!State.MayAdmit(runId, _admitted, limit))
        {
            return Task.FromResult(false);
        }

        _admitted.Add(runId);
        return Task.FromResult(true);
    }

    public Task ReleaseRun(string runId)
    {
        _admitted.Remove(runId);
        return Task.CompletedTask;
    }

    public async Task RunUpdated(SimulationRunSummary run)
    {
        _admitted.Remove(run.RunId);
        var added = State.Put(run, MaxRunsListed);

        // Progress of a running run is not worth a write each time: the run grain holds it; the final state is.
        if (added || run.Status.IsFinal())
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<SimulationRunSummary>> ListRuns(string? scenarioId) =>
        Task.FromResult<IReadOnlyList<SimulationRunSummary>>(
            [.. Enumerable.Reverse(State.Runs).Where(r => scenarioId is null || r.ScenarioId == scenarioId)]);
}
