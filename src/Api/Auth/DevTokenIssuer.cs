using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Parking.Api.Auth;

/// <summary>Signs tokens for known users of a compound; used by the dev-only token endpoint and by tests.</summary>
public sealed class DevTokenIssuer(SigningKeys keys, IOptions<ParkingAuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(CompoundUser user)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
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
