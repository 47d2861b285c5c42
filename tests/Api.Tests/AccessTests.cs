using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Parking.Api.Auth;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>Who may do what: tokens, roles and compounds, over HTTP and on the hub.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class AccessTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task Occupancy_is_for_staff_only_and_counts_every_space()
    {
        foreach (var notStaff in new[] { "r00010", "committee01" })
        {
            using var refused = await _host.GetAsync(ParkingHost.CompoundPath("lots/G1/occupancy"), notStaff);
            await ProblemAssert.Expect(refused, HttpStatusCode.Forbidden);
        }

        var before = await _host.OccupancyAsync("G1", "staff02");
        Assert.Equal(ParkingHost.Compound, before.CompoundId);
        Assert.Equal("G1", before.LotId);
        Assert.Equal(28, before.Spaces.Count);
        Assert.Equal(["free", "occupied", "outOfService", "reserved"], before.Counts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(28, before.Counts.Values.Sum());
        Assert.Equal("free", Assert.Single(before.Spaces, s => s.SpaceId == "G1-016").Status.WireName());

        // A window running now makes the space "reserved" at once.
        await _host.ReserveOkAsync("r00010", "G1-016", _host.Now, _host.Now.AddHours(1));
        var after = await _host.OccupancyAsync("G1", "staff02");
        Assert.Equal("reserved", Assert.Single(after.Spaces, s => s.SpaceId == "G1-016").Status.WireName());
        Assert.Equal(before.Counts["reserved"] + 1, after.Counts["reserved"]);
        Assert.Equal(before.Counts["free"] - 1, after.Counts["free"]);
        Assert.True(after.Sequence > before.Sequence);

        var t1 = await _host.OccupancyAsync("T1", "staff02");
        Assert.Equal(12, t1.Spaces.Count);
    }

    [Fact]
    public async Task Staff_may_not_reserve_as_a_resident()
    {
        var start = _host.Now.AddHours(9);

        using var response = await _host.ReserveAsync("staff02", "G1-018", start, start.AddHours(1));

        await ProblemAssert.Expect(response, HttpStatusCode.Forbidden);
        Assert.Empty((await _host.SpaceAsync("G1-018")).Held);
    }

    [Fact]
    public async Task Token_of_another_compound_gets_403_on_routes_and_on_WatchLot()
    {
        var start = _host.Now.AddHours(9);
        var outsider = MintToken("r00001", Roles.Resident, "other-compound");
        var outsiderStaff = MintToken("staff01", Roles.Staff, "other-compound");

        using (var mine = await _host.SendAsync(HttpMethod.Get, ParkingHost.CompoundPath("reservations/mine"), null, bearerToken: outsider))
        {
            await ProblemAssert.Expect(mine, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var reserve = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("reservations"), null, new ReserveRequest("G1-017", start, start.AddHours(1), null), bearerToken: outsider))
        {
            await ProblemAssert.Expect(reserve, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var search = await _host.SendAsync(HttpMethod.Get, ParkingHost.CompoundPath($"availability?start={ParkingHost.Q(start)}&end={ParkingHost.Q(start.AddHours(1))}"), null, bearerToken: outsider))
        {
            await ProblemAssert.Expect(search, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var occupancy = await _host.SendAsync(HttpMethod.Get, ParkingHost.CompoundPath("lots/G1/occupancy"), null, bearerToken: outsiderStaff))
        {
            await ProblemAssert.Expect(occupancy, HttpStatusCode.Forbidden, "forbidden");
        }

        await using (var hub = await _host.ConnectHubWithTokenAsync(Task.FromResult(outsider)))
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => hub.WatchLotAsync("G1"));
            Assert.Contains("Forbidden", refused.Message, StringComparison.Ordinal);
        }

        Assert.Empty((await _host.SpaceAsync("G1-017")).Held);
        Assert.DoesNotContain(await _host.MineAsync("r00001"), r => r.SpaceId == "G1-017");

        // The same kind of token for this compound is accepted: it is the compound that is refused.
        var insider = MintToken("r00013", Roles.Resident, ParkingHost.Compound);
        using var accepted = await _host.SendAsync(HttpMethod.Get, ParkingHost.CompoundPath("reservations/mine"), null, bearerToken: insider);
        await ParkingHost.Expect(accepted, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("GET", "reservations/mine")]
    [InlineData("POST", "reservations")]
    [InlineData("GET", "lots")]
    [InlineData("GET", "lots/G1/occupancy")]
    [InlineData("POST", "reservations/G1-001.0123456789abcdef0123456789abcdef/cancel")]
    public async Task Without_a_valid_token_routes_answer_401(string method, string path)
    {
        var start = _host.Now.AddHours(9);
        var body = method == "POST" ? new ReserveRequest("G1-019", start, start.AddHours(1), null) : null;

        using var anonymous = await _host.SendAsync(new HttpMethod(method), ParkingHost.CompoundPath(path), null, body);
        await ProblemAssert.Expect(anonymous, HttpStatusCode.Unauthorized);

        var forged = MintToken("r00014", Roles.Resident, ParkingHost.Compound, key: new SymmetricSecurityKey(new byte[32]));
        using var forgedResponse = await _host.SendAsync(new HttpMethod(method), ParkingHost.CompoundPath(path), null, body, bearerToken: forged);
        await ProblemAssert.Expect(forgedResponse, HttpStatusCode.Unauthorized);

        Assert.Empty((await _host.SpaceAsync("G1-019")).Held);
    }

    [Fact]
    public async Task Hub_refuses_a_connection_without_a_token()
    {
        await using var connection = HubClient.Build(_host.Factory.BaseAddress, token: null);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_silo_checks_bearer_tokens_through_its_cache()
    {
        await _host.MineAsync("r00002");

        var jwt = _host.Factory.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        Assert.NotEmpty(jwt.TokenHandlers);
        Assert.All(jwt.TokenHandlers, handler => Assert.IsType<ValidatedTokenCache>(handler));
        Assert.Contains(jwt.TokenHandlers, handler => ((ValidatedTokenCache)handler).Count > 0);
    }

    /// <summary>A token signed like the silo's own (same key, issuer and audience) with the claims the API reads.</summary>
    private string MintToken(string userId, string role, string compoundId, SecurityKey? key = null)
    {
        var realNow = DateTime.UtcNow;
        var fakeNow = _host.Now.UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "parking-silo",
            Audience = "parking",
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, userId),
                new Claim("role", role),
                new Claim(ParkingClaims.Compound, compoundId),
            ]),

            // Valid by both the real and the test clock, whichever the validator reads.
            NotBefore = (fakeNow < realNow ? fakeNow : realNow).AddMinutes(-5),
            IssuedAt = (fakeNow < realNow ? fakeNow : realNow).AddMinutes(-5),
            Expires = (fakeNow > realNow ? fakeNow : realNow).AddHours(1),
            SigningCredentials = new SigningCredentials(
                key ?? new SymmetricSecurityKey(Convert.FromBase64String(ParkingAppFactory.SigningKey)),
                SecurityAlgorithms.HmacSha256),
        });
    }
}
