using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

public class AcnImporterTests
{
    private static ChargingInstance ImportFirstOfJune(int periodMinutes = 5) =>
        AcnImporter.Import(SharedData.File("acn-caltech-2021-sessions.json"),
            new AcnImportOptions(new DateOnly(2021, 6, 1), 1, periodMinutes, 50));

    [Fact]
    public void Imports_one_local_day_of_real_sessions_as_plugged_in_requests()
    {
        var instance = ImportFirstOfJune();

        Assert.Equal(new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.FromHours(-7)), instance.Start);
        Assert.Equal(288, instance.Periods);
        Assert.Empty(instance.Validate());
        Assert.True(instance.AllPlugged);
        Assert.InRange(instance.Requests.Count, 5, 60);
        // Connected 07:55 GMT (00:55 in Pasadena), gone by 09:07 GMT: its first whole period is 00:55-01:00.
        var dcFast = instance.Requests.Single(r => r.Id.StartsWith("2_39_81_4550_2021-06-01 07:55", StringComparison.Ordinal));
        Assert.Equal(12, dcFast.ArrivalPeriod);
        Assert.Equal(4.164, dcFast.EnergyKwh, 3);
        Assert.True(instance.Charger("2-39-81-4550")!.MaxKw > 20, "the DC fast charger's power is read from the data");
    }

    [Fact]
    public void Never_puts_two_sessions_on_one_station_in_the_same_period()
    {
        var instance = ImportFirstOfJune(periodMinutes: 15);

        foreach (var station in instance.Requests.GroupBy(r => r.PluggedChargerId))
        {
            var ordered = station.OrderBy(r => r.ArrivalPeriod).ToList();
            Assert.All(ordered.Zip(ordered.Skip(1)), p => Assert.True(p.Second.ArrivalPeriod >= p.First.DeparturePeriod));
        }
    }
}
