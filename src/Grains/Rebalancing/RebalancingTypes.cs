using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;

namespace Parking.Grains.Rebalancing;

/// <summary>One group of retyped spaces and why (see the optimizer's <c>ProposedRetype</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record RetypeRationale(
    [property: Id(0)] string LotId,
    [property: Id(1)] SpaceKind From,
    [property: Id(2)] SpaceKind To,
    [property: Id(3)] IReadOnlyList<string> SpaceIds,
    [property: Id(4)] double ServedGainPerWeek,
    [property: Id(5)] string GainUnit,
    [property: Id(6)] double ServedLossPerWeek,
    [property: Id(7)] string LossUnit,
    [property: Id(8)] double MeanWalkMeters,
    [property: Id(9)] IReadOnlyList<string> Buildings);

/// <summary>The daily sharing window proposed for private spaces, and what it serves per week.</summary>
[GenerateSerializer, Immutable]
public sealed record SharingRationale(
    [property: Id(0)] TimeOnly From,
    [property: Id(1)] TimeOnly Until,
    [property: Id(2)] double OwnersShare,
    [property: Id(3)] int PrivateSpaces,
    [property: Id(4)] double ServedGainPerWeek);

[GenerateSerializer, Immutable]
public sealed record NeedFigure(
    [property: Id(0)] string Need,
    [property: Id(1)] string Unit,
    [property: Id(2)] double DemandPerWeek,
    [property: Id(3)] double ServedPerWeek,
    [property: Id(4)] double MeanWalkMeters);

[GenerateSerializer, Immutable]
public sealed record UnservedFigure(
    [property: Id(0)] string BuildingId,
    [property: Id(1)] string Need,
    [property: Id(2)] double UnservedPerWeek);

/// <summary>The optimizer model's own evaluation of a layout against the demand.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelFigures(
    [property: Id(0)] IReadOnlyList<NeedFigure> Needs,
    [property: Id(1)] IReadOnlyList<UnservedFigure> Unserved,
    [property: Id(2)] double Objective);

/// <summary>Key figures of one simulation run (today's layout or the proposed one), same demand and seed.</summary>
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
/// The simulated effect of a proposal: today's layout and the proposed one simulated for <see cref="Days"/>
/// days with the same demand and seed. <see cref="Stale"/> once staff edited the changes after it was run.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulatedEffect(
    [property: Id(0)] int Days,
    [property: Id(1)] int Seed,
    [property: Id(2)] SimulatedFigures Today,
    [property: Id(3)] SimulatedFigures Proposed,
    [property: Id(4)] bool Stale);

/// <summary>One proposal of a compound, from the ask to the staff's decision.</summary>
[GenerateSerializer, Immutable]
public sealed record RebalancingProposalRecord(
    [property: Id(0)] string ProposalId,
    [property: Id(1)] string Status,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] RebalancingAsk Ask)
{
    /// <summary>The stored <see cref="Status"/> as the life cycle's state.</summary>
    public RebalancingStatus Stage => RebalancingLifecycle.Parse(Status);

    /// <summary>This proposal moved to <paramref name="to"/>, if its life cycle allows it (else a programming error).</summary>
    public RebalancingProposalRecord MoveTo(RebalancingStatus to) => this with { Status = RebalancingLifecycle.Move(Status, to) };

    /// <summary>Share of the job done (0–1) while running.</summary>
    [Id(5)] public double Progress { get; init; }

    [Id(6)] public LayoutChanges Changes { get; init; } = LayoutChanges.None;

    [Id(7)] public ScenarioRules Rules { get; init; } = ScenarioRules.Live;

    [Id(8)] public IReadOnlyList<RetypeRationale> Retypes { get; init; } = [];

    [Id(9)] public SharingRationale? Sharing { get; init; }

    [Id(10)] public ModelFigures? Before { get; init; }

    [Id(11)] public ModelFigures? After { get; init; }

    /// <summary><c>optimal</c>, <c>feasible</c> or <c>fallback</c> (the greedy proposal).</summary>
    [Id(12)] public string? SolveStatus { get; init; }

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

    /// <summary>The demand the proposal was made for: <c>synthetic</c> or <c>recorded</c> (after any fallback).</summary>
    [Id(23)] public string? DemandUsed { get; init; }
}
