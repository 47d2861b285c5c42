namespace Parking.Api.Auth;

/// <summary>
/// Authentication settings (<c>Parking:Auth</c>). With an <see cref="Authority"/>, tokens come from that
/// external issuer. Without one, the silo signs its own tokens with <see cref="SigningKey"/> and, when
/// <see cref="DevTokens"/> is on, hands them out for the seeded demo users.
/// </summary>
public sealed class ParkingAuthOptions
{
    public const string SectionName = "Parking:Auth";

    /// <summary>An external OpenID Connect issuer (its metadata supplies the signing keys).</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = "parking";

    public string Issuer { get; set; } = "parking-silo";

    /// <summary>Base64 HMAC-SHA256 key (at least 32 bytes) for self-issued tokens; random per process when empty.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Serve <c>POST /api/dev/token</c> for demo users. Never on with an external authority.</summary>
    public bool DevTokens { get; set; } = true;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How many checked bearer tokens are kept, so the same token is not checked again on every request (until it
    /// expires, at most 5 minutes: <see cref="ValidatedTokenCache"/>); 0 checks every request.
    /// </summary>
    public int ValidatedTokenCache { get; set; } = 10_000;

    public bool UsesExternalIssuer => !string.IsNullOrWhiteSpace(Authority);
}
