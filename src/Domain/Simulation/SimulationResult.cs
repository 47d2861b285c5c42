using Orleans;

namespace Parking.Domain.Simulation;

/// <summary>How many requests were refused for one reason (a stable code such as <c>no-space</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record ReasonCount(
    [Id(0)] string Reason,
    [Id(1)] int Count);

/// <summary>
/// A histogram of waits in minutes: <see cref="Counts"/>[i] waits lay below <see cref="UpperMinutes"/>[i] (and at or
/// above the bound before); the last count, one more than the bounds, holds the waits at or above the last bound.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WaitHistogram(
    [Id(0)] IReadOnlyList<double> UpperMinutes,
    [Id(1)] IReadOnlyList<int> Counts);

/// <summary>
/// Car parking: stays asked for (residents' and visitors'), booked, refused by reason, no-shows, the wait
/// between the arrival a driver wanted and the start of the space they got (mean and 95th percentile, of the
/// stays booked), fairness across households (Jain's index of each household's booked share, 1 = all equal),
/// and the shared supply: hours owners published, hours booked inside them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ParkingOutcome(
    [Id(0)] int Requests,
    [Id(1)] int Served,
    [Id(2)] IReadOnlyList<ReasonCount> Refused,
    [Id(3)] int NoShows,
    [Id(4)] double MeanWaitMinutes,
    [Id(5)] double P95WaitMinutes,
    [Id(6)] double Fairness,
    [Id(7)] int VisitorRequests,
    [Id(8)] int VisitorsServed,
    [Id(9)] double SharedHoursPublished,
    [Id(10)] double SharedHoursBooked,
    [Id(11)] double SharedUtilizationPercent);

/// <summary>One charging area: its chargers and site capacity, the highest power drawn at once, energy asked and delivered, plans made.</summary>
[GenerateSerializer, Immutable]
public sealed record AreaOutcome(
    [Id(0)] string AreaId,
    [Id(1)] int Chargers,
    [Id(2)] double SiteCapacityKw,
    [Id(3)] double PeakKw,
    [Id(4)] double RequestedKwh,
    [Id(5)] double DeliveredKwh,
    [Id(6)] int Requests,
    [Id(7)] int Served,
    [Id(8)] int Plans)
{
    // In an internal field: the codec is generated in Parking.Grains (InternalsVisibleTo), which cannot reach the
    // private backing field of an init-only property in another assembly.
    [Id(9)] internal int _moves;

    /// <summary>Plug-ins at a later turn of a request: the car was moved after an earlier turn and came back.</summary>
    public int Moves { get => _moves; init => _moves = value; }
}

/// <summary>
/// In-turn charging: requests, those whose car was plugged in (served), refused by reason (no turn before
/// departure: <c>no-turn</c>), no-shows, the wait from arrival to plug-in (of the served), energy delivered
/// against energy asked for, and each area.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargingOutcome(
    [Id(0)] int Requests,
    [Id(1)] int Served,
    [Id(2)] IReadOnlyList<ReasonCount> Refused,
    [Id(3)] int NoShows,
    [Id(4)] double MeanWaitMinutes,
    [Id(5)] double P95WaitMinutes,
    [Id(6)] double RequestedKwh,
    [Id(7)] double DeliveredKwh,
    [Id(8)] double DeliveredPercent,
    [Id(9)] IReadOnlyList<AreaOutcome> Areas)
{
    // In an internal field, as AreaOutcome's.
    [Id(10)] internal int _moves;

    /// <summary>Plug-ins at a later turn of a request, over every area (see <see cref="AreaOutcome.Moves"/>).</summary>
    public int Moves { get => _moves; init => _moves = value; }
}

/// <summary>One e-bike shelter: ports, sessions started, refused, the share of port-hours in use, sessions that ran through the night.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterOutcome(
    [Id(0)] string ShelterId,
    [Id(1)] int Ports,
    [Id(2)] int Sessions,
    [Id(3)] int Refused,
    [Id(4)] double UtilizationPercent,
    [Id(5)] int OvernightSessions);

/// <summary>E-bike charging: sessions asked for and started, refused by reason, port utilization, overnight sessions (running at 03:00 local), each shelter.</summary>
[GenerateSerializer, Immutable]
public sealed record EbikeOutcome(
    [Id(0)] int Requests,
    [Id(1)] int Served,
    [Id(2)] IReadOnlyList<ReasonCount> Refused,
    [Id(3)] double PortUtilizationPercent,
    [Id(4)] int OvernightSessions,
    [Id(5)] IReadOnlyList<ShelterOutcome> Shelters);

/// <summary>Credits moved by bookings (net of refunds): what private owners earned by sharing, and the compound's income from common spaces.</summary>
[GenerateSerializer, Immutable]
public sealed record CreditOutcome(
    [Id(0)] long OwnersEarnings,
    [Id(1)] long CompoundIncome,
    [Id(2)] long Refunded,
    [Id(3)] int OwnersEarning);

/// <summary>One building: its households, the stays they asked for, booked and refused, residents left unserved (refused at least once), charging requests and those served.</summary>
[GenerateSerializer, Immutable]
public sealed record BuildingOutcome(
    [Id(0)] string BuildingId,
    [Id(1)] int Households,
    [Id(2)] int Requests,
    [Id(3)] int Served,
    [Id(4)] int Refused,
    [Id(5)] int ResidentsUnserved,
    [Id(6)] int ChargingRequests,
    [Id(7)] int ChargingServed);

/// <summary>
/// What the committee pages draw: the share (%) of bookable car spaces occupied by hour of day (local), the same
/// per weekday (index 0 = Sunday, as <see cref="DayOfWeek"/>), and the wait histograms for a space and for a turn.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulationCharts(
    [Id(0)] IReadOnlyList<double> OccupancyByHour,
    [Id(1)] IReadOnlyList<IReadOnlyList<double>> OccupancyByWeekdayHour,
    [Id(2)] WaitHistogram SpaceWait,
    [Id(3)] WaitHistogram ChargingWait);

/// <summary>
/// What a run gives: the run's identity (compound, start, days, seed, demand source), and the outcomes. Compact
/// (a few kB even for Kangcheng: per building and per area, never per request) and serializable by
/// System.Text.Json and by Orleans. Deterministic: the same input gives an equal result, so it holds no wall time.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulationResult(
    [Id(0)] string CompoundId,
    [Id(1)] DateTimeOffset Start,
    [Id(2)] int Days,
    [Id(3)] int Seed,
    [Id(4)] string DemandSource,
    [Id(5)] ParkingOutcome Parking,
    [Id(6)] ChargingOutcome Charging,
    [Id(7)] EbikeOutcome Ebikes,
    [Id(8)] CreditOutcome Credits,
    [Id(9)] IReadOnlyList<BuildingOutcome> Buildings,
    [Id(10)] SimulationCharts Charts,
    [Id(11)] long Events)
{
    /// <summary>The result as CSV (see <see cref="SimulationCsv"/>), as the command line and the API's report download write it.</summary>
    public string ToCsv() => SimulationCsv.Write(this);
}
