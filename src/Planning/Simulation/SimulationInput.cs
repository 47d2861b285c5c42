using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;

namespace Parking.Planning.Simulation;

/// <summary>
/// How the simulator itself behaves, beside the compound's rules: how drivers retry a full compound, and the
/// charging planner of the run. Live areas plan with CP-SAT ("in-turn", 1 s) on every change; a run of weeks
/// cannot, so by default it plans with the first-come-first-served baseline (the live fallback) with a 0.2 s
/// budget, at most once per charging period per area and only when the area changed. A scenario that names
/// a charging algorithm (<see cref="ScenarioRules.ChargingAlgorithm"/>) is planned with that one instead.
/// </summary>
public sealed record SimulationOptions
{
    public static SimulationOptions Default { get; } = new();

    /// <summary>The charging planner unless the scenario names one.</summary>
    public string ChargingAlgorithm { get; init; } = "fcfs";

    /// <summary>The budget of one charging solve in a run.</summary>
    public TimeSpan ChargingSolveBudget { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A driver who finds no space searches again this much later, for a window moved by as much.</summary>
    public TimeSpan RetryEvery { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A driver who has waited this long past the arrival they wanted gives up: refused, no space.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How many of the nearest free spaces a driver tries, nearest first (the live search's page).</summary>
    public int SearchLimit { get; init; } = 5;

    /// <summary>Private owners who publish sharing windows when the scenario does not say (<see cref="ScenarioRules.SharingOwnersShare"/>).</summary>
    public double DefaultSharingOwnersShare { get; init; } = 0.3;

    /// <summary>The hours owners share when the scenario does not say: 08:00–18:00, Monday to Friday (the car is at work).</summary>
    public TimeOnly DefaultSharingFrom { get; init; } = new(8, 0);

    public TimeOnly DefaultSharingUntil { get; init; } = new(18, 0);
}

/// <summary>
/// One run: the (forked) layout, the rules it runs under, the scenario's rules (for owners' sharing
/// behaviour), where demand comes from, the first instant (taken back to the local midnight), how many days,
/// and the seed that makes every draw reproducible.
/// </summary>
public sealed record SimulationInput(
    CompoundLayout Layout,
    ScenarioPolicies Policies,
    ScenarioRules Rules,
    DemandModel Demand,
    DateTimeOffset Start,
    int Days,
    int Seed)
{
    /// <summary>The most days one run may simulate.</summary>
    public const int MaxDays = 366;

    public SimulationOptions Options { get; init; } = SimulationOptions.Default;

    /// <summary>
    /// The input for a scenario: the live layout with the scenario's changes applied, the live policies with
    /// its rules; the live compound itself when <paramref name="scenario"/> is null. A change that cannot be
    /// applied, or a rule out of range, is returned as the error (its field named).
    /// </summary>
    public static Outcome<SimulationInput> For(
        CompoundLayout live,
        ScenarioPolicies livePolicies,
        ScenarioDefinition? scenario,
        DemandModel demand,
        DateTimeOffset start,
        int days,
        int seed)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(livePolicies);
        ArgumentNullException.ThrowIfNull(demand);
        if (days is < 1 or > MaxDays)
        {
            return DomainError.Invalid("days", "days-out-of-range", $"A simulation runs between 1 and {MaxDays} days.");
        }

        if (demand.Parameters.Validate() is { } invalid)
        {
            return DomainError.Invalid($"demand.{invalid.Field}", "demand-out-of-range", $"{invalid.Field} {invalid.Reason}.");
        }

        if (scenario is null)
        {
            return new SimulationInput(live, livePolicies, ScenarioRules.Live, demand, start, days, seed);
        }

        if (ScenarioRuleChecks.Validate(scenario.Rules) is { } bad)
        {
            return bad;
        }

        var layout = ScenarioLayout.Apply(live, scenario.Changes);
        return layout.IsSuccess
            ? new SimulationInput(layout.Value!, livePolicies.With(scenario.Rules), scenario.Rules, demand, start, days, seed)
            : layout.Error!;
    }
}

/// <summary>How far a run is: day <see cref="Day"/> of <see cref="Days"/> done, the share done, and requests seen so far.</summary>
public sealed record SimulationProgress(
    int Day,
    int Days,
    double Percent,
    DateTimeOffset SimulatedNow,
    int Requests);
