using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Simulation;
using Parking.Domain.Scenarios;
using Parking.Grains.Scenarios;
using Xunit;

namespace Parking.Grains.Tests.Scenarios;

/// <summary>
/// A simulation run's stored state with its result, as the build of 4 December 2026 (main at b75be10) stored it,
/// when the result's records lived in Planning: the serializer wrote their Planning names into the bytes (the
/// lists of refusals, areas, shelters and buildings). The bytes and the result's CSV below were taken from that
/// build (one day of the small demo compound, seed 5). Read through the serializer PostgreSQL storage uses, the
/// result loads as today's Domain records with every figure.
/// </summary>
public sealed class EarlierSimulationRunStateTests
{
    private const string Stored =
        "IMABIUAVZGVtby1zbWFsbCGAAICit/RI3wiBAEAjDkMAAADgAQUBFUETc3ludGhldGljIQBdAVExARGB6i2xUmVhZE9ubHlMaXN0SW50" +
        "ZXJmYWNlQ29kZWNgMVtbUGFya2luZy5QbGFubmluZy5TaW11bGF0aW9uLlJlYXNvbkNvdW50LFBhcmtpbmcuUGxhbm5pbmddXQADIUAR" +
        "bm8tc3BhY2UBDejg4AEBgQAAAAAAAAhAgQAAAAAAAAAAgejZrPpcbes/AQkBCYEAAAAAAABOQIEAAAAAAAAAAIEAAAAAAAAAAOjgIQAN" +
        "AQ05A+ABAYEAAAAAAAAAQIEAAAAAAAAIQIEzMzMzM3NJQIEzMzMzM3NJQIEAAAAAAABZQDEBPmxdMbtTeXN0ZW0uQ29sbGVjdGlvbnMu" +
        "R2VuZXJpYy5MaXN0YDFbW1BhcmtpbmcuUGxhbm5pbmcuU2ltdWxhdGlvbi5BcmVhT3V0Y29tZSxQYXJraW5nLlBsYW5uaW5nXV0AAyFA" +
        "C0NBLUcxARGBAAAAAAAALECBAAAAAAAALECBMzMzMzNzSUCBMzMzMzNzSUABDQENAQ3o4ODo4CEAPQE9OQPggT0K16NwPSJAAQExAeGn" +
        "JxTBU3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAxW1tQYXJraW5nLlBsYW5uaW5nLlNpbXVsYXRpb24uU2hlbHRlck91dGNv" +
        "bWUsUGFya2luZy5QbGFubmluZ11dAAMhQAdFMDEBKQE9AQGBPQrXo3A9IkABAejg4OjgIQABAXoCAQEBAejgMQELZjoRw1N5c3RlbS5D" +
        "b2xsZWN0aW9ucy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5QbGFubmluZy5TaW11bGF0aW9uLkJ1aWxkaW5nT3V0Y29tZSxQYXJraW5n" +
        "LlBsYW5uaW5nXV0AByFAB0IwMQFRASEBHQEFAQUBBQEF6OAgQAdCMDIBUQEZARkBAQEBAQEBAejgIEAHQjAzAVEBHQEVAQkBCQEJAQno" +
        "4OAhMAGo9qRUTVJlYWRPbmx5TGlzdEludGVyZmFjZUNvZGVjYDFbW2RvdWJsZV1dADGBAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACA" +
        "AAAAAAAAAACAAAAAAAAAEECAAAAAAAAAEECAAAAAAAAAEECAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAEECAAAAAAAAAEECAAAAAAAAA" +
        "EECAAAAAAAAAIECAAAAAAAAAKECAAAAAAAAAIECAAAAAAAAAKECAAAAAAAAAKECAAAAAAAAAIECAAAAAAAAAIECAAAAAAAAAOECAAAAA" +
        "AAAARkCAAAAAAAAARkCAAAAAAAAARkCAAAAAAAAARkDgMQEYjmmcs1N5c3RlbS5Db2xsZWN0aW9ucy5HZW5lcmljLkxpc3RgMVtbU3lz" +
        "dGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuSVJlYWRPbmx5TGlzdGAxW1tkb3VibGVdXV1dAA85CwAxgQAAAAAAAAAAgAAAAAAAAAAAgAAA" +
        "AAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAA" +
        "gAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAA" +
        "AAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAA4DgLADGBAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAA" +
        "AACAAAAAAAAAEECAAAAAAAAAEECAAAAAAAAAEECAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAEECAAAAAAAAAEECAAAAAAAAAEECAAAAA" +
        "AAAAIECAAAAAAAAAKECAAAAAAAAAIECAAAAAAAAAKECAAAAAAAAAKECAAAAAAAAAIECAAAAAAAAAIECAAAAAAAAAOECAAAAAAAAARkCA" +
        "AAAAAAAARkCAAAAAAAAARkCAAAAAAAAARkDgOAsAMYEAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAA" +
        "AAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAA" +
        "AIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAA" +
        "AAAAAIAAAAAAAAAAAOA4CwAxgQAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAA" +
        "AAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAA" +
        "AAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAA" +
        "4DgLADGBAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACA" +
        "AAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAA" +
        "AACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAADgOAsAMYEAAAAAAAAA" +
        "AIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAA" +
        "AAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAA" +
        "AAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAIAAAAAAAAAAAOA4CwAxgQAAAAAAAAAAgAAAAAAAAAAAgAAA" +
        "AAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAA" +
        "gAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAA" +
        "AAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAAgAAAAAAAAAAA4OAhOAsADYEAAAAAAADwP4AAAAAAAAAuQIAAAAAAAAA+QIAAAAAA" +
        "AABOQIAAAAAAAIBWQIAAAAAAAABeQOApMwAPAU0AAQABAAEABQABAAHg6OAhOAsAEYEAAAAAAAAUQIAAAAAAAAAuQIAAAAAAAAA+QIAA" +
        "AAAAAABOQIAAAAAAAABeQIAAAAAAAABuQIAAAAAAAAB+QIAAAAAAAICGQOApMwATAQ0AAQABAAEAAQABAAEAAQAB4Ojg6OAB+gXo4OA=";

