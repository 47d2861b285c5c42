using System.Globalization;
using System.Text.Json;
using Parking.Domain.History;
using Parking.Domain.Layout;

namespace Parking.Planning.Simulation;

/// <summary>
/// Where a run's demand comes from: synthetic from <see cref="DemandParameters"/> (drawn afresh for every run
/// from the run's seed), calibrated from recorded history (the same, with parameters estimated from it), or a
/// recorded trace replayed as it is. Drawing is pure: one <see cref="Random"/> of the given seed, households in
/// the layout's order, no shared state, so the same layout, start, days and seed give the same trace.
/// </summary>
public sealed class DemandModel
{
    private DemandModel(DemandParameters parameters, DemandTrace? recorded, string source)
    {
        Parameters = parameters;
        Recorded = recorded;
        Source = source;
    }

    public DemandParameters Parameters { get; }

    /// <summary>A recorded trace replayed as it is, or null for drawn demand.</summary>
    public DemandTrace? Recorded { get; }

    /// <summary>"synthetic", "calibrated" or "recorded": shown with a result.</summary>
    public string Source { get; }

    public static DemandModel Synthetic(DemandParameters? parameters = null) => new(parameters ?? new DemandParameters(), null, "synthetic");

    /// <summary>Replays <paramref name="trace"/> exactly; the seed then only matters to owners' sharing choices.</summary>
    public static DemandModel Replay(DemandTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new(new DemandParameters(), trace, "recorded");
    }

    /// <summary>
    /// Parameters estimated from a compound's recorded history: from reservation events, the hour of arrival
    /// per working day and weekend day, the mean stay by hour of arrival, the no-show rate and bookings per day;
    /// from charging sessions, their hour of arrival, stay, energy (log-normal median and spread) and sessions
    /// per day. Whatever the history does not show (an hour with fewer than 3 stays, no sessions at all) keeps
    /// the value of <paramref name="baseline"/>.
    /// </summary>
    public static DemandModel Calibrate(
        IEnumerable<ReservationEvent> history,
        IEnumerable<RecordedChargingSession>? chargingSessions = null,
        DemandParameters? baseline = null,
        TimeSpan? utcOffset = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var offset = utcOffset ?? TimeSpan.FromHours(8);
        var parameters = baseline ?? new DemandParameters();

        // The newest event of each reservation tells its whole story.
        var reservations = history
            .GroupBy(e => e.ReservationId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(e => e.Revision).ThenBy(e => e.At).Last())
            .Where(e => e.Kind != ReservationEventKind.Cancelled)
            .OrderBy(e => e.Window.Start)
            .ThenBy(e => e.ReservationId, StringComparer.Ordinal)
            .ToList();
        if (reservations.Count > 0)
        {
            var weekday = reservations.Where(e => !IsWeekend(e.Window.Start, offset)).ToList();
            var weekend = reservations.Where(e => IsWeekend(e.Window.Start, offset)).ToList();
            var firstDay = LocalDate(reservations[0].Window.Start, offset);
            var lastDay = LocalDate(reservations.Max(e => e.Window.Start), offset);
            var days = lastDay.DayNumber - firstDay.DayNumber + 1;
            parameters = parameters with
            {
                WeekdayArrivals = Profile(weekday.Select(e => e.Window.Start), offset, parameters.WeekdayArrivals),
                WeekendArrivals = Profile(weekend.Select(e => e.Window.Start), offset, parameters.WeekendArrivals),
                WeekdayStayHours = Stays(weekday.Select(e => (e.Window.Start, e.Window.Duration)), offset, parameters.WeekdayStayHours),
                WeekendStayHours = Stays(weekend.Select(e => (e.Window.Start, e.Window.Duration)), offset, parameters.WeekendStayHours),
                NoShowRate = Math.Round((double)reservations.Count(e => e.Kind == ReservationEventKind.NoShow) / reservations.Count, 4),
                BookingsPerDay = Math.Round((double)reservations.Count / days, 3),
            };
        }

        var sessions = chargingSessions?.Where(s => s.Departure > s.Arrival && s.EnergyKwh > 0).OrderBy(s => s.Arrival).ToList() ?? [];
        if (sessions.Count > 0)
        {
            var days = LocalDate(sessions[^1].Arrival, offset).DayNumber - LocalDate(sessions[0].Arrival, offset).DayNumber + 1;
            var logs = sessions.Select(s => Math.Log(s.EnergyKwh)).ToList();
            var mean = logs.Average();
            var sigma = Math.Sqrt(logs.Sum(l => (l - mean) * (l - mean)) / logs.Count);
            parameters = parameters with
            {
                ChargingArrivals = Profile(sessions.Select(s => s.Arrival), offset, parameters.ChargingArrivals),
                ChargingStayHours = Stays(sessions.Select(s => (s.Arrival, s.Departure - s.Arrival)), offset, parameters.ChargingStayHours),
                ChargingKwhMedian = Math.Round(Math.Min(150, Math.Exp(mean)), 3),
                ChargingKwhSigma = Math.Round(Math.Min(3, sigma), 3),
                ChargingSessionsPerDay = Math.Round((double)sessions.Count / days, 3),
            };
        }

        return new(parameters, null, "calibrated");
    }

