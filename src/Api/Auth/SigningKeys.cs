using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Parking.Api.Auth;

/// <summary>The key self-issued tokens are signed and checked with (one per process unless configured).</summary>
public sealed class SigningKeys(IOptions<ParkingAuthOptions> options)
{
    public SymmetricSecurityKey Key { get; } = new(
        string.IsNullOrWhiteSpace(options.Value.SigningKey)
            ? RandomNumberGenerator.GetBytes(32)
            : Convert.FromBase64String(options.Value.SigningKey));
}
