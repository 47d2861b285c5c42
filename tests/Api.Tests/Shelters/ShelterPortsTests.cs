using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Shelters;

/// <summary>What the web app needs to let a driver pick a port, and to show times in the compound's local time.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class ShelterPortsTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task A_driver_sees_which_ports_are_free_but_not_who_charges()
    {
        using var started = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("shelters/E01/sessions"), "r00031", new StartShelterSessionRequest("E01-P10", "红色"));
        await ParkingHost.Expect(started, HttpStatusCode.Created);
        var session = (await started.Content.ReadFromJsonAsync<ShelterSessionDto>(ParkingHost.Json))!;
        try
        {
            using var response = await _host.GetAsync(ParkingHost.CompoundPath("shelters/E01/ports"), "r00032");
            await ParkingHost.Expect(response, HttpStatusCode.OK);
            var raw = await response.Content.ReadAsStringAsync();
            var ports = (await response.Content.ReadFromJsonAsync<ShelterPortsDto>(ParkingHost.Json))!;

            Assert.Equal("E01", ports.ShelterId);
            Assert.False(ports.Alarm);
            Assert.Equal(10, ports.Ports.Count);
            Assert.Equal("charging", Assert.Single(ports.Ports, p => p.PortId == "E01-P10").Status.WireName());
            Assert.Contains(ports.Ports, p => p.Status.WireName() == "free");
            Assert.InRange(ports.AllowanceWPerPort, 1, ports.PowerLimitKw * 1000);
            Assert.DoesNotContain("r00031", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("红色", raw, StringComparison.Ordinal);
        }
        finally
        {
            using var stop = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath($"shelters/E01/sessions/{session.SessionId}/stop"), "r00031");
            await ParkingHost.Expect(stop, HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task An_unknown_shelters_ports_are_a_404_problem()
    {
        using var response = await _host.GetAsync(ParkingHost.CompoundPath("shelters/E99/ports"), "r00032");
        await ProblemAssert.Expect(response, HttpStatusCode.NotFound, "shelter-not-found");
    }

    [Fact]
    public async Task The_compound_info_gives_its_local_time_offset_and_currency()
    {
        var info = await _host.GetOkAsync<CompoundInfoDto>(ParkingHost.CompoundPath("info"), "r00032");
        Assert.Equal(new CompoundInfoDto(ParkingHost.Compound, "+08:00", 480, "CNY"), info);
    }
}
