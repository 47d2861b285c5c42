namespace Parking.Planning.Simulation;

/// <summary>
/// The parameters of synthetic demand: who lives in the compound, what they drive, when cars arrive and how
/// long they stay, how often drivers do not show up, how much energy EVs ask for, how often e-bikes charge.
/// Every default describes a commuter compound in Shanghai (cars come home in the evening and leave in the
/// morning; visitors come by day); <see cref="DemandModel.Calibrate"/> replaces them with what a compound
/// recorded. Hourly lists have 24 entries, index = local hour of day. Serializable by System.Text.Json.
/// </summary>
public sealed record DemandParameters
{
    /// <summary>Households that take part; null for every household of the layout. Fewer takes the first ones, more repeats them.</summary>
    public int? Households { get; init; }

    /// <summary>Cars per household (0.6: three households in five have a car; a fraction is drawn per household).</summary>
    public double CarsPerHousehold { get; init; } = 0.6;

    /// <summary>The share of cars that are electric and ask for charging turns.</summary>
    public double EvShare { get; init; } = 0.25;

    /// <summary>E-bikes per household.</summary>
    public double EbikesPerHousehold { get; init; } = 0.7;

    /// <summary>Visitor cars per day for the whole compound; null for 8 per 100 households.</summary>
    public double? VisitorsPerDay { get; init; }

    /// <summary>
    /// How many stays a day a car without a space of its own books (a commuter: about one overnight stay on
    /// a working day, fewer and shorter at weekends).
    /// </summary>
    public double WeekdayStaysPerCar { get; init; } = 0.9;

    /// <summary>The same at weekends.</summary>
    public double WeekendStaysPerCar { get; init; } = 0.7;

    /// <summary>Total bookings per day of the compound's residents; when set (calibration does), it overrides the per-car rates.</summary>
    public double? BookingsPerDay { get; init; }

    /// <summary>Weights of the hour of arrival on working days (home-coming peak 17:00–20:00).</summary>
    public IReadOnlyList<double> WeekdayArrivals { get; init; } = DefaultWeekdayArrivals;

    /// <summary>Weights of the hour of arrival at weekends (spread over the day).</summary>
    public IReadOnlyList<double> WeekendArrivals { get; init; } = DefaultWeekendArrivals;

    /// <summary>Mean stay (hours) by hour of arrival on working days: an evening arrival stays the night.</summary>
    public IReadOnlyList<double> WeekdayStayHours { get; init; } = DefaultWeekdayStays;

    /// <summary>Mean stay (hours) by hour of arrival at weekends.</summary>
    public IReadOnlyList<double> WeekendStayHours { get; init; } = DefaultWeekendStays;

    /// <summary>Weights of a visitor's hour of arrival.</summary>
    public IReadOnlyList<double> VisitorArrivals { get; init; } = DefaultVisitorArrivals;

    /// <summary>A visitor's mean stay in hours.</summary>
    public double VisitorStayHours { get; init; } = 2.5;

