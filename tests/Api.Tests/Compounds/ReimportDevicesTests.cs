using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Seeding;
using Parking.Grains.Compounds;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>
/// A re-import reaches the running grains: a charger re-rated, removed or added in the file, a new feed, and a
/// shelter with more ports and another power limit are what the live charger, charging-area and shelter grains
/// report afterwards, without a restart.
/// </summary>
public sealed class ReimportDevicesTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private const string CompoundId = "device-gardens";
    private const string Staff = "dg-staff";
    private readonly ParkingHost _host = fixture.Host;

    private static CompoundFile Version1() =>
        DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small) with
        {
            Compound = new CompoundEntry(CompoundId, "Device Gardens") { SubDistrict = DemoCompoundGenerator.DemoSubDistrict },
            People = [new PersonEntry(Staff, "Device staff", "staff")],
        };

    private async Task ApplyAsync(CompoundFile file)
    {
        var check = CompoundFileCheck.Run(CompoundFileReader.Write(file));
        Assert.True(check.IsValid, string.Join("; ", check.Problems));
        var applied = await _host.Factory.Services.GetRequiredService<CompoundImporter>().Apply(check.Layout!, expectedVersion: null);
        Assert.True(applied.IsSuccess, applied.Error?.Message);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string token) =>
        await _host.GetAsync($"/api/compounds/{CompoundId}/{path}", null, token);

    private async Task<T> OkAsync<T>(string path, string token)
    {
        using var response = await GetAsync(path, token);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<T>(ParkingHost.Json))!;
    }

    [Fact]
    public async Task Chargers_areas_and_shelters_follow_a_reimported_file()
    {
        var v1 = Version1();
        await ApplyAsync(v1);
        using var tokenResponse = await _host.Http.PostAsJsonAsync(new Uri("/api/dev/token", UriKind.Relative), new DevTokenRequest(CompoundId, Staff), ParkingHost.Json);
        await ParkingHost.Expect(tokenResponse, HttpStatusCode.OK);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<DevTokenResponse>(ParkingHost.Json))!.AccessToken;

        // Wake every grain the change will reach, so it has to be told rather than read the new file on activation.
        var area = Assert.Single(await OkAsync<ChargingAreaDto[]>("charging/areas", token));
        Assert.Equal(4, area.Chargers);
        Assert.Equal(14, area.SiteCapacityKw);
        Assert.Equal(7, (await OkAsync<ChargerDto>("chargers/C-G1-025", token)).MaxKw);
        Assert.Equal(7, (await OkAsync<ChargerDto>("chargers/C-G1-026", token)).MaxKw);
        Assert.Equal(10, (await OkAsync<ShelterDto>("shelters/E01", token)).Ports.Count);

        var areaEntry = v1.ChargingAreas[0];
        var chargers = areaEntry.Chargers
            .Select(c => c.Id == "C-G1-025" ? c with { MaxKw = 11 } : c)
            .Where(c => c.Id != "C-G1-026")
            .Append(areaEntry.Chargers.Single(c => c.Id == "C-G1-026") with { Id = "C-G1-026B" })
            .ToList();
        var v2 = v1 with
        {
            ChargingAreas = [areaEntry with { FeedKw = 22, Chargers = chargers }],
            Shelters = [v1.Shelters[0] with { Ports = 12, PowerLimitKw = 3 }],
        };
        await ApplyAsync(v2);

        area = Assert.Single(await OkAsync<ChargingAreaDto[]>("charging/areas", token));
        Assert.Equal(4, area.Chargers);
        Assert.Equal(22, area.SiteCapacityKw);
        Assert.Equal(11, (await OkAsync<ChargerDto>("chargers/C-G1-025", token)).MaxKw);
        Assert.Equal(7, (await OkAsync<ChargerDto>("chargers/C-G1-026B", token)).MaxKw);
        using (var removed = await GetAsync("chargers/C-G1-026", token))
        {
            Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);
        }

        var plan = await OkAsync<ChargingPlanDto>("charging/areas/CA-G1/plan", token);
        Assert.DoesNotContain(plan.Chargers, c => c.Charger.ChargerId == "C-G1-026");
        Assert.Contains(plan.Chargers, c => c.Charger.ChargerId == "C-G1-026B");
        var shelter = await OkAsync<ShelterDto>("shelters/E01", token);
        Assert.Equal(12, shelter.Ports.Count);
        Assert.Equal(3, shelter.PowerLimitKw);
    }
}
