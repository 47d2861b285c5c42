using Parking.Domain.History;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;

namespace Parking.Planning.Rebalancing;

/// <summary>
/// Demand of one building in one hour of the week (0 = Monday 00:00 to 01:00, the compound's local time):
/// the mean number of cars wanting a space of the need in that hour, or for <see cref="Need.Charging"/> the
/// mean kWh wanted in that hour.
/// </summary>
public sealed record DemandCell(string BuildingId, int HourOfWeek, Need Need, double Amount);

/// <summary>Parameters of synthetic demand, for a compound without recorded history (or to ask "what if").</summary>
public sealed record SyntheticDemandParameters
{
    /// <summary>Cars per household.</summary>
    public double CarsPerHousehold { get; init; } = 0.6;

    /// <summary>Share of the cars that are electric and charge in the compound.</summary>
    public double EvShare { get; init; } = 0.25;

    /// <summary>Share of the cars that need an accessible space.</summary>
    public double AccessibleShare { get; init; } = 0.03;

    /// <summary>kWh an electric car takes per day, wanted between 18:00 and 07:00.</summary>
    public double KwhPerEvPerDay { get; init; } = 10;

    /// <summary>Visitor cars per household at the busiest hour (weekend afternoons).</summary>
    public double VisitorsPerHousehold { get; init; } = 0.04;

    /// <summary>How much each building's demand may differ from the mean (0.2 = up to ±20 %, drawn from the seed).</summary>
    public double BuildingSpread { get; init; } = 0.3;

    public int Seed { get; init; } = 1;
}

/// <summary>Demand per building × hour of week × need: what the rebalancing optimizer serves.</summary>
public sealed record RebalancingDemand(IReadOnlyList<DemandCell> Cells, string Source)
{
    public const int HoursPerWeek = 168;

    /// <summary>
    /// Demand for the shared pool made from parameters: each building's cars that have no private space of
    /// their household's, present by a commuter's profile (most away on weekday daytime), electric cars
    /// charging in the evening and night, visitors in the day and most at weekends. Deterministic for a seed.
    /// </summary>
    public static RebalancingDemand Synthetic(CompoundLayout layout, SyntheticDemandParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(parameters);

        var random = new Random(parameters.Seed);
        var householdsOf = layout.Households.GroupBy(h => h.BuildingId).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var buildingOfHousehold = layout.Households.ToDictionary(h => h.Id, h => h.BuildingId, StringComparer.Ordinal);
        var privateOf = layout.Lots.SelectMany(l => l.Spaces)
            .Where(s => s.Ownership == SpaceOwnership.Private && s.OwnerHouseholdId is not null && buildingOfHousehold.ContainsKey(s.OwnerHouseholdId))
            .GroupBy(s => buildingOfHousehold[s.OwnerHouseholdId!])
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var cells = new List<DemandCell>();
        foreach (var building in layout.Buildings)
        {
            var households = householdsOf.GetValueOrDefault(building.Id);
            var spread = 1 + parameters.BuildingSpread * (2 * random.NextDouble() - 1);
            var cars = households * parameters.CarsPerHousehold * spread;
            var poolCars = Math.Max(0, cars - privateOf.GetValueOrDefault(building.Id));
            var evCars = cars * parameters.EvShare;
            for (var h = 0; h < HoursPerWeek; h++)
            {
                var present = Presence(h);
                Add(cells, building.Id, h, Need.Standard, poolCars * (1 - parameters.AccessibleShare) * present);
                Add(cells, building.Id, h, Need.Accessible, poolCars * parameters.AccessibleShare * present);
                var hourOfDay = h % 24;
                if (hourOfDay >= 18 || hourOfDay < 7)
                {
                    Add(cells, building.Id, h, Need.Charging, evCars * parameters.KwhPerEvPerDay / 13);
                }

                Add(cells, building.Id, h, Need.Visitor, households * parameters.VisitorsPerHousehold * Visiting(h) * spread);
            }
        }

        return new RebalancingDemand(cells, "synthetic");
    }

