using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Api.Auth;

namespace Parking.Api.Endpoints;

/// <summary>Sign-in for the embedded default: tokens for seeded demo users. Mapped only when Parking:Auth:DevTokens is on.</summary>
public static class DevEndpoints
{
    public static IEndpointRouteBuilder MapDevEndpoints(this IEndpointRouteBuilder app)
    {
        var dev = app.MapGroup("/api/dev").WithTags("Development sign-in").AllowAnonymous();
        dev.MapGet("/users", Users).WithSummary("Demo users to sign in as (a few per role)");
        dev.MapPost("/token", Token).WithSummary("A token for a demo user");
        return app;
    }

    public static async Task<Results<Ok<UserDto[]>, ProblemHttpResult>> Users(string? compoundId, string? role, int? limit, IGrainFactory grains, DemoCompoundInfo demo)
    {
        UserRole? userRole = null;
        if (role is not null)
        {
            if (!Enum.TryParse<UserRole>(role, ignoreCase: true, out var parsed) || int.TryParse(role, out _))
            {
                return Problems.Invalid("role", "role is one of resident, staff, committee, operator.");
            }

            userRole = parsed;
        }

        var compound = grains.Compound(compoundId ?? demo.CompoundId);
        var users = await compound.GetUsers(userRole, Math.Clamp(limit ?? 10, 1, 100));
        return TypedResults.Ok(users.Select(u => u.ToDto()).ToArray());
    }

    public static async Task<Results<Ok<DevTokenResponse>, ProblemHttpResult>> Token(DevTokenRequest? request, IGrainFactory grains, DevTokenIssuer issuer, DemoCompoundInfo demo)
    {
        if (string.IsNullOrWhiteSpace(request?.UserId))
        {
            return Problems.Invalid("userId", "userId is required: one of GET /api/dev/users.");
        }

        if (request.Newcomer)
        {
            var person = Parking.Domain.Membership.PeopleRules.PersonId(request.UserId);
            if (person.Error is { } bad)
            {
                return Problems.Invalid("userId", bad.Message);
            }

            var (subjectToken, subjectExpires) = issuer.IssueSubjectOnly(person.Value!);
            return TypedResults.Ok(new DevTokenResponse(subjectToken, subjectExpires, new UserDto(string.Empty, person.Value!, person.Value!, string.Empty, null, null, [])));
        }

        var compoundId = request.CompoundId ?? demo.CompoundId;
        var user = await grains.Compound(compoundId).GetUser(request.UserId);

        // People who joined by invite or request are not in the compound file: their stored membership counts. An
        // operator gets a token for a compound of their own sub-district only.
        if (user is null)
        {
            var record = await grains.Member(request.UserId).Get();
            var stored = await grains.MembershipIn(record, compoundId);
            if (stored.Error is { Kind: ErrorKind.Forbidden } refused && record.Memberships.Any(m => m.Role == UserRole.Operator))
            {
                return Problems.From(refused);
            }

            if (stored.Value is { } m)
            {
                user = new CompoundUser(m.CompoundId, request.UserId, m.DisplayName, m.Role, m.HouseholdId, m.BuildingId, []);
            }
        }

        if (user is null)
        {
            return Problems.From(DomainError.NotFound("user-not-found", $"No user '{request.UserId}' in that compound."));
        }

        var (token, expiresAt) = issuer.Issue(user);
        return TypedResults.Ok(new DevTokenResponse(token, expiresAt, user.ToDto()));
    }
}

/// <summary>
/// Which compound the demo users belong to when a request does not say, and whether this host seeds it
/// (then the host is ready only once its layout is loaded).
/// </summary>
public sealed record DemoCompoundInfo(string CompoundId, bool Seeded = true);
