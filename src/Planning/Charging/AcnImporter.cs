using System.Globalization;
using System.Text.Json;

namespace Parking.Planning.Charging;

/// <summary>Which energy an imported session asks for.</summary>
public enum AcnEnergy
{
    /// <summary><c>kWhDelivered</c>: what the car really took.</summary>
    Delivered,

    /// <summary><c>kWhRequested</c> from the driver's input where there is one, else what was delivered.</summary>
    Requested,
}

/// <summary>
/// How to cut an ACN-Data sessions file into an instance: the first local day and how many days, the period
/// length, the site capacity, and the power of each station and of each car. The Caltech stations are Level-2
/// EVSEs of about 6.6 kW (<see cref="ChargerKw"/>), except a DC fast charger: a station's power is the larger of
/// <see cref="ChargerKw"/> and the highest average power any of its sessions in the file reached while charging.
/// A car draws at most <see cref="VehicleKw"/>, or its station's power when that is not given.
/// </summary>
public sealed record AcnImportOptions(
    DateOnly From,
    int Days,
    int PeriodMinutes,
    double SiteKw,
    double ChargerKw = 6.6,
    double? VehicleKw = null,
    AcnEnergy Energy = AcnEnergy.Delivered,
    string TimeZoneId = "America/Los_Angeles");

/// <summary>
/// Turns an ACN-Data sessions file (a JSON array of sessions) into a rate-allocation instance: every session that
/// connects within the chosen local days becomes a request plugged into its station, present from the period in
/// which it connects to the period in which it disconnects, with the share of its first and last period it misses
/// (<see cref="ChargingRequest.ArrivesAfter"/>, <see cref="ChargingRequest.LeavesBefore"/>), so that it keeps exactly
/// the time it was plugged in: the bound on the imported instance is the bound on the sessions themselves. The instance lasts the chosen days,
/// or longer when a session connected in them leaves later. It wants
/// what it really took (or what the driver asked for).
/// </summary>
public static class AcnImporter
{
    public static ChargingInstance Import(Stream json, AcnImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Days <= 0 || options.PeriodMinutes <= 0 || 1440 % options.PeriodMinutes != 0)
            throw new ArgumentException("Days must be positive and the period must divide a day.", nameof(options));
        var zone = FindZone(options.TimeZoneId);
        var localStart = options.From.ToDateTime(TimeOnly.MinValue);
        var start = new DateTimeOffset(localStart, zone.GetUtcOffset(localStart));
        var end = start.AddDays(options.Days);
        var periods = options.Days * 1440 / options.PeriodMinutes;
        var period = TimeSpan.FromMinutes(options.PeriodMinutes);

        using var document = JsonDocument.Parse(json);
        var sessions = new List<(string Id, string Station, DateTimeOffset Connect, DateTimeOffset Disconnect, double Kwh)>();
        var stationKw = new Dictionary<string, double>();
        foreach (var session in document.RootElement.EnumerateArray())
        {
            if (!TryTime(session, "connectionTime", out var connect) || !TryTime(session, "disconnectTime", out var disconnect)) continue;
            var station = session.TryGetProperty("stationID", out var s) ? s.GetString() : null;
            if (station is null) continue;
            var kwh = session.TryGetProperty("kWhDelivered", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0;
            var charging = (TryTime(session, "doneChargingTime", out var done) && done > connect ? done : disconnect) - connect;
            var averageKw = charging > TimeSpan.FromMinutes(5) ? kwh / charging.TotalHours : 0;
            stationKw[station] = Math.Max(stationKw.GetValueOrDefault(station, options.ChargerKw), Math.Ceiling(averageKw * 10) / 10);
            if (connect < start || connect >= end) continue;
            if (options.Energy == AcnEnergy.Requested && session.TryGetProperty("userInputs", out var inputs)
                && inputs.ValueKind == JsonValueKind.Array && inputs.GetArrayLength() > 0
                && inputs[inputs.GetArrayLength() - 1].TryGetProperty("kWhRequested", out var requested)
                && requested.ValueKind == JsonValueKind.Number)
                kwh = requested.GetDouble();
            var id = session.TryGetProperty("sessionID", out var sid) ? sid.GetString() ?? station : station;
            sessions.Add((id, station, connect, disconnect, kwh));
        }

        // Periods in whole ticks, so that a session plugged in or out exactly on a boundary keeps that boundary.
        var periodTicks = period.Ticks;
        // The instance runs until the last of its sessions leaves, so that a car plugged in late on the last day
        // keeps its whole stay too.
        var horizonTicks = Math.Max(periods * periodTicks,
            sessions.Count == 0 ? 0 : sessions.Max(s => (s.Disconnect - start).Ticks));
        var requests = new List<ChargingRequest>();
        var busyUntil = new Dictionary<string, long>();
        foreach (var session in sessions.OrderBy(s => s.Connect).ThenBy(s => s.Id, StringComparer.Ordinal))
        {
            var from = (session.Connect - start).Ticks;
            var to = Math.Min(horizonTicks, (session.Disconnect - start).Ticks);
            // A station holds one car at a time: a session logged before the previous one left starts when it left.
            if (busyUntil.TryGetValue(session.Station, out var busy)) from = Math.Max(from, busy);
            if (to <= from || session.Kwh <= 0) continue;
            busyUntil[session.Station] = to;
            var arrival = (int)(from / periodTicks);
            var departure = (int)((to + periodTicks - 1) / periodTicks);
            var arrivesAfter = (double)(from - (arrival * periodTicks)) / periodTicks;
            var leavesBefore = (double)((departure * periodTicks) - to) / periodTicks;
            requests.Add(new ChargingRequest(session.Id, arrival, departure, Math.Round(session.Kwh, 3),
                options.VehicleKw ?? stationKw[session.Station], session.Station, arrivesAfter, leavesBefore));
        }
        var chargers = requests.Select(r => r.PluggedChargerId!).Distinct().Order(StringComparer.Ordinal)
            .Select(id => new ChargerSpec(id, stationKw[id])).ToList();
        periods = Math.Max(periods, requests.Count == 0 ? 0 : requests.Max(r => r.DeparturePeriod));
        return new ChargingInstance(start, options.PeriodMinutes, periods, chargers, options.SiteKw, requests);
    }

    private static bool TryTime(JsonElement session, string name, out DateTimeOffset time)
    {
        time = default;
        return session.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParseExact(value.GetString(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
