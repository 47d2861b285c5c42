using Parking.Domain.Scenarios;
using Parking.Domain.Simulation;
using Parking.Planning.Simulation;

namespace Parking.Grains.Scenarios;

/// <summary>What to simulate: a scenario version (or <c>live</c>, version 0, whose definition changes nothing), for how long, from which seed, with which demand.</summary>
[GenerateSerializer, Immutable]
public sealed record SimulationOrder(
    [property: Id(0)] string ScenarioId,
    [property: Id(1)] int Version,
    [property: Id(2)] ScenarioDefinition Definition,
    [property: Id(3)] int Days,
    [property: Id(4)] int Seed,
    [property: Id(5)] SimulationDemandSettings Demand,
    [property: Id(6)] string StartedBy);

/// <summary>A run and, once completed, its result (kept in the grain's state; compact: per building and per area, never per request).</summary>
[GenerateSerializer, Immutable]
public sealed record SimulationRunView(
    [property: Id(0)] SimulationRunSummary Summary,
    [property: Id(1)] SimulationResult? Result);

/// <summary>
/// One simulation run (key: compound/run id). <see cref="Start"/> checks the order against the live layout and
/// starts <see cref="Simulator.Run"/> on the thread pool, never on the grain's scheduler; the worker reports back
/// through this grain's own reference (<see cref="Progressed"/>, <see cref="Completed"/>, <see cref="Failed"/>),
/// and each report is pushed to the compound's committee and staff. A cancelled run keeps no partial result.
/// </summary>
public interface ISimulationRunGrain : IGrainWithStringKey
{
    Task<Outcome<SimulationRunSummary>> Start(SimulationOrder order);

    [ReadOnly]
    Task<SimulationRunView?> Get();

    /// <summary>Cancels a queued or running run (state <c>cancelled</c> at once; the worker stops within a simulated hour).</summary>
    Task<Outcome<SimulationRunSummary>> Cancel(string by);

    /// <summary>The worker's report: day <paramref name="day"/> of the run done (called by the run itself).</summary>
    [OneWay]
    Task Progressed(int day, double fraction);

    /// <summary>The worker got its turn on this silo and began (called by the run itself).</summary>
    Task Running();

    /// <summary>The worker finished (called by the run itself).</summary>
    Task Completed(SimulationResult result);

    /// <summary>The worker failed (called by the run itself).</summary>
    Task Failed(string reason);
}
