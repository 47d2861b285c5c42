using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace Parking.Api.Auth;

/// <summary>The signed-in user as the API needs them, read from the token's claims.</summary>
public sealed record CurrentUser(string UserId, string CompoundId, string Role, string? BuildingId)
{
    /// <summary>The resident's household (the <c>household</c> claim): it owns private spaces and holds credits.</summary>
    public string? HouseholdId { get; init; }

    public const string RoleClaim = "role";
    public const string NameClaim = "sub";

    public bool IsStaff => Role == Roles.Staff;

    public Actor Actor => new(UserId, IsStaff);

    /// <remarks>
    /// Every request reads its user here (the compound access filter, then the endpoint), so the five claims are found
    /// in one pass over each identity's claims: asking for each by type walked the claims five times, and each ask of
    /// the token handler's identity allocated a predicate and an enumerator. The result is the one asking each by type
    /// gives: the first identity holding a claim of that type, its first such claim, compared as that identity compares
    /// claim types (exactly for the token handler's case-sensitive identity, ignoring case for a plain one); an identity
    /// of any other kind is asked by type, as before.
    /// </remarks>
    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string? userId = null, compoundId = null, role = null, buildingId = null, householdId = null;
        foreach (var identity in principal.Identities)
        {
            if (identity is null)
            {
                continue;
            }

            var type = identity.GetType();
            if (type != typeof(ClaimsIdentity) && type != typeof(CaseSensitiveClaimsIdentity))
            {
                userId ??= identity.FindFirst(NameClaim)?.Value;
                compoundId ??= identity.FindFirst(ParkingClaims.Compound)?.Value;
                role ??= identity.FindFirst(RoleClaim)?.Value;
                buildingId ??= identity.FindFirst(ParkingClaims.Building)?.Value;
                householdId ??= identity.FindFirst(ParkingClaims.Household)?.Value;
                continue;
            }

            // The first claim of each type wins, an earlier identity's before this one's.
            var comparison = type == typeof(CaseSensitiveClaimsIdentity) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            foreach (var claim in identity.Claims)
            {
                if (claim is null)
                {
                    continue;
                }

                if (string.Equals(claim.Type, NameClaim, comparison))
                {
                    userId ??= claim.Value;
                }
                else if (string.Equals(claim.Type, ParkingClaims.Compound, comparison))
                {
                    compoundId ??= claim.Value;
                }
                else if (string.Equals(claim.Type, RoleClaim, comparison))
                {
                    role ??= claim.Value;
                }
                else if (string.Equals(claim.Type, ParkingClaims.Building, comparison))
                {
                    buildingId ??= claim.Value;
                }
                else if (string.Equals(claim.Type, ParkingClaims.Household, comparison))
                {
                    householdId ??= claim.Value;
                }
            }
        }

        return userId is null || compoundId is null || role is null
            ? null
            : new CurrentUser(userId, compoundId, role, buildingId) { HouseholdId = householdId };
    }
}