    /// <summary>
    /// Reads an ACN-Data sessions file (a JSON array): plug-in, unplug and <c>kWhDelivered</c> of every session
    /// that has them, in the file's order.
    /// </summary>
    public static IReadOnlyList<RecordedChargingSession> ReadAcnSessions(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var sessions = new List<RecordedChargingSession>();
        foreach (var session in document.RootElement.EnumerateArray())
        {
            if (TryTime(session, "connectionTime", out var connect) && TryTime(session, "disconnectTime", out var disconnect)
                && session.TryGetProperty("kWhDelivered", out var kwh) && kwh.ValueKind == JsonValueKind.Number)
            {
                var station = session.TryGetProperty("stationID", out var s) ? s.GetString() : null;
                sessions.Add(new RecordedChargingSession(connect, disconnect, kwh.GetDouble(), station));
            }
        }

        return sessions;
    }

    /// <summary>
    /// The demand of a run: the recorded trace (only what falls in the run's days), or one drawn from the
    /// parameters for the households of <paramref name="layout"/>, days from the local midnight of <paramref name="start"/>.
    /// </summary>
    public DemandTrace Draw(CompoundLayout layout, DateTimeOffset start, int days, int seed, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var end = start.AddDays(days);
        if (Recorded is { } recorded)
        {
            return new DemandTrace(
                [.. recorded.Parking.Where(p => p.Arrival >= start && p.Arrival < end)],
                [.. recorded.Charging.Where(c => c.Arrival >= start && c.Arrival < end)],
                [.. recorded.Ebikes.Where(e => e.Arrival >= start && e.Arrival < end)]);
        }

        return new Drawer(Parameters, layout, start, days, seed, utcOffset).Draw();
    }

    internal static bool IsWeekend(DateTimeOffset instant, TimeSpan offset) =>
        instant.ToOffset(offset).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    internal static DateOnly LocalDate(DateTimeOffset instant, TimeSpan offset) => DateOnly.FromDateTime(instant.ToOffset(offset).DateTime);

    private static IReadOnlyList<double> Profile(IEnumerable<DateTimeOffset> arrivals, TimeSpan offset, IReadOnlyList<double> fallback)
    {
        var counts = new double[24];
        foreach (var arrival in arrivals)
        {
            counts[arrival.ToOffset(offset).Hour]++;
        }

        var total = counts.Sum();
        return total < 10 ? fallback : [.. counts.Select(c => Math.Round(c * 100 / total, 3))];
    }

    private static IReadOnlyList<double> Stays(IEnumerable<(DateTimeOffset Arrival, TimeSpan Stay)> stays, TimeSpan offset, IReadOnlyList<double> fallback)
    {
        var sums = new double[24];
        var counts = new int[24];
        foreach (var (arrival, stay) in stays)
        {
            var hour = arrival.ToOffset(offset).Hour;
            sums[hour] += stay.TotalHours;
            counts[hour]++;
        }

        return [.. Enumerable.Range(0, 24).Select(h => counts[h] >= 3 ? Math.Round(sums[h] / counts[h], 3) : fallback[h])];
    }

