using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;
using Parking.Planning.Rebalancing;

namespace Parking.Grains.Rebalancing;

/// <summary>Key figures of one simulation run (today's layout or the suggested one), same demand and seed.</summary>
[GenerateSerializer, Immutable]
public sealed record SimulatedFigures(
    [property: Id(0)] int Requests,
    [property: Id(1)] int Served,
    [property: Id(2)] int Refused,
    [property: Id(3)] double MeanWaitMinutes,
    [property: Id(4)] double P95WaitMinutes,
    [property: Id(5)] double EnergyDeliveredShare,
    [property: Id(6)] IReadOnlyDictionary<string, int> UnservedByBuilding);

/// <summary>
/// The simulated effect of a suggestion: today's layout and the suggested one simulated for <see cref="Days"/>
/// days with the same demand and seed. <see cref="Stale"/> once staff edited the changes after it was run.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulatedEffect(
    [property: Id(0)] int Days,
    [property: Id(1)] int Seed,
    [property: Id(2)] SimulatedFigures Today,
    [property: Id(3)] SimulatedFigures Proposed,
    [property: Id(4)] bool Stale);

/// <summary>
/// One rebalancing suggestion of a compound (the optimizer's suggestion to staff; an owners' vote is a
/// proposal), from the ask to the staff's decision. The optimizer's records (<see cref="SuggestedRetype"/>,
/// <see cref="SuggestedSharing"/>, <see cref="RebalancingFigures"/>) are kept as they are.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RebalancingSuggestion(
    [property: Id(0)] string SuggestionId,
    RebalancingStatus Status,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] RebalancingAsk Ask)
{
    // Earlier builds stored the status as its lower-case name under Id(1) and the solve status likewise under
    // Id(12); the enums are stored under Id(24) and Id(25). Such state has only the names, which the properties read.
    [Id(1)]
    private readonly string? _storedStatusName;

    [Id(24)]
    private readonly RebalancingStatus? _status = Status;

    [Id(12)]
    private readonly string? _storedSolveStatusName;

    [Id(25)]
    private readonly RebalancingSolveStatus? _solveStatus;

    public RebalancingStatus Status
    {
        get => _status ?? (_storedStatusName is { } name ? RebalancingLifecycle.Parse(name) : RebalancingLifecycle.Initial);
        init
        {
            _status = value;
            _storedStatusName = null;
        }
    }

    /// <summary>How far the solve got: optimal, feasible, or fallback (the greedy suggestion); null until it ends.</summary>
    public RebalancingSolveStatus? SolveStatus
    {
        get => _solveStatus ?? (_storedSolveStatusName is { } name ? Enum.Parse<RebalancingSolveStatus>(name, ignoreCase: true) : null);
        init
        {
            _solveStatus = value;
            _storedSolveStatusName = null;
        }
    }

    /// <summary>This suggestion moved to <paramref name="to"/>, if its life cycle allows it (else a programming error).</summary>
    public RebalancingSuggestion MoveTo(RebalancingStatus to) => this with { Status = RebalancingLifecycle.Move(Status, to) };

    /// <summary>Share of the job done (0–1) while running.</summary>
    [Id(5)] public double Progress { get; init; }

    [Id(6)] public LayoutChanges Changes { get; init; } = LayoutChanges.None;

    [Id(7)] public ScenarioRules Rules { get; init; } = ScenarioRules.Live;

    [Id(8)] public IReadOnlyList<SuggestedRetype> Retypes { get; init; } = [];

    [Id(9)] public SuggestedSharing? Sharing { get; init; }

    [Id(10)] public RebalancingFigures? Before { get; init; }

    [Id(11)] public RebalancingFigures? After { get; init; }

    [Id(13)] public string? Method { get; init; }

    [Id(14)] public double SolveSeconds { get; init; }

    [Id(15)] public SimulatedEffect? Effect { get; init; }

    /// <summary>What the reader should know: demand fell back to synthetic, the simulation was skipped, why it failed.</summary>
    [Id(16)] public string? Note { get; init; }

    [Id(17)] public string? EditedBy { get; init; }

    [Id(18)] public DateTimeOffset? EditedAt { get; init; }

    [Id(19)] public string? DecidedBy { get; init; }

    [Id(20)] public DateTimeOffset? DecidedAt { get; init; }

    [Id(21)] public string? ScenarioId { get; init; }

    [Id(22)] public string? RejectReason { get; init; }

    /// <summary>The demand the suggestion was made for: <c>synthetic</c> or <c>recorded</c> (after any fallback).</summary>
    [Id(23)] public string? DemandUsed { get; init; }
}