    /// <summary>How long before arriving a driver books, at most (drawn uniformly from 15 minutes to this).</summary>
    public TimeSpan MaxBookAhead { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The share of bookings whose driver never comes (the space is released after the grace period).</summary>
    public double NoShowRate { get; init; } = 0.05;

    /// <summary>Charging sessions a day per EV.</summary>
    public double ChargingSessionsPerEv { get; init; } = 0.5;

    /// <summary>Charging sessions per day for the whole compound; when set (calibration does), it overrides the per-EV rate.</summary>
    public double? ChargingSessionsPerDay { get; init; }

    /// <summary>Weights of the hour an EV arrives to charge (the evening, as the ACN residential sites show).</summary>
    public IReadOnlyList<double> ChargingArrivals { get; init; } = DefaultWeekdayArrivals;

    /// <summary>Mean hours an EV stays at the charging area by hour of arrival.</summary>
    public IReadOnlyList<double> ChargingStayHours { get; init; } = DefaultWeekdayStays;

    /// <summary>Median energy a charging request asks for (kWh); energy is log-normal.</summary>
    public double ChargingKwhMedian { get; init; } = 12;

    /// <summary>The log-normal spread (σ of ln kWh) of the energy asked for.</summary>
    public double ChargingKwhSigma { get; init; } = 0.6;

    /// <summary>The share of EV drivers who can come back to move the car when their turn ends.</summary>
    public double CanMoveShare { get; init; } = 0.7;

    /// <summary>The share of charging turns whose car is not plugged in within the grace period.</summary>
    public double ChargingNoShowRate { get; init; } = 0.03;

    /// <summary>Charging sessions a day per e-bike.</summary>
    public double EbikeChargesPerDay { get; init; } = 0.4;

    /// <summary>Weights of the hour an e-bike is plugged in (after work and in the evening).</summary>
    public IReadOnlyList<double> EbikeArrivals { get; init; } = DefaultEbikeArrivals;

    /// <summary>Mean energy an e-bike battery takes (Wh; drawn uniformly from half to one and a half of it).</summary>
    public double EbikeEnergyWh { get; init; } = 600;

    public static IReadOnlyList<double> DefaultWeekdayArrivals { get; } =
        [0.5, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1.5, 1.5, 1.5, 1.5, 2, 1.5, 1.5, 2, 4, 8, 12, 11, 7, 4, 2, 1];

    public static IReadOnlyList<double> DefaultWeekendArrivals { get; } =
        [0.5, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 4, 4, 4, 4, 4, 4, 5, 6, 7, 6, 5, 3, 2, 1];

    public static IReadOnlyList<double> DefaultWeekdayStays { get; } =
        [7, 6.5, 5.5, 4.5, 3.5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 14, 13.5, 13, 12, 11, 10, 9, 8];

    public static IReadOnlyList<double> DefaultWeekendStays { get; } =
        [8, 7, 6, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 12, 12, 11, 10, 10, 9, 8];

    public static IReadOnlyList<double> DefaultVisitorArrivals { get; } =
        [0, 0, 0, 0, 0, 0, 0.2, 0.5, 1, 2, 3, 3, 2, 2, 2, 2, 2, 2, 3, 3, 2, 1, 0.3, 0.1];

    public static IReadOnlyList<double> DefaultEbikeArrivals { get; } =
        [0.3, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1, 1, 1, 1.5, 2, 1.5, 1, 1, 1.5, 3, 5, 6, 6, 5, 3, 1];

    /// <summary>Null when the parameters make sense, else the first that does not, as (field, reason).</summary>
    public (string Field, string Reason)? Validate()
    {
        foreach (var (value, name) in new[]
        {
            (CarsPerHousehold, "carsPerHousehold"), (EbikesPerHousehold, "ebikesPerHousehold"), (WeekdayStaysPerCar, "weekdayStaysPerCar"),
            (WeekendStaysPerCar, "weekendStaysPerCar"), (ChargingSessionsPerEv, "chargingSessionsPerEv"), (EbikeChargesPerDay, "ebikeChargesPerDay"),
            (VisitorsPerDay ?? 0, "visitorsPerDay"), (BookingsPerDay ?? 0, "bookingsPerDay"), (ChargingSessionsPerDay ?? 0, "chargingSessionsPerDay"),
        })
        {
            if (!double.IsFinite(value) || value < 0 || value > 100_000)
            {
                return (name, "lies between 0 and 100000");
            }
        }

        foreach (var (value, name) in new[] { (EvShare, "evShare"), (NoShowRate, "noShowRate"), (CanMoveShare, "canMoveShare"), (ChargingNoShowRate, "chargingNoShowRate") })
        {
            if (!double.IsFinite(value) || value < 0 || value > 1)
            {
                return (name, "is a share between 0 and 1");
            }
        }

        foreach (var (list, name) in new[]
        {
            (WeekdayArrivals, "weekdayArrivals"), (WeekendArrivals, "weekendArrivals"), (WeekdayStayHours, "weekdayStayHours"),
            (WeekendStayHours, "weekendStayHours"), (VisitorArrivals, "visitorArrivals"), (ChargingArrivals, "chargingArrivals"),
            (ChargingStayHours, "chargingStayHours"), (EbikeArrivals, "ebikeArrivals"),
        })
        {
            if (list is null || list.Count != 24 || list.Any(v => !double.IsFinite(v) || v < 0) || list.Sum() <= 0)
            {
                return (name, "has 24 values (one per hour), none negative, not all zero");
            }
        }

        if (Households is < 0 or > 1_000_000)
        {
            return ("households", "lies between 0 and 1000000");
        }

        if (!double.IsFinite(ChargingKwhMedian) || ChargingKwhMedian <= 0 || ChargingKwhMedian > 150 || !double.IsFinite(ChargingKwhSigma) || ChargingKwhSigma < 0 || ChargingKwhSigma > 3)
        {
            return ("chargingKwhMedian", "the median lies above 0 and at most 150 kWh, its sigma between 0 and 3");
        }

        if (!double.IsFinite(VisitorStayHours) || VisitorStayHours <= 0 || VisitorStayHours > 24 || !double.IsFinite(EbikeEnergyWh) || EbikeEnergyWh <= 0 || EbikeEnergyWh > 5000)
        {
            return ("visitorStayHours", "a visitor stays above 0 and at most 24 hours; an e-bike takes above 0 and at most 5000 Wh");
        }

        return MaxBookAhead < TimeSpan.FromMinutes(15) || MaxBookAhead > TimeSpan.FromDays(7)
            ? ("maxBookAhead", "lies between 15 minutes and 7 days")
            : null;
    }
}
