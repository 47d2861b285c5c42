using Parking.Domain.History;

namespace Parking.Grains.History;

/// <summary>
/// The append-only history of metered charging sessions: drivers' own sessions with energy and cost, staff's
/// energy per charger and area. A process-wide service, as <see cref="IReservationHistory"/>: charge point grains
/// append to it when a transaction stops.
/// </summary>
public interface IChargingHistory
{
    /// <summary>Records a session; returns at once (a database store writes it in the background).</summary>
    void Append(ChargingSessionRecord session);

    /// <summary>The sessions that match, newest start first, at most <see cref="ChargingSessionQuery.Limit"/>. One written twice comes back once.</summary>
    Task<IReadOnlyList<ChargingSessionRecord>> Query(ChargingSessionQuery query, CancellationToken cancellationToken = default);

    /// <summary>A person left the compound: their sessions, and any recorded later, name <paramref name="pseudonym"/> instead.</summary>
    Task Anonymise(string compoundId, string residentId, string pseudonym, CancellationToken cancellationToken = default);

    /// <summary>The compound's retention period (PIPL): removes the sessions that stopped before <paramref name="cutoff"/>; returns how many went.</summary>
    Task<int> Forget(string compoundId, DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
