using Parking.Domain.Simulation;

namespace Parking.Planning.Simulation;

/// <summary>Turns the tallies of a finished run into its <see cref="SimulationResult"/>.</summary>
internal sealed partial class SimulationRun
{
    /// <summary>Bucket bounds (minutes) of the wait for a space: most drivers wait not at all, a few up to the give-up time.</summary>
    internal static readonly IReadOnlyList<double> SpaceWaitBounds = [1, 15, 30, 60, 90, 120];

    /// <summary>Bucket bounds (minutes) of the wait for a charging turn: turns come within the evening or overnight.</summary>
    internal static readonly IReadOnlyList<double> ChargingWaitBounds = [5, 15, 30, 60, 120, 240, 480, 720];

    private SimulationResult Result()
    {
        CloseCharging();
        CloseShelters();

        var parking = new ParkingOutcome(
            _parking.Requests,
            _parking.Served,
            _parking.RefusedList(),
            _noShows,
            Round(Mean(_spaceWaits)),
            Round(Percentile(_spaceWaits, 0.95)),
            Math.Round(Jain(_households.Values.Where(h => h.Requests > 0).Select(h => (double)h.Served / h.Requests)), 4),
            _visitorRequests,
            _visitorsServed,
            Round(_sharedHoursPublished),
            Round(_sharedHoursBooked),
            _sharedHoursPublished > 0 ? Round(100 * _sharedHoursBooked / _sharedHoursPublished) : 0);

        var areas = _areas.Values
            .OrderBy(a => a.Definition.AreaId, StringComparer.Ordinal)
            .Select(a => new AreaOutcome(
                a.Definition.AreaId,
                a.Definition.Chargers.Count,
                a.Book.SiteCapacityKw,
                Round(a.PeakKw),
                Round(a.RequestedKwh),
                Round(a.DeliveredKwh),
                a.Requests,
                a.Served,
                a.Plans) { Moves = a.Moves })
            .ToList();
        var requestedKwh = _areas.Values.Sum(a => a.RequestedKwh);
        var deliveredKwh = _areas.Values.Sum(a => a.DeliveredKwh);
        var charging = new ChargingOutcome(
            _charging.Requests,
            _charging.Served,
            _charging.RefusedList(),
            _chargingNoShows,
            Round(Mean(_chargingWaits)),
            Round(Percentile(_chargingWaits, 0.95)),
            Round(requestedKwh),
            Round(deliveredKwh),
            requestedKwh > 0 ? Round(100 * deliveredKwh / requestedKwh) : 0,
            areas)
        {
            Moves = _chargingMoves,
        };

        var hours = (_end - _start).TotalHours;
        var shelters = _shelters.Values
            .OrderBy(s => s.Definition.ShelterId, StringComparer.Ordinal)
            .Select(s => new ShelterOutcome(
                s.Definition.ShelterId,
                s.Definition.Ports,
                s.Sessions,
                s.Refused,
                s.Definition.Ports > 0 ? Round(100 * s.PortHours / (s.Definition.Ports * hours)) : 0,
                s.Overnight))
            .ToList();
        var ports = _shelters.Values.Sum(s => s.Definition.Ports);
        var ebikes = new EbikeOutcome(
            _ebikes.Requests,
            _ebikes.Served,
            _ebikes.RefusedList(),
            ports > 0 ? Round(100 * _shelters.Values.Sum(s => s.PortHours) / (ports * hours)) : 0,
            _shelters.Values.Sum(s => s.Overnight),
            shelters);

        var buildings = _input.Layout.Buildings
            .Select(b => (b.Id, Tally: _buildings.GetValueOrDefault(b.Id) ?? new BuildingTally()))
            .Select(b => new BuildingOutcome(b.Id, b.Tally.Households, b.Tally.Requests, b.Tally.Served, b.Tally.Refused, b.Tally.Unserved.Count, b.Tally.ChargingRequests, b.Tally.ChargingServed))
            .ToList();

        var byWeekday = Enumerable.Range(0, 7)
            .Select(d => (IReadOnlyList<double>)[.. Enumerable.Range(0, 24).Select(h => _weekdayOccupancySamples[d, h] > 0 ? Round(_weekdayOccupancySum[d, h] / _weekdayOccupancySamples[d, h]) : 0)])
            .ToList();
        var charts = new SimulationCharts(
            [.. Enumerable.Range(0, 24).Select(h => _occupancySamples[h] > 0 ? Round(_occupancySum[h] / _occupancySamples[h]) : 0)],
            byWeekday,
            Histogram(_spaceWaits, SpaceWaitBounds),
            Histogram(_chargingWaits, ChargingWaitBounds));

        return new SimulationResult(
            _input.Layout.CompoundId,
            _start,
            _input.Days,
            _input.Seed,
            _input.Demand.Source,
            parking,
            charging,
            ebikes,
            new CreditOutcome(_ownersEarnings, _compoundIncome, 0, _earningOwners.Count),
            buildings,
            charts,
            _events);
    }

    private static double Round(double value) => Math.Round(value, 2);

    private static double Mean(List<double> values) => values.Count == 0 ? 0 : values.Average();

    /// <summary>The nearest-rank percentile.</summary>
    internal static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Jain's fairness index, (Σx)² / (n Σx²): 1 when every household got the same share; 1 too when there is nobody to compare.</summary>
    internal static double Jain(IEnumerable<double> shares)
    {
        var list = shares.ToList();
        var squares = list.Sum(x => x * x);
        return list.Count == 0 || squares == 0 ? 1 : list.Sum() * list.Sum() / (list.Count * squares);
    }

    private static WaitHistogram Histogram(List<double> values, IReadOnlyList<double> bounds)
    {
        var counts = new int[bounds.Count + 1];
        foreach (var value in values)
        {
            var bucket = 0;
            while (bucket < bounds.Count && value >= bounds[bucket])
            {
                bucket++;
            }

            counts[bucket]++;
        }

        return new WaitHistogram(bounds, counts);
    }
}
