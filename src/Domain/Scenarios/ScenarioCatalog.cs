using System.Globalization;

namespace Parking.Domain.Scenarios;

/// <summary>A scenario as the catalog lists it: its latest version's name and flags.</summary>
[GenerateSerializer, Immutable]
public sealed record ScenarioSummary(
    string CompoundId,
    string ScenarioId,
    string Name,
    string Description,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string? Origin,
    int LatestVersion,
    DateTimeOffset UpdatedAt,
    bool Archived,
    bool ChangesCommonParts,
    int ChangeCount)
{
    [Id(0)] internal string _compoundId = CompoundId;

    public string CompoundId { get => _compoundId; init => _compoundId = value; }

    [Id(1)] internal string _scenarioId = ScenarioId;

    public string ScenarioId { get => _scenarioId; init => _scenarioId = value; }

    [Id(2)] internal string _name = Name;

    public string Name { get => _name; init => _name = value; }

    [Id(3)] internal string _description = Description;

    public string Description { get => _description; init => _description = value; }

    [Id(4)] internal string _createdBy = CreatedBy;

    public string CreatedBy { get => _createdBy; init => _createdBy = value; }

    [Id(5)] internal DateTimeOffset _createdAt = CreatedAt;

    public DateTimeOffset CreatedAt { get => _createdAt; init => _createdAt = value; }

    [Id(6)] internal string? _origin = Origin;

    public string? Origin { get => _origin; init => _origin = value; }

    [Id(7)] internal int _latestVersion = LatestVersion;

    public int LatestVersion { get => _latestVersion; init => _latestVersion = value; }

    [Id(8)] internal DateTimeOffset _updatedAt = UpdatedAt;

    public DateTimeOffset UpdatedAt { get => _updatedAt; init => _updatedAt = value; }

    [Id(9)] internal bool _archived = Archived;

    public bool Archived { get => _archived; init => _archived = value; }

    [Id(10)] internal bool _changesCommonParts = ChangesCommonParts;

    public bool ChangesCommonParts { get => _changesCommonParts; init => _changesCommonParts = value; }

    [Id(11)] internal int _changeCount = ChangeCount;

    public int ChangeCount { get => _changeCount; init => _changeCount = value; }
}

/// <summary>Where a simulation run stands; <c>Completed</c> runs keep their result.</summary>
public enum SimulationRunStatus
{
    Queued,
    Running,
    Completed,
    Cancelled,
    Failed,
}

public static class SimulationRunStatuses
{
    public static bool IsFinal(this SimulationRunStatus status) => status is SimulationRunStatus.Completed or SimulationRunStatus.Cancelled or SimulationRunStatus.Failed;

    /// <summary>The status as words after "has" in a sentence; a run that cannot be cancelled has completed or failed.</summary>
    public static string Describe(this SimulationRunStatus status) => status switch
    {
        SimulationRunStatus.Queued => "been queued",
        SimulationRunStatus.Running => "been running",
        SimulationRunStatus.Completed => "completed",
        SimulationRunStatus.Cancelled => "been cancelled",
        _ => "failed",
    };

    /// <summary>Reads the lower-case name that builds before the enum stored (<c>queued</c>, <c>completed</c>, ...).</summary>
    public static SimulationRunStatus ParseStored(string stored) => Enum.Parse<SimulationRunStatus>(stored, ignoreCase: true);
}

/// <summary>
/// The demand a run simulates: <c>synthetic</c> from parameters (null: the simulator's defaults) or
/// <c>recorded</c>, calibrated from the compound's reservation history.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulationDemandSettings(
    string Source,
    double? CarsPerHousehold = null,
    double? EvShare = null,
    double? EbikesPerHousehold = null,
    int? VisitorsPerDay = null,
    double? NoShowRate = null,
    int? Households = null)
{
    [Id(0)] internal string _source = Source;

    public string Source { get => _source; init => _source = value; }

    [Id(1)] internal double? _carsPerHousehold = CarsPerHousehold;

    public double? CarsPerHousehold { get => _carsPerHousehold; init => _carsPerHousehold = value; }

    [Id(2)] internal double? _evShare = EvShare;

    public double? EvShare { get => _evShare; init => _evShare = value; }

    [Id(3)] internal double? _ebikesPerHousehold = EbikesPerHousehold;

    public double? EbikesPerHousehold { get => _ebikesPerHousehold; init => _ebikesPerHousehold = value; }

    [Id(4)] internal int? _visitorsPerDay = VisitorsPerDay;

    public int? VisitorsPerDay { get => _visitorsPerDay; init => _visitorsPerDay = value; }

    [Id(5)] internal double? _noShowRate = NoShowRate;

    public double? NoShowRate { get => _noShowRate; init => _noShowRate = value; }

    [Id(6)] internal int? _households = Households;

    public int? Households { get => _households; init => _households = value; }

    public const string Synthetic = "synthetic";
    public const string Recorded = "recorded";

}

