using Parking.Domain.Scenarios;

namespace Parking.Grains.Scenarios;

/// <summary>A scenario with every version it has had, oldest first.</summary>
[GenerateSerializer, Immutable]
public sealed record ScenarioView(
    [property: Id(0)] ScenarioSummary Summary,
    [property: Id(1)] IReadOnlyList<ScenarioVersion> Versions);

/// <summary>
/// One scenario of a compound (key: compound/scenario id). Every save is a new immutable version, checked
/// against the compound's live layout at that moment; a refused save changes nothing. Created only through
/// the compound's <see cref="IScenarioCatalogGrain"/>, which lists it.
/// </summary>
public interface IScenarioGrain : IGrainWithStringKey
{
    /// <summary>Saves version 1 (called by the catalog). Refused when the scenario already exists.</summary>
    Task<Outcome<ScenarioSummary>> Create(ScenarioDefinition definition, string createdBy, string? origin);

    /// <summary>The scenario and its versions, or null when it does not exist.</summary>
    [ReadOnly]
    Task<ScenarioView?> Get();

    [ReadOnly]
    Task<ScenarioVersion?> GetVersion(int number);

    /// <summary>
    /// Saves a new version. <paramref name="basedOn"/>, when given, must be the latest version's number
    /// (else 409: someone saved in between). An archived scenario takes no new versions.
    /// </summary>
    Task<Outcome<ScenarioVersion>> Save(ScenarioDefinition definition, string author, int? basedOn);

    /// <summary>Archives the scenario: it keeps its versions and runs but leaves the catalog's default list.</summary>
    Task<Outcome<ScenarioSummary>> Archive(string by);
}

/// <summary>The scenarios of a compound (key: compound id): their list, new ids, and the list of simulation runs.</summary>
public interface IScenarioCatalogGrain : IGrainWithStringKey
{
    /// <summary>Newest first; archived ones only when asked for.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ScenarioSummary>> List(bool includeArchived);

    /// <summary>
    /// Creates a scenario from a definition (checked against the live layout) as its version 1. <paramref name="origin"/>
    /// says where it came from, e.g. <c>rebalancing:&lt;proposal id&gt;</c>, or null when a person made it.
    /// </summary>
    Task<Outcome<ScenarioSummary>> Create(ScenarioDefinition definition, string createdBy, string? origin);

    /// <summary>A scenario saved a version or was archived (called by the scenario grain).</summary>
    Task Updated(ScenarioSummary summary);

    /// <summary>A simulation run started, moved on or ended (called by the run grain).</summary>
    Task RunUpdated(SimulationRunSummary run);

    /// <summary>
    /// Admits a run about to start if fewer than <paramref name="limit"/> runs of the compound are queued,
    /// running or admitted and not yet reported; one grain decides, so two starts at the same instant cannot
    /// both take the last place. The run holds its place until it reports (<see cref="RunUpdated"/>) or gives
    /// it back (<see cref="ReleaseRun"/>).
    /// </summary>
    Task<bool> TryAdmitRun(string runId, int limit);

    /// <summary>An admitted run did not start after all (its order no longer applies, say): its place is free.</summary>
    Task ReleaseRun(string runId);

    /// <summary>Runs, newest first: of one scenario (<c>live</c> for today's layout), or of all when null.</summary>
    [ReadOnly]
    Task<IReadOnlyList<SimulationRunSummary>> ListRuns(string? scenarioId);
}
