namespace Parking.Planning.Simulation;

/// <summary>
/// One stay a driver books: a resident's car (or a visitor hosted by the household) that wants a space near
/// <see cref="BuildingId"/> from <see cref="Arrival"/> for <see cref="Stay"/>, booking <see cref="BookAhead"/>
/// before. <see cref="NoShow"/>: the driver never comes.
/// </summary>
public sealed record ParkingDemand(
    string ResidentId,
    string HouseholdId,
    string BuildingId,
    DateTimeOffset Arrival,
    TimeSpan Stay,
    TimeSpan BookAhead,
    bool IsVisitor,
    bool NoShow);

/// <summary>An EV that asks for a charging turn on arrival: its window, the energy it needs, whether the driver can come back to move it.</summary>
public sealed record ChargingDemand(
    string ResidentId,
    string HouseholdId,
    string BuildingId,
    string Plate,
    DateTimeOffset Arrival,
    DateTimeOffset Departure,
    double EnergyKwh,
    bool CanMove,
    bool NoShow);

/// <summary>An e-bike plugged in at a shelter near <see cref="BuildingId"/> at <see cref="Arrival"/>, needing <see cref="EnergyWh"/>.</summary>
public sealed record EbikeDemand(
    string ResidentId,
    string BuildingId,
    DateTimeOffset Arrival,
    double EnergyWh);

/// <summary>A recorded charging session (ACN-Data style): plug-in, unplug, the energy taken, the station.</summary>
public sealed record RecordedChargingSession(
    DateTimeOffset Arrival,
    DateTimeOffset Departure,
    double EnergyKwh,
    string? StationId = null);

/// <summary>
/// The demand of one run, drawn once from a <see cref="DemandModel"/> (or recorded), every list in the order
/// the simulator sees it: by instant, then by the order it was drawn.
/// </summary>
public sealed record DemandTrace(
    IReadOnlyList<ParkingDemand> Parking,
    IReadOnlyList<ChargingDemand> Charging,
    IReadOnlyList<EbikeDemand> Ebikes)
{
    public static DemandTrace Empty { get; } = new([], [], []);

    /// <summary>
    /// Recorded ACN sessions as charging demand, moved by whole weeks so the first falls in the week of
    /// <paramref name="start"/> (weekdays and hours stay as recorded, in the recording's own clock), one
    /// driver per session who stays plugged in until departure (as at Caltech: nobody comes back to move).
    /// </summary>
    public static IReadOnlyList<ChargingDemand> FromChargingSessions(IEnumerable<RecordedChargingSession> sessions, string buildingId, TimeSpan shift)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return
        [
            .. sessions
                .Where(s => s.Departure > s.Arrival && s.EnergyKwh > 0)
                .OrderBy(s => s.Arrival)
                .ThenBy(s => s.StationId, StringComparer.Ordinal)
                .Select((s, i) => new ChargingDemand(
                    $"acn{i + 1:00000}",
                    $"acn{i + 1:00000}",
                    buildingId,
                    $"ACN{i + 1:00000}",
                    s.Arrival + shift,
                    s.Departure + shift,
                    Math.Round(s.EnergyKwh, 3),
                    CanMove: false,
                    NoShow: false)),
        ];
    }
}
