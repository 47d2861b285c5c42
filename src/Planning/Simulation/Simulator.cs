using Parking.Domain.Simulation;

namespace Parking.Planning.Simulation;

/// <summary>
/// Replays days of demand through the compound's own rules in virtual time: drivers search the availability
/// index (<c>LotIndex</c>, ranked as the live search ranks) and book on the space's <c>SpaceCalendar</c>, paying
/// through the <c>CreditLedger</c> at <c>CreditPolicy</c> prices; they check in, check out or do not show up;
/// owners publish <c>SharingPlan</c>s; EV drivers ask a <c>ChargingAreaBook</c> for turns that the shared
/// <see cref="Charging.TurnPlanner"/> plans; e-bikes charge through <c>ShelterState</c>. Pure: no I/O, no
/// wall clock, one random source of the input's seed, so the same input gives an equal result.
/// </summary>
public static class Simulator
{
    /// <summary>
    /// Runs the simulation. Progress is reported at every simulated midnight (and at the end); cancellation is
    /// checked between events, so it is honoured within a simulated hour (an hourly tick is always queued).
    /// </summary>
    public static SimulationResult Run(SimulationInput input, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Days is < 1 or > SimulationInput.MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.Days, $"A simulation runs between 1 and {SimulationInput.MaxDays} days.");
        }

        return new SimulationRun(input, progress, cancellationToken).Execute();
    }
}
