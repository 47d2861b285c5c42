using Microsoft.AspNetCore.Http;
using Parking.Api.Auth;

namespace Parking.Api.Endpoints;

/// <summary>
/// Every route under <c>/api/compounds/{compoundId}</c> belongs to one compound: a token of another
/// compound gets 403, whatever its role. Staff act on their own compound only; the sub-district operator may
/// enter any compound of their own sub-district (and no other), where the routes' own policies decide what they
/// may do (the people routes, for one).
/// </summary>
public sealed class CompoundAccessFilter(IGrainFactory grains) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = CurrentUser.From(context.HttpContext.User);
        var compoundId = context.HttpContext.Request.RouteValues["compoundId"] as string;
        if (user is null)
        {
            return Problems.Forbidden("The token does not name a user and a compound.");
        }

        // The sub-district operator watches every compound of their sub-district: they act in the one the route names.
        if (user.Role == Roles.Operator && compoundId is not null && !string.Equals(user.CompoundId, compoundId, StringComparison.Ordinal))
        {
            if (!await grains.OperatorMayEnter(user.CompoundId, compoundId))
            {
                return Problems.Forbidden($"Compound '{compoundId}' is not in your sub-district.");
            }

            user = user with { CompoundId = compoundId, BuildingId = null, HouseholdId = null };
        }

        if (!string.Equals(user.CompoundId, compoundId, StringComparison.Ordinal))
        {
            return Problems.Forbidden($"You belong to compound '{user.CompoundId}', not '{compoundId}'.");
        }

        context.HttpContext.Items[typeof(CurrentUser)] = user;
        return await next(context);
    }
}

public static class HttpContextUserExtensions
{
    /// <summary>The user checked by <see cref="CompoundAccessFilter"/> for this request.</summary>
    public static CurrentUser CurrentUser(this HttpContext context) =>
        context.Items[typeof(CurrentUser)] as CurrentUser
        ?? throw new InvalidOperationException("The compound access filter did not run for this endpoint.");
}