    private static bool TryTime(JsonElement session, string name, out DateTimeOffset time)
    {
        time = default;
        return session.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParseExact(value.GetString(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>
    /// A random source of its own for each household (and one for visitors), derived from the seed and the
    /// household's place: a scenario that changes one household's spaces changes only that household's draws,
    /// so two scenarios run with one seed meet the same demand (common random numbers).
    /// </summary>
    internal static Random Stream(int seed, int index, int purpose) =>
        new(unchecked((int)((((uint)seed * 2_654_435_761u) ^ ((uint)index * 40_503u) ^ ((uint)purpose * 2_246_822_519u)) & 0x7FFF_FFFF)));

    /// <summary>One draw: walks the households in order and the days in order.</summary>
    private sealed class Drawer(DemandParameters p, CompoundLayout layout, DateTimeOffset start, int days, int seed, TimeSpan offset)
    {
        private Random _random = new(seed);

        public DemandTrace Draw()
        {
            var households = Households();
            var residentOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var user in layout.Users)
            {
                if (user.Role == UserRole.Resident && user.HouseholdId is { } h)
                {
                    residentOf.TryAdd(h, user.UserId);
                }
            }

            var ownSpaces = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var space in layout.Lots.SelectMany(l => l.Spaces))
            {
                if (space.Ownership == SpaceOwnership.Private && space.OwnerHouseholdId is { } owner)
                {
                    ownSpaces[owner] = ownSpaces.GetValueOrDefault(owner) + 1;
                }
            }

            var parking = new List<ParkingDemand>();
            var charging = new List<ChargingDemand>();
            var bikes = new List<EbikeDemand>();
            var localStart = LocalDate(start, offset);

            // Rates per car when the compound's totals are given (calibration): spread over the cars that book.
            var bookingCars = 0.0;
            var evCars = 0.0;
            if (p.BookingsPerDay is not null || p.ChargingSessionsPerDay is not null)
            {
                foreach (var household in households)
                {
                    var cars = p.CarsPerHousehold;
                    bookingCars += Math.Max(0, cars - ownSpaces.GetValueOrDefault(household.Id));
                    evCars += cars * p.EvShare;
                }
            }

            for (var i = 0; i < households.Count; i++)
            {
                var household = households[i];
                _random = Stream(seed, i, 1);
                var resident = residentOf.GetValueOrDefault(household.Id) ?? $"sim-{household.Id}";

                // The fleet: cars (some electric) and e-bikes; a car beyond the household's own spaces books.
                var cars = Count(p.CarsPerHousehold);
                var electric = new List<string>();
                for (var c = 0; c < cars; c++)
                {
                    if (_random.NextDouble() < p.EvShare)
                    {
                        electric.Add(string.Create(CultureInfo.InvariantCulture, $"EV{i:00000}{c}"));
                    }
                }

                var ebikes = Count(p.EbikesPerHousehold);
                var booking = Math.Max(0, cars - ownSpaces.GetValueOrDefault(household.Id));

                // A car is in one place at a time: a drawn stay or charge that begins before the car's previous one
                // ended is dropped (after it is drawn, so the draws that follow do not move).
                var carFreeAt = new DateTimeOffset[cars];
                var evFreeAt = new DateTimeOffset[electric.Count];
                for (var d = 0; d < days; d++)
                {
                    var date = localStart.AddDays(d);
                    var midnight = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), offset);
                    var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                    var arrivals = weekend ? p.WeekendArrivals : p.WeekdayArrivals;
                    var stays = weekend ? p.WeekendStayHours : p.WeekdayStayHours;
                    var perCar = p.BookingsPerDay is { } perDay
                        ? (bookingCars > 0 ? perDay / bookingCars : 0)
                        : weekend ? p.WeekendStaysPerCar : p.WeekdayStaysPerCar;

                    // Every car draws its stays, booking or not, so the draws of a household do not depend on its spaces.
                    for (var c = 0; c < cars; c++)
                    {
                        for (var n = Poisson(perCar); n > 0; n--)
                        {
                            var arrival = At(midnight, arrivals);
                            var stay = Stay(stays[arrival.ToOffset(offset).Hour]);
                            var bookAhead = BookAhead();
                            var noShow = _random.NextDouble() < p.NoShowRate;
                            if (c < booking && arrival - bookAhead >= carFreeAt[c])
                            {
                                carFreeAt[c] = arrival + stay;
                                parking.Add(new ParkingDemand(resident, household.Id, household.BuildingId, arrival, stay, bookAhead, false, noShow));
                            }
                        }
                    }

                    var perEv = p.ChargingSessionsPerDay is { } sessions ? (evCars > 0 ? sessions / evCars : 0) : p.ChargingSessionsPerEv;
                    for (var e = 0; e < electric.Count; e++)
                    {
                        for (var n = Poisson(perEv); n > 0; n--)
                        {
                            var arrival = At(midnight, p.ChargingArrivals);
                            var stay = Stay(p.ChargingStayHours[arrival.ToOffset(offset).Hour]);
                            var kwh = Math.Round(Math.Clamp(p.ChargingKwhMedian * Math.Exp(p.ChargingKwhSigma * Normal()), 1, 80), 1);
                            var canMove = _random.NextDouble() < p.CanMoveShare;
                            var noShow = _random.NextDouble() < p.ChargingNoShowRate;
                            if (arrival >= evFreeAt[e])
                            {
                                evFreeAt[e] = arrival + stay;
                                charging.Add(new ChargingDemand(resident, household.Id, household.BuildingId, electric[e], arrival, arrival + stay, kwh, canMove, noShow));
                            }
                        }
                    }

                    for (var b = 0; b < ebikes; b++)
                    {
                        if (_random.NextDouble() < p.EbikeChargesPerDay)
                        {
                            var arrival = At(midnight, p.EbikeArrivals);
                            var wh = Math.Round(p.EbikeEnergyWh * (0.5 + _random.NextDouble()));
                            bikes.Add(new EbikeDemand(resident, household.BuildingId, arrival, wh));
                        }
                    }
                }
            }

            _random = Stream(seed, -1, 2);
            var visitorsPerDay = p.VisitorsPerDay ?? households.Count * 0.08;
            for (var d = 0; d < days && households.Count > 0; d++)
            {
                var midnight = new DateTimeOffset(localStart.AddDays(d).ToDateTime(TimeOnly.MinValue), offset);
                for (var n = Poisson(visitorsPerDay); n > 0; n--)
                {
                    var host = households[_random.Next(households.Count)];
                    var arrival = At(midnight, p.VisitorArrivals);
                    parking.Add(new ParkingDemand(
                        residentOf.GetValueOrDefault(host.Id) ?? $"sim-{host.Id}", host.Id, host.BuildingId, arrival,
                        Stay(p.VisitorStayHours), BookAhead(), true, _random.NextDouble() < p.NoShowRate));
                }
            }

            return new DemandTrace(
                [.. parking.OrderBy(x => x.Arrival - x.BookAhead)],
                [.. charging.OrderBy(x => x.Arrival)],
                [.. bikes.OrderBy(x => x.Arrival)]);
        }

