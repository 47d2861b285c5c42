using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using Parking.Api.Auth;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The user every request reads from its token's claims: found as asking for each claim by type finds it, in one pass
/// and without an allocation per claim asked for.
/// </summary>
public sealed class CurrentUserTests
{
    /// <summary>The claims of a resident's token as the token handler gives them (its identity compares types exactly).</summary>
    private static ClaimsPrincipal ResidentToken() => new(new CaseSensitiveClaimsIdentity(
        [
            new Claim("iss", "parking-silo"),
            new Claim("aud", "parking"),
            new Claim(CurrentUser.NameClaim, "r00042"),
            new Claim(ParkingClaims.Compound, "chengshangcheng"),
            new Claim(CurrentUser.RoleClaim, "resident"),
            new Claim(ParkingClaims.Building, "B07"),
            new Claim(ParkingClaims.Household, "h0131"),
            new Claim("jti", "5f1c2d"),
            new Claim("nbf", "1765000000"),
            new Claim("exp", "1765003600"),
            new Claim("iat", "1765000000"),
        ],
        "AuthenticationTypes.Federation",
        CurrentUser.NameClaim,
        CurrentUser.RoleClaim));

    [Fact]
    public void A_residents_token_gives_its_user_compound_role_building_and_household()
    {
        var user = CurrentUser.From(ResidentToken());

        Assert.Equal(new CurrentUser("r00042", "chengshangcheng", "resident", "B07") { HouseholdId = "h0131" }, user);
    }

    [Fact]
    public void Reading_the_user_allocates_the_user_and_little_else()
    {
        var principal = ResidentToken();
        CurrentUser.From(principal);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var user = CurrentUser.From(principal);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The user itself (about 60 bytes) and an enumerator over the identities and one over the claims; asking the
        // token handler's identity for each of the five claims by type allocated a predicate, its closure and two
        // enumerators each.
        Assert.NotNull(user);
        Assert.True(allocated <= 200, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Each_claim_comes_from_the_first_identity_that_has_it_as_asking_by_type_finds_it()
    {
        var principal = new ClaimsPrincipal(
        [
            // Exact types: "Role" is not "role" here.
            new CaseSensitiveClaimsIdentity([new Claim(CurrentUser.NameClaim, "r00001"), new Claim("Role", "staff"), new Claim(ParkingClaims.Compound, "first")]),

            // Types compared ignoring case, as a plain identity does: "ROLE" is "role"; its compound comes second.
            new ClaimsIdentity([new Claim(CurrentUser.NameClaim, "r99999"), new Claim("ROLE", "resident"), new Claim(ParkingClaims.Compound, "second"), new Claim("Household", "h0007"), new Claim("household", "h0008")]),
        ]);

        var user = CurrentUser.From(principal);

        Assert.Equal(principal.FindFirstValue(CurrentUser.NameClaim), user!.UserId);
        Assert.Equal(principal.FindFirstValue(CurrentUser.RoleClaim), user.Role);
        Assert.Equal(principal.FindFirstValue(ParkingClaims.Compound), user.CompoundId);
        Assert.Equal(principal.FindFirstValue(ParkingClaims.Household), user.HouseholdId);
        Assert.Null(user.BuildingId);
        Assert.Equal(new CurrentUser("r00001", "first", "resident", null) { HouseholdId = "h0007" }, user);
    }

    [Fact]
    public void An_identity_of_another_kind_is_asked_for_each_claim_by_type()
    {
        var principal = new ClaimsPrincipal(new PrefixedIdentity(
            [new Claim("x-sub", "r00003"), new Claim("x-compound", "chengshangcheng"), new Claim("x-role", "resident")]));

        Assert.Equal(new CurrentUser("r00003", "chengshangcheng", "resident", null), CurrentUser.From(principal));
    }

    [Fact]
    public void A_token_without_a_user_a_compound_or_a_role_gives_no_user()
    {
        Assert.Null(CurrentUser.From(new ClaimsPrincipal(new CaseSensitiveClaimsIdentity([new Claim(CurrentUser.NameClaim, "r00001"), new Claim(CurrentUser.RoleClaim, "resident")]))));
        Assert.Null(CurrentUser.From(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ParkingClaims.Compound, "c"), new Claim(CurrentUser.RoleClaim, "resident")]))));
        Assert.Null(CurrentUser.From(new ClaimsPrincipal()));
    }

    /// <summary>An identity that finds claims its own way (here: under an "x-" prefix).</summary>
    private sealed class PrefixedIdentity(IEnumerable<Claim> claims) : ClaimsIdentity(claims)
    {
        public override Claim? FindFirst(string type) => base.FindFirst("x-" + type);
    }
}
