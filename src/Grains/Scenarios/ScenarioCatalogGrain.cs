using System.Globalization;
using Orleans.Runtime;
using Parking.Domain.Scenarios;

namespace Parking.Grains.Scenarios;

[GenerateSerializer]
public sealed class ScenarioCatalogState
{
    [Id(0)]
    public List<ScenarioSummary> Scenarios { get; set; } = [];

    [Id(1)]
    public int NextNumber { get; set; } = 1;

    [Id(2)]
    public List<SimulationRunSummary> Runs { get; set; } = [];
}

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
        Task.FromResult<IReadOnlyList<ScenarioSummary>>(
            [.. State.Scenarios.Where(s => includeArchived || !s.Archived).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => Number(s.ScenarioId))]);

    public async Task<Outcome<ScenarioSummary>> Create(ScenarioDefinition definition, string createdBy, string? origin)
    {
        var scenarioId = string.Create(CultureInfo.InvariantCulture, $"s{State.NextNumber}");
        var outcome = await GrainFactory.Scenario(CompoundId, scenarioId).Create(definition, createdBy, origin);
        if (outcome.Value is not { } summary)
        {
            return outcome;
        }

        State.NextNumber++;
        State.Scenarios.Add(summary);
        await state.WriteStateAsync();
        return summary;
    }

    public async Task Updated(ScenarioSummary summary)
    {
        var index = State.Scenarios.FindIndex(s => s.ScenarioId == summary.ScenarioId);
        if (index < 0)
        {
            State.Scenarios.Add(summary);
        }
        else
        {
            State.Scenarios[index] = summary;
        }

        await state.WriteStateAsync();
    }

    public Task<bool> TryAdmitRun(string runId, int limit)
    {
        var active = State.Runs.Where(r => !r.Status.IsFinal()).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        active.UnionWith(_admitted);
        if (active.Count >= limit && !active.Contains(runId))
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
        var index = State.Runs.FindIndex(r => r.RunId == run.RunId);
        if (index < 0)
        {
            State.Runs.Add(run);
            if (State.Runs.Count > MaxRunsListed)
            {
                State.Runs.RemoveAt(0);
            }
        }
        else
        {
            State.Runs[index] = run;
        }

        // Progress of a running run is not worth a write each time: the run grain holds it; the final state is.
        if (index < 0 || run.Status.IsFinal())
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<SimulationRunSummary>> ListRuns(string? scenarioId) =>
        Task.FromResult<IReadOnlyList<SimulationRunSummary>>(
            [.. Enumerable.Reverse(State.Runs).Where(r => scenarioId is null || r.ScenarioId == scenarioId)]);

    private static int Number(string scenarioId) =>
        int.TryParse(scenarioId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
