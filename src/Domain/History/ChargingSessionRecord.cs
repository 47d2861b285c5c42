using Parking.Domain.Charging;

namespace Parking.Domain.History;

/// <summary>
/// One metered charging session, as written to the history when the charger stopped it: where, who (the resident
/// the idTag stood for, when known), the charger's meter at start and stop, and what the energy cost under the
/// compound's time-of-use tariff in force at the stop.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargingSessionRecord(
    [Id(0)] string CompoundId,
    [Id(1)] string AreaId,
    [Id(2)] string ChargerId,
    [Id(3)] int TransactionId,
    [Id(4)] string? ResidentId,
    [Id(5)] string? RequestId,
    [Id(6)] DateTimeOffset StartedAt,
    [Id(7)] DateTimeOffset StoppedAt,
    [Id(8)] long MeterStartWh,
    [Id(9)] long MeterStopWh,
    [Id(10)] string? StopReason,
    [Id(11)] SessionCost Cost)
{
    public double EnergyKwh => Math.Round((MeterStopWh - MeterStartWh) / 1000.0, 3);
}

/// <summary>Which sessions a history query wants: a compound's, in <c>[From, To)</c> by start, optionally of one resident, charger or area.</summary>
public sealed record ChargingSessionQuery(
    string CompoundId,
    DateTimeOffset From,
    DateTimeOffset To,
    string? ResidentId = null,
    string? ChargerId = null,
    string? AreaId = null,
    int Limit = 500)
{
    public bool Matches(ChargingSessionRecord record) =>
        record.CompoundId == CompoundId
        && record.StartedAt >= From && record.StartedAt < To
        && (ResidentId is null || record.ResidentId == ResidentId)
        && (ChargerId is null || record.ChargerId == ChargerId)
        && (AreaId is null || record.AreaId == AreaId);
}

/// <summary>Energy per charger and per area over a period (staff).</summary>
public static class ChargingEnergyReport
{
    public sealed record Total(string Id, string? AreaId, int Sessions, double EnergyKwh, decimal Amount);

    public static (IReadOnlyList<Total> Chargers, IReadOnlyList<Total> Areas) Of(IEnumerable<ChargingSessionRecord> sessions)
    {
        var list = sessions.ToList();
        var chargers = list
            .GroupBy(s => (s.AreaId, s.ChargerId))
            .Select(g => new Total(g.Key.ChargerId, g.Key.AreaId, g.Count(), Math.Round(g.Sum(s => s.EnergyKwh), 3), g.Sum(s => s.Cost.Amount)))
            .OrderBy(t => t.AreaId, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
        var areas = list
            .GroupBy(s => s.AreaId)
            .Select(g => new Total(g.Key, null, g.Count(), Math.Round(g.Sum(s => s.EnergyKwh), 3), g.Sum(s => s.Cost.Amount)))
            .OrderBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
        return (chargers, areas);
    }
}
