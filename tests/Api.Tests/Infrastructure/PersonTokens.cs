using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// Calls made as a person whose token says only who they are (<c>sub</c>), as an outside OpenID Connect issuer's
/// would: their rights come from what Parking stores for them, not from claims.
/// </summary>
public static class PersonTokens
{
    /// <summary>A token with only <c>sub</c>, signed like the silo's own on the real clock (valid for an hour), so a test can move the host's fake clock by weeks.</summary>
    public static string SubOnly(string subject)
    {
        var key = new SymmetricSecurityKey(Convert.FromBase64String(ParkingAppFactory.SigningKey));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "parking-silo",
            Audience = "parking",
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Sends as <paramref name="person"/> with a <c>sub</c>-only token (waiting out a 429 as <see cref="ParkingHost.SendAsync"/> does).</summary>
    public static Task<HttpResponseMessage> SendAsPersonAsync(this ParkingHost host, HttpMethod method, string path, string person, object? body = null) =>
        host.SendAsync(method, path, userId: null, body: body, bearerToken: SubOnly(person));

    /// <summary>Sends as <paramref name="person"/>, expects <paramref name="status"/> and reads the body.</summary>
    public static async Task<T> OkAsPersonAsync<T>(this ParkingHost host, HttpMethod method, string path, string person, object? body = null, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await host.SendAsPersonAsync(method, path, person, body);
        await ParkingHost.Expect(response, status);
        return (await response.Content.ReadFromJsonAsync<T>(ParkingHost.Json))!;
    }
}
