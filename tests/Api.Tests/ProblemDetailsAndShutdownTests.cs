using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parking.Api.Hubs;
using Parking.Api.Tests.Infrastructure;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// Errors the framework answers before our endpoints run (a body that does not bind, no token, a role
/// policy) still get problem details with a code. Each of these once failed.
/// </summary>
[Collection(SharedHostCollection.Name)]
public sealed class FrameworkProblemDetailsTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    /// <summary>
    /// A body that is not JSON, or a value of the wrong type, fails binding before the endpoint runs.
    /// It once got 400 without a code in Production (written by UseStatusCodePages) and 500 in Development.
    /// </summary>
    [Theory]
    [InlineData("""{"spaceId": "G1-004", "start": """, null)]
    [InlineData("""{"spaceId": "G1-004", "start": "next tuesday", "end": "2030-01-01T10:00:00+08:00"}""", "start")]
    [InlineData("""{"spaceId": 4, "start": "2030-01-01T09:00:00+08:00", "end": "2030-01-01T10:00:00+08:00"}""", "spaceId")]
    [InlineData("""[1, 2]""", "body")]
    public async Task Malformed_body_gets_400_problem_details_with_a_code(string json, string? field)
    {
        var spaceBefore = await _host.SpaceAsync("G1-004");

        using var response = await _host.SendAsync(
            HttpMethod.Post, ParkingHost.CompoundPath("reservations"), "r00005", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.Expect(response, HttpStatusCode.BadRequest, field: field);
        Assert.Equal(spaceBefore.Version, (await _host.SpaceAsync("G1-004")).Version);
        Assert.Empty(await _host.MineAsync("r00005"));
    }

    /// <summary>
    /// 401 from the JWT challenge and 403 from role policies were once written by UseStatusCodePages as
    /// problem details with type and status but without the <c>code</c> every error body carries.
    /// </summary>
    [Theory]
    [InlineData(null, "GET", "reservations/mine", 401)]
    [InlineData("r00010", "GET", "lots/G1/occupancy", 403)]
    [InlineData("staff02", "POST", "reservations", 403)]
    public async Task Refusals_by_authentication_and_role_policies_carry_a_code(string? user, string method, string path, int status)
    {
        var start = _host.Now.AddHours(9);
        var body = method == "POST" ? new Contracts.ReserveRequest("G1-018", start, start.AddHours(1), null) : null;

        using var response = await _host.SendAsync(new HttpMethod(method), ParkingHost.CompoundPath(path), user, body);

        await ProblemAssert.Expect(response, (HttpStatusCode)status);
        Assert.Empty((await _host.SpaceAsync("G1-018")).Held);
    }
}

[CollectionDefinition(Name)]
public sealed class OwnHostCollection
{
    public const string Name = "A host of its own";
}

[Collection(OwnHostCollection.Name)]
public sealed class HostShutdownTests
{
    /// <summary>
    /// The generic host may stop its hosted services more than once: under WebApplicationFactory the
    /// factory's DisposeAsync and the Program's <c>app.Run()</c> both call StopAsync, concurrently.
    /// HubObserverRegistration.StopAsync once kept <c>_reference</c> after deleting it, so the second
    /// call's DeleteObjectReference threw ArgumentException ("Reference is not associated with a local
    /// object") and failed the host's shutdown.
    /// </summary>
    [Fact]
    public async Task Hub_observer_registration_may_be_stopped_twice()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var registration = host.Factory.Services.GetServices<IHostedService>().OfType<HubObserverRegistration>().Single();

        await registration.StopAsync(CancellationToken.None);
        var second = await Record.ExceptionAsync(() => registration.StopAsync(CancellationToken.None));

        Assert.True(second is null, $"A second StopAsync threw: {second}");
    }
}
