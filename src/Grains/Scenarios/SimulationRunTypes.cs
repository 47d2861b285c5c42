namespace Parking.Grains.Scenarios;

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
    [property: Id(0)] string Source,
    [property: Id(1)] double? CarsPerHousehold = null,
    [property: Id(2)] double? EvShare = null,
    [property: Id(3)] double? EbikesPerHousehold = null,
    [property: Id(4)] int? VisitorsPerDay = null,
    [property: Id(5)] double? NoShowRate = null,
    [property: Id(6)] int? Households = null)
{
    public const string Synthetic = "synthetic";
    public const string Recorded = "recorded";

    /// <summary>The first setting outside the simulator's range (its field and why), or null when all fit.</summary>
    public (string Field, string Reason)? Validate() => ToParameters().Validate();

    /// <summary>The simulator's demand parameters: its defaults with these settings over them.</summary>
    public Parking.Planning.Simulation.DemandParameters ToParameters()
    {
        var defaults = new Parking.Planning.Simulation.DemandParameters();
        return defaults with
        {
            Households = Households ?? defaults.Households,
            CarsPerHousehold = CarsPerHousehold ?? defaults.CarsPerHousehold,
            EvShare = EvShare ?? defaults.EvShare,
            EbikesPerHousehold = EbikesPerHousehold ?? defaults.EbikesPerHousehold,
            VisitorsPerDay = VisitorsPerDay ?? defaults.VisitorsPerDay,
            NoShowRate = NoShowRate ?? defaults.NoShowRate,
        };
    }
}

/// <summary>
/// One simulation run of a scenario version (<see cref="ScenarioId"/> <c>live</c>, version 0: today's layout
/// and rules). <see cref="Note"/> says what the reader should know: demand fell back to synthetic, why it failed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulationRunSummary(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string RunId,
    [property: Id(2)] string ScenarioId,
    [property: Id(3)] int Version,
    [property: Id(4)] string ScenarioName,
    [property: Id(5)] int Days,
    [property: Id(6)] int Seed,
    [property: Id(7)] SimulationDemandSettings Demand,
    SimulationRunStatus Status,
    [property: Id(9)] string StartedBy,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt,
    [property: Id(12)] int DaysDone,
    [property: Id(13)] double Fraction,
    [property: Id(14)] string? Note)
{
    // Earlier builds stored the status as its lower-case name under Id(8); the enum is stored under Id(15).
    // A summary read from such state has only the name, which Status then reads.
    [Id(8)]
    private readonly string? _storedStatusName;

    [Id(15)]
    private readonly SimulationRunStatus? _status = Status;

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