        private List<Household> Households()
        {
            var all = layout.Households;
            var count = p.Households ?? all.Count;
            return all.Count == 0 ? [] : [.. Enumerable.Range(0, count).Select(i => all[i % all.Count])];
        }

        /// <summary>The whole part, and one more with the probability of the fraction.</summary>
        private int Count(double mean)
        {
            var whole = (int)Math.Floor(mean);
            return whole + (_random.NextDouble() < mean - whole ? 1 : 0);
        }

        private int Poisson(double mean)
        {
            if (mean <= 0)
            {
                return 0;
            }

            // Knuth's method: means here are small (stays per car per day, a few dozen visitors).
            if (mean > 30)
            {
                return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Normal()));
            }

            var limit = Math.Exp(-mean);
            var k = 0;
            var product = _random.NextDouble();
            while (product > limit)
            {
                k++;
                product *= _random.NextDouble();
            }

            return k;
        }

        private double Normal()
        {
            var u1 = 1 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        /// <summary>An instant of the day: an hour drawn by the weights, a minute uniformly.</summary>
        private DateTimeOffset At(DateTimeOffset midnight, IReadOnlyList<double> weights)
        {
            var total = weights.Sum();
            var pick = _random.NextDouble() * total;
            var hour = 0;
            for (; hour < 23 && pick >= weights[hour]; hour++)
            {
                pick -= weights[hour];
            }

            return midnight.AddHours(hour).AddMinutes(_random.Next(60));
        }

        /// <summary>A stay of the given mean (gamma, shape 4: most stays near the mean), whole quarter hours from 30 minutes to 23 hours 45.</summary>
        private TimeSpan Stay(double meanHours)
        {
            var sum = 0.0;
            for (var i = 0; i < 4; i++)
            {
                sum -= Math.Log(1 - _random.NextDouble());
            }

            var hours = Math.Clamp(meanHours * sum / 4, 0.5, 23.75);
            return TimeSpan.FromMinutes(Math.Round(hours * 4) * 15);
        }

        private TimeSpan BookAhead()
        {
            var minutes = 15 + _random.NextDouble() * Math.Max(0, p.MaxBookAhead.TotalMinutes - 15);
            return TimeSpan.FromMinutes(Math.Round(minutes));
        }
    }
}
