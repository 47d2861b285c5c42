using Parking.Planning.Charging;
using Parking.Planning.Cli;
using Xunit;

namespace Parking.Planning.Tests.Charging;

public class AcnImporterTests
{
    private static ChargingInstance ImportFirstOfJune(int periodMinutes = 5) =>
        InstanceFiles.ImportAcn(SharedData.File("acn-caltech-2021-sessions.json"),
            new AcnImportOptions(new DateOnly(2021, 6, 1), 1, periodMinutes, 50));

    [Fact]
    public void Imports_one_local_day_of_real_sessions_as_plugged_in_requests()
    {
        var instance = ImportFirstOfJune();

        Assert.Equal(new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.FromHours(-7)), instance.Start);
        Assert.True(instance.Periods >= 288, "a day, or until the last car plugged in that day leaves");
        Assert.Empty(instance.Validate());
        Assert.True(instance.AllPlugged);
        Assert.InRange(instance.Requests.Count, 5, 60);
        // Connected 07:55:51 GMT (00:55:51 in Pasadena), unplugged 08:06:49: in period 00:55-01:00 from 51 s in,
        // in period 01:05-01:10 until 1 min 49 s in.
        var dcFast = instance.Requests.Single(r => r.Id.StartsWith("2_39_81_4550_2021-06-01 07:55", StringComparison.Ordinal));
        Assert.Equal(11, dcFast.ArrivalPeriod);
        Assert.Equal(51 / 300.0, dcFast.ArrivesAfter, 9);
        Assert.Equal(14, dcFast.DeparturePeriod);
        Assert.Equal((300 - 109) / 300.0, dcFast.LeavesBefore, 9);
        Assert.Equal(4.164, dcFast.EnergyKwh, 3);
        Assert.True(instance.Charger("2-39-81-4550")!.MaxKw > 20, "the DC fast charger's power is read from the data");
    }

    [Fact]
    public void Never_has_two_sessions_on_one_station_at_once()
    {
        var instance = ImportFirstOfJune(periodMinutes: 15);

        foreach (var station in instance.Requests.GroupBy(r => r.PluggedChargerId))
        {
            for (var t = 0; t < instance.Periods; t++)
                Assert.True(station.Sum(r => r.PresentShare(t)) <= 1 + 1e-9, $"station {station.Key} is over-booked in period {t}");
        }
    }

    /// <summary>
    /// Three sessions on a 15-minute grid (local time UTC-7 in June): one plugged in 08:00-10:00 exactly on
    /// boundaries, one 08:15-09:00 on boundaries, one 08:02:30-08:57:30 between them; each wants exactly what its
    /// car (6.6 kW) can take in the time it was plugged in.
    /// </summary>
    private const string KnownBoundaries = """
        [
          { "sessionID": "aligned-long", "stationID": "S1", "connectionTime": "Tue, 01 Jun 2021 15:00:00 GMT",
            "disconnectTime": "Tue, 01 Jun 2021 17:00:00 GMT", "kWhDelivered": 13.2 },
          { "sessionID": "aligned-short", "stationID": "S2", "connectionTime": "Tue, 01 Jun 2021 15:15:00 GMT",
            "disconnectTime": "Tue, 01 Jun 2021 16:00:00 GMT", "kWhDelivered": 4.95 },
          { "sessionID": "between", "stationID": "S3", "connectionTime": "Tue, 01 Jun 2021 15:02:30 GMT",
            "disconnectTime": "Tue, 01 Jun 2021 15:57:30 GMT", "kWhDelivered": 6.05 }
        ]
        """;

    private static ChargingInstance ImportKnown(double siteKw, string? only = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(KnownBoundaries));
        var instance = AcnImporter.Import(stream, new AcnImportOptions(new DateOnly(2021, 6, 1), 1, 15, siteKw, VehicleKw: 6.6));
        return only is null ? instance : instance with { Requests = [.. instance.Requests.Where(r => r.Id.StartsWith(only, StringComparison.Ordinal))] };
    }

    [Fact]
    public void A_session_on_period_boundaries_keeps_its_whole_window()
    {
        var instance = ImportKnown(100);

        var aligned = instance.Requests.Single(r => r.Id == "aligned-long");
        Assert.Equal((32, 40, 0.0, 0.0), (aligned.ArrivalPeriod, aligned.DeparturePeriod, aligned.ArrivesAfter, aligned.LeavesBefore));
        var shorter = instance.Requests.Single(r => r.Id == "aligned-short");
        Assert.Equal((33, 36, 0.0, 0.0), (shorter.ArrivalPeriod, shorter.DeparturePeriod, shorter.ArrivesAfter, shorter.LeavesBefore));
        var between = instance.Requests.Single(r => r.Id == "between");
        Assert.Equal((32, 36), (between.ArrivalPeriod, between.DeparturePeriod));
        Assert.Equal(1 / 6.0, between.ArrivesAfter, 9);
        Assert.Equal(1 / 6.0, between.LeavesBefore, 9);
        Assert.Empty(instance.Validate());
    }

    [Fact]
    public void The_bound_on_an_imported_trace_is_the_bound_on_its_sessions()
    {
        // With room for everyone, each car can take exactly what it asked for in the time it was plugged in.
        Assert.Equal(13.2 + 4.95 + 6.05, OfflineOptimum.UpperBoundKwh(ImportKnown(100)), 6);
        // On a 6.6 kW feed the two aligned sessions share 08:00-10:00: at most 2 h x 6.6 kW = 13.2 kWh.
        Assert.Equal(13.2, OfflineOptimum.UpperBoundKwh(ImportKnown(6.6, only: "aligned")), 6);
        // On a 3.3 kW feed the session between boundaries alone gets 55 min x 3.3 kW.
        Assert.Equal(3.3 * 55 / 60, OfflineOptimum.UpperBoundKwh(ImportKnown(3.3, only: "between")), 6);
    }
}