    private const string StoredCsv = """
scenario,metric,value
result,compound,demo-small
result,start,2026-11-23T00:00:00.0000000+08:00
result,days,1
result,seed,5
result,demand,synthetic
result,parking.requests,23
result,parking.served,20
result,parking.refused,3
result,parking.noShows,0
result,parking.meanWaitMinutes,3
result,parking.p95WaitMinutes,0
result,parking.fairness,0.857
result,parking.visitorRequests,2
result,parking.visitorsServed,2
result,sharing.hoursPublished,60
result,sharing.hoursBooked,0
result,sharing.utilizationPercent,0
result,charging.requests,3
result,charging.served,3
result,charging.refused,0
result,charging.noShows,0
result,charging.meanWaitMinutes,2
result,charging.p95WaitMinutes,3
result,charging.requestedKwh,50.9
result,charging.deliveredKwh,50.9
result,charging.deliveredPercent,100
result,charging.moves,0
result,ebike.requests,15
result,ebike.served,15
result,ebike.portUtilizationPercent,9.12
result,ebike.overnightSessions,0
result,credits.ownersEarnings,0
result,credits.compoundIncome,79
result,credits.ownersEarning,0

scenario,kind,reason,count
result,parking,no-space,3

scenario,building,households,requests,served,refused,residentsUnserved,chargingRequests,chargingServed
result,B01,20,8,7,1,1,1,1
result,B02,20,6,6,0,0,0,0
result,B03,20,7,5,2,2,2,2

scenario,area,chargers,siteCapacityKw,peakKw,requestedKwh,deliveredKwh,requests,served,plans,moves
result,CA-G1,4,14,14,50.9,50.9,3,3,3,0

scenario,shelter,ports,sessions,refused,utilizationPercent,overnightSessions
result,E01,10,15,0,9.12,0

scenario,hour,occupancyPercent
result,0,0
result,1,0
result,2,0
result,3,0
result,4,4
result,5,4
result,6,4
result,7,0
result,8,0
result,9,4
result,10,4
result,11,4
result,12,8
result,13,12
result,14,8
result,15,12
result,16,12
result,17,8
result,18,8
result,19,24
result,20,44
result,21,44
result,22,44
result,23,44

scenario,wait,fromMinutes,toMinutes,count
result,space,0,1,19
result,space,1,15,0
result,space,15,30,0
result,space,30,60,0
result,space,60,90,1
result,space,90,120,0
result,space,120,,0
result,charging,0,5,3
result,charging,5,15,0
result,charging,15,30,0
result,charging,30,60,0
result,charging,60,120,0
result,charging,120,240,0
result,charging,240,480,0
result,charging,480,720,0
result,charging,720,,0
""";

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(SimulationRunState).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static StoredStateSerializer Storage => new(Serializer);

    [Fact]
    public void A_result_stored_under_the_planning_names_loads_with_every_figure()
    {
        Assert.Contains("Parking.Planning.Simulation.BuildingOutcome", Encoding.UTF8.GetString(Convert.FromBase64String(Stored)), StringComparison.Ordinal);

        var state = Storage.Deserialize<SimulationRunState>(new BinaryData(Convert.FromBase64String(Stored)))!;

        var result = Assert.IsType<SimulationResult>(state.Result);
        Assert.Equal(("demo-small", 1, 5), (result.CompoundId, result.Days, result.Seed));
        Assert.NotEmpty(result.Buildings);
        Assert.Equal(StoredCsv.ReplaceLineEndings("\n") + "\n", result.ToCsv().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_loaded_result_is_stored_again_under_the_domain_names()
    {
        var state = Storage.Deserialize<SimulationRunState>(new BinaryData(Convert.FromBase64String(Stored)))!;

        var bytes = Storage.Serialize(state);
        var again = Storage.Deserialize<SimulationRunState>(bytes)!;

        var text = Encoding.UTF8.GetString(bytes.ToArray());
        Assert.DoesNotContain("Parking.Planning", text, StringComparison.Ordinal);
        Assert.Contains("Parking.Domain.Simulation.BuildingOutcome", text, StringComparison.Ordinal);
        Assert.Equal(state.Result!.ToCsv(), again.Result!.ToCsv());
    }
}
