using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Charging;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Seeding;
using Parking.Grains;
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

    private static async Task<string> TokenAsync(ParkingHost host, string compoundId, string userId)
    {
        using var response = await host.Http.PostAsJsonAsync(new Uri("/api/dev/token", UriKind.Relative), new DevTokenRequest(compoundId, userId), ParkingHost.Json);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<DevTokenResponse>(ParkingHost.Json))!.AccessToken;
    }

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

        var plan = await OkAsync<ChargingPlanDto>("charging/areas/CA-G1/plan?planned=true", token);
        Assert.DoesNotContain(plan.Chargers, c => c.Charger.ChargerId == "C-G1-026");
        Assert.Contains(plan.Chargers, c => c.Charger.ChargerId == "C-G1-026B");
        var shelter = await OkAsync<ShelterDto>("shelters/E01", token);
        Assert.Equal(12, shelter.Ports.Count);
        Assert.Equal(3, shelter.PowerLimitKw);
    }

    [Fact]
    public async Task A_charger_and_a_shelter_dropped_from_the_file_are_taken_out_of_service()
    {
        const string compoundId = "retire-gardens";
        var v1 = DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small) with
        {
            Compound = new CompoundEntry(compoundId, "Retire Gardens") { SubDistrict = DemoCompoundGenerator.DemoSubDistrict },
        };
        v1 = v1 with { People = [new PersonEntry("rg-staff", "Retire staff", "staff"), new PersonEntry("rg-res", "Retire resident", "resident") { HouseholdId = v1.Households[0].Id }] };
        await ApplyAsync(v1);
        var staff = await TokenAsync(_host, compoundId, "rg-staff");
        var resident = await TokenAsync(_host, compoundId, "rg-res");
        string Path(string rest) => $"/api/compounds/{compoundId}/{rest}";

        // The charge point of C-G1-026 is set up and connected with the real OCPP client, and a car charges on it.
        const string password = "retire-gardens-charger-0001";
        using (var set = await _host.SendAsync(HttpMethod.Put, Path("chargers/C-G1-026/ocpp/password"), null, new ChargePointPasswordBody(password), bearerToken: staff))
        {
            await ParkingHost.Expect(set, HttpStatusCode.OK);
        }

        await using var charger = await OcppCharger.ConnectAsync(_host, "C-G1-026", password, compoundId: compoundId);
        Assert.Equal("Accepted", (await charger.BootAsync()).GetProperty("status").GetString());
        var transaction = (await charger.StartAsync("CARD-RG-1", 1_000, _host.Now)).GetProperty("transactionId").GetInt32();

        // A resident charges an e-bike in shelter E01.
        using var started = await _host.SendAsync(HttpMethod.Post, Path("shelters/E01/sessions"), null, new StartShelterSessionRequest("E01-P02", "blue bike"), bearerToken: resident);
        await ParkingHost.Expect(started, HttpStatusCode.Created);
        var bike = (await started.Content.ReadFromJsonAsync<ShelterSessionDto>(ParkingHost.Json))!;

        var area = v1.ChargingAreas[0];
        await ApplyAsync(v1 with
        {
            ChargingAreas = [area with { Chargers = [.. area.Chargers.Where(c => c.Id != "C-G1-026")] }],
            Shelters = [],
        });

        // The charge point is told: the running transaction is stopped, then the charger is set Inoperative.
        var stop = await charger.ExpectCallAsync("RemoteStopTransaction", what: "the car on the removed charger is stopped");
        Assert.Equal(transaction, stop.GetProperty("transactionId").GetInt32());
        var availability = await charger.ExpectCallAsync("ChangeAvailability", what: "the removed charger is taken out of service");
        Assert.Equal(0, availability.GetProperty("connectorId").GetInt32());
        Assert.Equal("Inoperative", availability.GetProperty("type").GetString());

        // From now on its boots are rejected and its cards refused; staff see the commands and their outcome.
        Assert.Equal("Rejected", (await charger.BootAsync()).GetProperty("status").GetString());
        var authorize = await charger.CallAsync("Authorize", new System.Text.Json.Nodes.JsonObject { ["idTag"] = "CARD-RG-1" });
        Assert.Equal("Invalid", authorize.GetProperty("idTagInfo").GetProperty("status").GetString());
        using var viewResponse = await _host.GetAsync(Path("chargers/C-G1-026/ocpp"), null, staff);
        await ParkingHost.Expect(viewResponse, HttpStatusCode.OK);
        var view = (await viewResponse.Content.ReadFromJsonAsync<ChargePointDto>(ParkingHost.Json))!;
        Assert.Contains(view.Commands, c => c.Action == "ChangeAvailability" && c.Origin == "layout");

        // The shelter is gone: its session ended (as when staff stop it), it is unknown, and nothing new starts there.
        using (var gone = await _host.GetAsync(Path("shelters/E01"), null, staff))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        var shelter = await _host.Grains.Shelter(compoundId, "E01").GetSessionsOf("rg-res");
        var ended = Assert.Single(shelter, s => s.SessionId == bike.SessionId);
        Assert.False(ended.IsActive);
        using (var again = await _host.SendAsync(HttpMethod.Post, Path("shelters/E01/sessions"), null, new StartShelterSessionRequest("E01-P03", "blue bike"), bearerToken: resident))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        // Back in the next file: the charge point is set Operative and boots are accepted again.
        await ApplyAsync(v1);
        var back = await charger.ExpectCallAsync("ChangeAvailability", p => p.GetProperty("type").GetString() == "Operative", "the charger is back in service");
        Assert.Equal(0, back.GetProperty("connectorId").GetInt32());
        Assert.Equal("Accepted", (await charger.BootAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_preview_shows_the_charging_requests_and_sharing_plans_a_reimport_reaches_and_the_apply_ends_the_plan()
    {
        const string compoundId = "plan-gardens";
        var v1 = DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small) with
        {
            Compound = new CompoundEntry(compoundId, "Plan Gardens") { SubDistrict = DemoCompoundGenerator.DemoSubDistrict },
        };
        var owned = v1.Spaces.First(s => s.Ownership == "private" && s.OwnerHouseholdId is not null);
        var driver = v1.Households.First(h => h.Id != owned.OwnerHouseholdId).Id;
        v1 = v1 with
        {
            People =
            [
                new PersonEntry("pg-owner", "Owner", "resident") { HouseholdId = owned.OwnerHouseholdId },
                new PersonEntry("pg-driver", "Driver", "resident") { HouseholdId = driver },
            ],
        };
        await ApplyAsync(v1);
        var owner = await TokenAsync(_host, compoundId, "pg-owner");

        // The owner shares the space on weekdays; a driver asks to charge in CA-G1 and gets a turn on some charger.
        var today = DateOnly.FromDateTime(_host.Now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        using (var shared = await _host.SendAsync(
            HttpMethod.Put,
            $"/api/compounds/{compoundId}/spaces/{owned.Id}/sharing",
            null,
            new SharingPlanDto([new WeeklyPatternDto(["daily"], "08:00", "18:00")], today.AddDays(1), today.AddDays(30), null, null),
            bearerToken: owner))
        {
            await ParkingHost.Expect(shared, HttpStatusCode.OK);
        }

        var area = _host.Grains.ChargingArea(compoundId, "CA-G1");
        var submitted = await area.Submit("pg-driver", new ChargingRequestDraft("沪A12345", 7, new Parking.Domain.TimeWindow(_host.Now, _host.Now.AddHours(8)), true));
        Assert.True(submitted.IsSuccess, submitted.Error?.Message);
        var request = (await area.WhenPlanned())!.Requests.Single(r => r.Id == submitted.Value!.Id);
        var turnCharger = Assert.IsType<string>(request.Turn?.ChargerId);

        // The next file drops the shared space and the charger of the turn.
        var areaEntry = v1.ChargingAreas[0];
        var v2 = v1 with
        {
            Spaces = [.. v1.Spaces.Where(s => s.Id != owned.Id)],
            ChargingAreas = [areaEntry with { Chargers = [.. areaEntry.Chargers.Where(c => c.Id != turnCharger)] }],
        };
        var check = CompoundFileCheck.Run(CompoundFileReader.Write(v2));
        Assert.True(check.IsValid, string.Join("; ", check.Problems));
        var importer = _host.Factory.Services.GetRequiredService<CompoundImporter>();
        var preview = await importer.Preview(check.Layout!);

        var effect = Assert.Single(preview.ChargingRequests);
        Assert.Equal((request.Id, turnCharger, "CA-G1"), (effect.RequestId, effect.ChargerId, effect.AreaId));
        Assert.Contains("back to waiting", effect.Effect, StringComparison.Ordinal);
        var plan = Assert.Single(preview.SharingPlans);
        Assert.Equal((owned.Id, owned.OwnerHouseholdId), (plan.SpaceId, plan.OwnerHouseholdId));
        Assert.Contains("withdrawn", plan.Effect, StringComparison.Ordinal);

        // Applying ends the plan on the removed space and moves the request off the removed charger.
        Assert.True((await importer.Apply(check.Layout!, preview.LiveVersion)).IsSuccess);
        Assert.Null((await _host.Grains.Space(compoundId, owned.Id).GetSharing()).Value?.Plan);
        var after = (await area.WhenPlanned())!.Requests.Single(r => r.Id == request.Id);
        Assert.NotEqual(turnCharger, after.Turn?.ChargerId);
        Assert.True(after.IsActive);
    }
}
