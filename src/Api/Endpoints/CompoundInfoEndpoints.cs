using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Sharing;

namespace Parking.Api.Endpoints;

public static class CompoundInfoEndpoints
{
    /// <summary>Money on the platform (charging cost) is in Chinese yuan.</summary>
    public const string Currency = "CNY";

    public static RouteGroupBuilder MapCompoundInfoEndpoints(this RouteGroupBuilder compound)
    {
        compound.MapGet("/info", Info)
            .WithTags("Compounds")
            .WithSummary("The compound's local time (UTC offset) and currency, for clients showing times and money");
        return compound;
    }

    public static Ok<CompoundInfoDto> Info(string compoundId, IOptions<SharingPolicy> policy)
    {
        var offset = policy.Value.UtcOffset;
        var text = (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return TypedResults.Ok(new CompoundInfoDto(compoundId, text, (int)offset.TotalMinutes, Currency));
    }
}
