using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Grains.Membership;

namespace Parking.Api.Auth;

/// <summary>
/// Rights come from Parking, not from the identity issuer: a token that says only who someone is (<c>sub</c>)
/// gets the role, compound and household stored in that person's membership, for the compound the request names
/// (the route's <c>compoundId</c>, else the <c>X-Parking-Compound</c> header, else their only compound). With an
/// external issuer, any role or compound claims in its tokens are dropped: only the stored rights count.
/// The silo's own tokens (the dev sign-in) already carry the membership they were issued for.
/// </summary>
public sealed class MembershipClaimsTransformation(
    IGrainFactory grains,
    IHttpContextAccessor http,
    IOptions<ParkingAuthOptions> options) : IClaimsTransformation
{
    public const string CompoundHeader = "X-Parking-Compound";

    private const string Marker = "parking-membership";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity is not { IsAuthenticated: true }
            || principal.FindFirstValue(CurrentUser.NameClaim) is not { } subject
            || principal.HasClaim(c => c.Type == Marker))
        {
            return principal;
        }

        var external = options.Value.UsesExternalIssuer;
        if (!external && principal.HasClaim(c => c.Type == ParkingClaims.Compound))
        {
            return principal;
        }

        var context = http.HttpContext;
        var requested = context?.GetRouteValue("compoundId") as string
            ?? (context?.Request.Headers[CompoundHeader] is { Count: > 0 } header ? header.ToString() : null);
        var record = await grains.Member(subject).Get();
        var membership = await grains.MembershipIn(record, requested);

        var identity = new ClaimsIdentity(Marker, CurrentUser.NameClaim, CurrentUser.RoleClaim);
        identity.AddClaims(principal.Claims
            .Where(c => c.Type is not (CurrentUser.RoleClaim or ParkingClaims.Compound or ParkingClaims.Building or ParkingClaims.Household))
            .Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer)));
        identity.AddClaim(new Claim(Marker, "1"));
        if (membership.Value is { } m)
        {
            identity.AddClaim(new Claim(CurrentUser.RoleClaim, m.Role.Wire()));
            identity.AddClaim(new Claim(ParkingClaims.Compound, m.CompoundId));
            if (m.BuildingId is not null)
            {
                identity.AddClaim(new Claim(ParkingClaims.Building, m.BuildingId));
            }

            if (m.HouseholdId is not null)
            {
                identity.AddClaim(new Claim(ParkingClaims.Household, m.HouseholdId));
            }
        }

        return new ClaimsPrincipal(identity);
    }
}
