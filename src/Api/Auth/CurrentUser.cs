using System.Security.Claims;

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

    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        var userId = principal.FindFirstValue(NameClaim);
        var compoundId = principal.FindFirstValue(ParkingClaims.Compound);
        var role = principal.FindFirstValue(RoleClaim);
        return userId is null || compoundId is null || role is null
            ? null
            : new CurrentUser(userId, compoundId, role, principal.FindFirstValue(ParkingClaims.Building))
            {
                HouseholdId = principal.FindFirstValue(ParkingClaims.Household),
            };
    }
}
