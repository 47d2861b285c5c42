using System.Globalization;
using System.Text;

namespace Parking.Domain.Simulation;

/// <summary>
/// A result as CSV: one table after another, each under a header row and separated by an empty line (summary
/// metrics; refusals; buildings; charging areas; shelters; occupancy by hour; waits). A result stored before moves
/// were counted reads them as 0. Numbers use the invariant
/// culture; text fields are quoted when they need it. The one writer of the file: the command line
/// (`plan simulate`) and the API's report download (one run, or a comparison) both call it.
/// </summary>
public static class SimulationCsv
{
    public static string Write(SimulationResult result) => Write([("result", result)]);

    /// <summary>Several results side by side (a comparison): every table gets a first column naming the result.</summary>
    public static string Write(IReadOnlyList<(string Name, SimulationResult Result)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var csv = new StringBuilder();
        Table(csv, ["scenario", "metric", "value"], results.SelectMany(r => Summary(r.Result).Select(m => new object[] { r.Name, m.Metric, m.Value })));
        Table(csv, ["scenario", "kind", "reason", "count"], results.SelectMany(r =>
            r.Result.Parking.Refused.Select(x => new object[] { r.Name, "parking", x.Reason, x.Count })
                .Concat(r.Result.Charging.Refused.Select(x => new object[] { r.Name, "charging", x.Reason, x.Count }))
                .Concat(r.Result.Ebikes.Refused.Select(x => new object[] { r.Name, "ebike", x.Reason, x.Count }))));
        Table(csv, ["scenario", "building", "households", "requests", "served", "refused", "residentsUnserved", "chargingRequests", "chargingServed"], results.SelectMany(r =>
            r.Result.Buildings.Select(b => new object[] { r.Name, b.BuildingId, b.Households, b.Requests, b.Served, b.Refused, b.ResidentsUnserved, b.ChargingRequests, b.ChargingServed })));
        Table(csv, ["scenario", "area", "chargers", "siteCapacityKw", "peakKw", "requestedKwh", "deliveredKwh", "requests", "served", "plans", "moves"], results.SelectMany(r =>
            r.Result.Charging.Areas.Select(a => new object[] { r.Name, a.AreaId, a.Chargers, a.SiteCapacityKw, a.PeakKw, a.RequestedKwh, a.DeliveredKwh, a.Requests, a.Served, a.Plans, a.Moves })));
        Table(csv, ["scenario", "shelter", "ports", "sessions", "refused", "utilizationPercent", "overnightSessions"], results.SelectMany(r =>
            r.Result.Ebikes.Shelters.Select(s => new object[] { r.Name, s.ShelterId, s.Ports, s.Sessions, s.Refused, s.UtilizationPercent, s.OvernightSessions })));
        Table(csv, ["scenario", "hour", "occupancyPercent"], results.SelectMany(r =>
            r.Result.Charts.OccupancyByHour.Select((v, h) => new object[] { r.Name, h, v })));
        Table(csv, ["scenario", "wait", "fromMinutes", "toMinutes", "count"], results.SelectMany(r =>
            Buckets("space", r.Result.Charts.SpaceWait).Concat(Buckets("charging", r.Result.Charts.ChargingWait))
                .Select(b => new object[] { r.Name, b.Kind, b.From, b.To, b.Count })));
        return csv.ToString();
    }

    private static IEnumerable<(string Metric, object Value)> Summary(SimulationResult r)
    {
        yield return ("compound", r.CompoundId);
        yield return ("start", r.Start.ToString("O", CultureInfo.InvariantCulture));
        yield return ("days", r.Days);
        yield return ("seed", r.Seed);
        yield return ("demand", r.DemandSource);
        yield return ("parking.requests", r.Parking.Requests);
        yield return ("parking.served", r.Parking.Served);
        yield return ("parking.refused", r.Parking.Refused.Sum(x => x.Count));
        yield return ("parking.noShows", r.Parking.NoShows);
        yield return ("parking.meanWaitMinutes", r.Parking.MeanWaitMinutes);
        yield return ("parking.p95WaitMinutes", r.Parking.P95WaitMinutes);
        yield return ("parking.fairness", r.Parking.Fairness);
        yield return ("parking.visitorRequests", r.Parking.VisitorRequests);
        yield return ("parking.visitorsServed", r.Parking.VisitorsServed);
        yield return ("sharing.hoursPublished", r.Parking.SharedHoursPublished);
        yield return ("sharing.hoursBooked", r.Parking.SharedHoursBooked);
        yield return ("sharing.utilizationPercent", r.Parking.SharedUtilizationPercent);
        yield return ("charging.requests", r.Charging.Requests);
        yield return ("charging.served", r.Charging.Served);
        yield return ("charging.refused", r.Charging.Refused.Sum(x => x.Count));
        yield return ("charging.noShows", r.Charging.NoShows);
        yield return ("charging.meanWaitMinutes", r.Charging.MeanWaitMinutes);
        yield return ("charging.p95WaitMinutes", r.Charging.P95WaitMinutes);
        yield return ("charging.requestedKwh", r.Charging.RequestedKwh);
        yield return ("charging.deliveredKwh", r.Charging.DeliveredKwh);
        yield return ("charging.deliveredPercent", r.Charging.DeliveredPercent);
        yield return ("charging.moves", r.Charging.Moves);
        yield return ("ebike.requests", r.Ebikes.Requests);
        yield return ("ebike.served", r.Ebikes.Served);
        yield return ("ebike.portUtilizationPercent", r.Ebikes.PortUtilizationPercent);
        yield return ("ebike.overnightSessions", r.Ebikes.OvernightSessions);
        yield return ("credits.ownersEarnings", r.Credits.OwnersEarnings);
        yield return ("credits.compoundIncome", r.Credits.CompoundIncome);
        yield return ("credits.ownersEarning", r.Credits.OwnersEarning);
    }

    private static IEnumerable<(string Kind, double From, string To, int Count)> Buckets(string kind, WaitHistogram histogram)
    {
        for (var i = 0; i < histogram.Counts.Count; i++)
        {
            var from = i == 0 ? 0 : histogram.UpperMinutes[i - 1];
            var to = i < histogram.UpperMinutes.Count ? histogram.UpperMinutes[i].ToString(CultureInfo.InvariantCulture) : string.Empty;
            yield return (kind, from, to, histogram.Counts[i]);
        }
    }

    private static void Table(StringBuilder csv, string[] header, IEnumerable<object[]> rows)
    {
        if (csv.Length > 0)
        {
            csv.Append('\n');
        }

        csv.Append(string.Join(',', header)).Append('\n');
        foreach (var row in rows)
        {
            csv.Append(string.Join(',', row.Select(Field))).Append('\n');
        }
    }

    private static string Field(object value)
    {
        var text = value switch
        {
            double d => d.ToString("0.###", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
