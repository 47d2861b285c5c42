using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Parking.Api;

/// <summary>
/// What one caller may make the service do (<c>Parking:Limits</c>). A person is counted by their user id,
/// whichever host or connection they come through; a device by its own id; anyone not signed in by address.
/// The defaults are far above what a person tapping a phone does, so only a runaway script meets them.
/// </summary>
public sealed class RequestLimitOptions
{
    public const string SectionName = "Parking:Limits";

    /// <summary>Requests a signed-in user may make per second, sustained.</summary>
    public int UserRequestsPerSecond { get; set; } = 20;

    /// <summary>Requests a signed-in user may make at once before the per-second rate applies.</summary>
    public int UserBurst { get; set; } = 100;

    /// <summary>Requests per second, and burst, of a caller that is not signed in (per remote address).</summary>
    public int AnonymousRequestsPerSecond { get; set; } = 5;

    public int AnonymousBurst { get; set; } = 30;

    /// <summary>Requests per second, and burst, of one device (a gate camera, say), for endpoints that use <see cref="RateLimits.DevicePolicy"/>.</summary>
    public int DeviceRequestsPerSecond { get; set; } = 20;

    public int DeviceBurst { get; set; } = 60;

    /// <summary>The largest request body the API reads; an endpoint that takes files sets its own.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Lots, shelters, charging areas and proposals one live connection may watch at once.</summary>
    public int MaxWatchesPerConnection { get; set; } = 64;
}

public static class RateLimits
{
    /// <summary>A policy for device endpoints: partitioned by the route value <c>deviceId</c>, else by address.</summary>
    public const string DevicePolicy = "device";

    public static IServiceCollection AddParkingRequestLimits(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<RequestLimitOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RequestLimitOptions>>((o, limits) =>
        {
            var l = limits.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = WriteProblemAsync;
            o.GlobalLimiter = new CallerRateLimiter(l, TimeProvider.System);
            o.AddPolicy(DevicePolicy, context => Bucket(
                context.Request.RouteValues.TryGetValue("deviceId", out var id) && id is string deviceId
                    ? "device:" + deviceId
                    : "address:" + context.Connection.RemoteIpAddress,
                l.DeviceRequestsPerSecond,
                l.DeviceBurst));
        });
        return services;
    }

    /// <summary>
    /// Every person-facing endpoint under <c>/api</c>: each signed-in user, and each address of anyone not signed in, has
    /// a budget of requests (<see cref="CallerRateLimiter"/>).
    /// </summary>
    public static TBuilder RequireCallerLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(CallerLimited.Instance);

    private static RateLimitPartition<string> Bucket(string key, int perSecond, int burst) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = Math.Max(1, perSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>429 as problem details, with <c>Retry-After</c> in whole seconds (at least one).</summary>
    private static async ValueTask WriteProblemAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = TypedResults.Problem(
            detail: string.Create(CultureInfo.InvariantCulture, $"Too many requests from this caller; try again in {seconds} s."),
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            type: Problems.TypeFor("rate-limited"),
            extensions: new Dictionary<string, object?> { ["code"] = "rate-limited", ["retryAfterSeconds"] = seconds });
        await problem.ExecuteAsync(http);
    }
}
