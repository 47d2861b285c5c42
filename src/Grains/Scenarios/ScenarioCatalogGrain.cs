using System.Globalization;
using Orleans.Runtime;
using Parking.Domain.Scenarios;

namespace Parking.Grains.Scenarios;

[GenerateSerializer]
public sealed class ScenarioCatalogState
{
    [Id(0)]
    internal List<ScenarioSummary> _scenarios = [];

    [Id(1)]
    public int NextNumber { get; set; } = 1;

    [Id(2)]
    internal List<SimulationRunSummary> _runs = [];

    /// <summary>The compound's scenarios, in the order they were made.</summary>
    public IReadOnlyList<ScenarioSummary> Scenarios => _scenarios;

    /// <summary>The newest runs, oldest first.</summary>
    public IReadOnlyList<SimulationRunSummary> Runs => _runs;

    /// <summary>The scenario is as <paramref name="summary"/> says (added when new).</summary>
    public void Put(ScenarioSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var index = _scenarios.FindIndex(s => s.ScenarioId == summary.ScenarioId);
        if (index < 0)
        {
            _scenarios.Add(summary);
        }
        else
        {
            _scenarios[index] = summary;
        }
    }

    /// <summary>
    /// The run is as <paramref name="run"/> says; a new one is added and the oldest goes beyond <paramref name="kept"/>.
    /// Returns whether the run was new.
    /// </summary>
    public bool Put(SimulationRunSummary run, int kept)
    {
        ArgumentNullException.ThrowIfNull(run);
        var index = _runs.FindIndex(r => r.RunId == run.RunId);
        if (index >= 0)
        {
            _runs[index] = run;
            return false;
        }

        _runs.Add(run);
        if (_runs.Count > kept)
        {
            _runs.RemoveAt(0);
        }

        return true;
    }
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
        State.Put(summary);
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

    private static int Number(string scenarioId) =>
        int.TryParse(scenarioId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
