using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Parking.Api.Auth;

/// <summary>Signs tokens for known users of a compound; used by the dev-only token endpoint and by tests.</summary>
public sealed class DevTokenIssuer(SigningKeys keys, IOptions<ParkingAuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A token that says only who the person is, as an outside issuer's: their rights come from their stored membership.</summary>
    public (string Token, DateTimeOffset ExpiresAt) IssueSubjectOnly(string userId) =>
        Sign([new(JwtRegisteredClaimNames.Sub, userId), new(JwtRegisteredClaimNames.Name, userId)]);

    public (string Token, DateTimeOffset ExpiresAt) Issue(CompoundUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.UserId),
            new(JwtRegisteredClaimNames.Name, user.DisplayName),
            new(CurrentUser.RoleClaim, user.Role.Wire()),
            new(ParkingClaims.Compound, user.CompoundId),
        };
        if (user.BuildingId is not null)
        {
            claims.Add(new Claim(ParkingClaims.Building, user.BuildingId));
        }

        if (user.HouseholdId is not null)
        {
            claims.Add(new Claim(ParkingClaims.Household, user.HouseholdId));
        }

        return Sign(claims);
    }

    private (string Token, DateTimeOffset ExpiresAt) Sign(List<Claim> claims)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
