using Parking.Domain.Layout;

namespace Parking.Planning.Rebalancing;

/// <summary>What staff fix before the optimizer proposes: spaces that cannot change, and a budget of changes.</summary>
public sealed record RebalancingConstraints
{
    /// <summary>Spaces that keep their kind (and charger) whatever the demand.</summary>
    public IReadOnlySet<string> FixedSpaceIds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>At most this many spaces change kind.</summary>
    public int MaxSpaceChanges { get; init; } = 20;

    /// <summary>At most this many new chargers (one on every space retyped to EV).</summary>
    public int MaxNewChargers { get; init; } = 10;

    /// <summary>Kinds of space never retyped, nor created.</summary>
    public IReadOnlySet<SpaceKind> KindsNotToTouch { get; init; } = new HashSet<SpaceKind>();

    /// <summary>Whether the optimizer may open private spaces to the shared pool (a daily sharing window).</summary>
    public bool ConsiderSharing { get; init; } = true;

    /// <summary>Share of private owners assumed to publish their space in the sharing window.</summary>
    public double SharingOwnersShare { get; init; } = 0.3;

    /// <summary>Power of a new charger.</summary>
    public double NewChargerKw { get; init; } = 7.0;
}

/// <summary>How the optimizer solves: a time budget, and how hours and lots are aggregated.</summary>
public sealed record RebalancingSolveOptions
{
    public static RebalancingSolveOptions Default { get; } = new();

    /// <summary>The budget of the whole call; the greedy suggestion is returned when the model finds nothing better in it.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Merge the 168 hours of the week into 48 (weekday and weekend × hour of day), weighted by the hours each stands for.</summary>
    public bool MergeWeekdays { get; init; } = true;

    /// <summary>Each building is served from its nearest this many lots (a walk beyond them does not count as served).</summary>
    public int LotsPerBuilding { get; init; } = 3;

    /// <summary>
    /// A walk this long makes a served hour worth nothing: a served unit is worth its need's value × (1 −
    /// walk / this), so the model prefers near spaces but still serves rather than leaves unserved.
    /// </summary>
    public double WalkHorizonMeters { get; init; } = 2000;

    public int RandomSeed { get; init; } = 1;
}