/// <summary>
/// One simulation run of a scenario version (<see cref="ScenarioId"/> <c>live</c>, version 0: today's layout
/// and rules). <see cref="Note"/> says what the reader should know: demand fell back to synthetic, why it failed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulationRunSummary(
    string CompoundId,
    string RunId,
    string ScenarioId,
    int Version,
    string ScenarioName,
    int Days,
    int Seed,
    SimulationDemandSettings Demand,
    SimulationRunStatus Status,
    string StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    int DaysDone,
    double Fraction,
    string? Note)
{
    [Id(0)] internal string _compoundId = CompoundId;

    public string CompoundId { get => _compoundId; init => _compoundId = value; }

    [Id(1)] internal string _runId = RunId;

    public string RunId { get => _runId; init => _runId = value; }

    [Id(2)] internal string _scenarioId = ScenarioId;

    public string ScenarioId { get => _scenarioId; init => _scenarioId = value; }

    [Id(3)] internal int _version = Version;

    public int Version { get => _version; init => _version = value; }

    [Id(4)] internal string _scenarioName = ScenarioName;

    public string ScenarioName { get => _scenarioName; init => _scenarioName = value; }

    [Id(5)] internal int _days = Days;

    public int Days { get => _days; init => _days = value; }

    [Id(6)] internal int _seed = Seed;

    public int Seed { get => _seed; init => _seed = value; }

    [Id(7)] internal SimulationDemandSettings _demand = Demand;

    public SimulationDemandSettings Demand { get => _demand; init => _demand = value; }

    [Id(9)] internal string _startedBy = StartedBy;

    public string StartedBy { get => _startedBy; init => _startedBy = value; }

    [Id(10)] internal DateTimeOffset _createdAt = CreatedAt;

    public DateTimeOffset CreatedAt { get => _createdAt; init => _createdAt = value; }

    [Id(11)] internal DateTimeOffset? _finishedAt = FinishedAt;

    public DateTimeOffset? FinishedAt { get => _finishedAt; init => _finishedAt = value; }

    [Id(12)] internal int _daysDone = DaysDone;

    public int DaysDone { get => _daysDone; init => _daysDone = value; }

    [Id(13)] internal double _fraction = Fraction;

    public double Fraction { get => _fraction; init => _fraction = value; }

    [Id(14)] internal string? _note = Note;

    public string? Note { get => _note; init => _note = value; }

    // Earlier builds stored the status as its lower-case name under Id(8); the enum is stored under Id(15).
    // A summary read from such state has only the name, which Status then reads.
    [Id(8)]
    internal string? _storedStatusName;

    [Id(15)]
    internal SimulationRunStatus? _status = Status;

    public SimulationRunStatus Status
    {
        get => _status ?? (_storedStatusName is { } name ? SimulationRunStatuses.ParseStored(name) : SimulationRunStatus.Queued);
        init
        {
            _status = value;
            _storedStatusName = null;
        }
    }
}

/// <summary>A compound's scenarios and newest runs, and the numbering of new scenarios; changes only through its methods.</summary>
[GenerateSerializer]
public sealed class ScenarioCatalogState
{
    [Id(0)]
    internal List<ScenarioSummary> _scenarios = [];

    [Id(1)]
    public int NextNumber { get; internal set; } = 1;

    [Id(2)]
    internal List<SimulationRunSummary> _runs = [];

    /// <summary>The compound's scenarios, in the order they were made.</summary>
    public IReadOnlyList<ScenarioSummary> Scenarios => _scenarios;

    /// <summary>The newest runs, oldest first.</summary>
    public IReadOnlyList<SimulationRunSummary> Runs => _runs;

    /// <summary>The id the next scenario made here gets: <c>s1</c>, <c>s2</c>, ... never reused.</summary>
    public string NextScenarioId => string.Create(CultureInfo.InvariantCulture, $"s{NextNumber}");

    /// <summary>The scenario <see cref="NextScenarioId"/> was made: it joins the list and the number moves on.</summary>
    public void Created(ScenarioSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        NextNumber++;
        Put(summary);
    }

    /// <summary>
    /// Whether run <paramref name="runId"/> may start: at most <paramref name="limit"/> runs at once, counting the
    /// listed runs not yet final and <paramref name="admitted"/> (started but not yet listed); a run already counted
    /// is always let through again.
    /// </summary>
    public bool MayAdmit(string runId, IEnumerable<string> admitted, int limit)
    {
        var active = _runs.Where(r => !r.Status.IsFinal()).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        active.UnionWith(admitted);
        return active.Count < limit || active.Contains(runId);
    }

    /// <summary>The scenarios to list, newest first (<paramref name="includeArchived"/>: archived ones too).</summary>
    public IReadOnlyList<ScenarioSummary> Listed(bool includeArchived) =>
        [.. _scenarios.Where(s => includeArchived || !s.Archived).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => Number(s.ScenarioId))];

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

    private static int Number(string scenarioId) =>
        int.TryParse(scenarioId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
