namespace Parking.Contracts;

/// <summary>
/// Body of <c>POST /api/dev/token</c> (embedded default only). <paramref name="Newcomer"/>: a token for someone Parking
/// does not know yet, saying only who they are (<c>sub</c>), as an outside issuer's would: to redeem an invite or ask
/// to join a household.
/// </summary>
public sealed record DevTokenRequest(string? CompoundId, string? UserId, bool Newcomer = false);

public sealed record DevTokenResponse(string AccessToken, DateTimeOffset ExpiresAt, UserDto User);

public sealed record UserDto(string CompoundId, string UserId, string DisplayName, string Role, string? HouseholdId, string? BuildingId, IReadOnlyList<string> Plates);

/// <summary>Role names as they appear in tokens.</summary>
public static class Roles
{
    public const string Resident = "resident";
    public const string Staff = "staff";
    public const string Committee = "committee";

    /// <summary>A sub-district operator: imports compounds and sees all of them.</summary>
    public const string Operator = "operator";
}

/// <summary>Claim types the API reads from a token.</summary>
public static class ParkingClaims
{
    public const string Compound = "compound";
    public const string Building = "building";
    public const string Household = "household";
}