    /// <summary>
    /// Demand recorded in the reservation history of <c>[from, to)</c>: every reservation's held time (its
    /// newest event), counted in each hour of the week it covers for its resident's building and the kind
    /// of space it held, averaged over the weeks of the period. Reservations on EV spaces count as charging
    /// at <paramref name="kwPerChargingHour"/>. History records only what was served: refused demand is not
    /// in it, so <paramref name="growth"/> can scale it up.
    /// </summary>
    public static RebalancingDemand FromHistory(
        CompoundLayout layout, IEnumerable<ReservationEvent> events, DateTimeOffset from, DateTimeOffset to,
        TimeSpan utcOffset, double kwPerChargingHour = 3.5, double growth = 1.0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(events);
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        var buildingOf = layout.Users.Where(u => u.BuildingId is not null).ToDictionary(u => u.UserId, u => u.BuildingId!, StringComparer.Ordinal);
        var kindOf = layout.Lots.SelectMany(l => l.Spaces).ToDictionary(s => s.SpaceId, s => s.Kind, StringComparer.Ordinal);
        var weeks = (to - from).TotalDays / 7;
        var sums = new Dictionary<(string Building, int Hour, Need Need), double>();
        var newest = events
            .Where(e => e.CompoundId == layout.CompoundId)
            .GroupBy(e => e.ReservationId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => e.Revision)!);
        foreach (var e in newest)
        {
            if (e.Held is not { } held || !buildingOf.TryGetValue(e.ResidentId, out var building) || !kindOf.TryGetValue(e.SpaceId, out var kind))
            {
                continue;
            }

            var start = held.Start < from ? from : held.Start;
            var end = held.End > to ? to : held.End;
            var need = (Need)(int)kind;
            for (var t = start; t < end;)
            {
                var local = t.ToOffset(utcOffset);
                var hourStart = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, utcOffset);
                var next = hourStart.AddHours(1);
                var until = next < end ? next : end;
                var share = (until - t).TotalHours;
                var hour = (((int)local.DayOfWeek + 6) % 7 * 24) + local.Hour;
                var key = (building, hour, need);
                sums[key] = sums.GetValueOrDefault(key) + (need == Need.Charging ? share * kwPerChargingHour : share);
                t = until;
            }
        }

        var cells = sums
            .OrderBy(p => p.Key.Building, StringComparer.Ordinal).ThenBy(p => p.Key.Hour).ThenBy(p => p.Key.Need)
            .Select(p => new DemandCell(p.Key.Building, p.Key.Hour, p.Key.Need, p.Value / weeks * growth))
            .ToList();
        return new RebalancingDemand(cells, "recorded");
    }

    /// <summary>Share of a building's pool cars at home in an hour of the week: a commuter's week.</summary>
    public static double Presence(int hourOfWeek)
    {
        var hour = hourOfWeek % 24;
        var weekend = hourOfWeek >= 5 * 24;
        return hour switch
        {
            < 7 => 0.95,
            < 9 => weekend ? 0.9 : 0.6,
            < 17 => weekend ? 0.65 : 0.35,
            < 19 => weekend ? 0.7 : 0.6,
            < 22 => 0.85,
            _ => 0.95,
        };
    }

    /// <summary>
    /// Share of private spaces whose owner's car is away in an hour of the week (the same commuter's week):
    /// the hours a private space could serve the shared pool.
    /// </summary>
    public static double OwnerAway(int hourOfWeek) => 1 - Presence(hourOfWeek);

    private static double Visiting(int hourOfWeek)
    {
        var hour = hourOfWeek % 24;
        var weekend = hourOfWeek >= 5 * 24;
        return hour is >= 10 and < 21 ? (weekend ? 1.0 : 0.4) : 0.02;
    }

    private static void Add(List<DemandCell> cells, string building, int hour, Need need, double amount)
    {
        if (amount > 0)
        {
            cells.Add(new DemandCell(building, hour, need, amount));
        }
    }
}
