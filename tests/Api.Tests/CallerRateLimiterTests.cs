using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The caller's budget as a token bucket per user (or per address when not signed in), refilled from the time elapsed
/// when asked, on the endpoints marked for it; buckets that are full again are forgotten. Time is a fake clock.
/// </summary>
public sealed class CallerRateLimiterTests
{
    private static readonly RequestLimitOptions Limits = new() { UserRequestsPerSecond = 4, UserBurst = 10, AnonymousRequestsPerSecond = 1, AnonymousBurst = 2 };

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_user_spends_their_burst_then_waits_for_the_refill_and_another_user_is_counted_apart()
    {
        using var limiter = new CallerRateLimiter(Limits, _time);
        var first = Request("r1");

        Assert.All(Enumerable.Range(0, 10), _ => Assert.True(Take(limiter, first).IsAcquired));
        using var refused = Take(limiter, first);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(0.25), wait);

        Assert.True(Take(limiter, Request("r2")).IsAcquired);

        // A second refills 4 tokens: 4 more, not 5.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.All(Enumerable.Range(0, 4), _ => Assert.True(Take(limiter, first).IsAcquired));
        Assert.False(Take(limiter, first).IsAcquired);
    }

    [Fact]
    public void Anyone_not_signed_in_is_counted_by_address_and_an_endpoint_without_the_mark_is_not_counted()
    {
        using var limiter = new CallerRateLimiter(Limits, _time);
        var anonymous = Request(null, IPAddress.Parse("192.0.2.7"));
        Assert.True(Take(limiter, anonymous).IsAcquired);
        Assert.True(Take(limiter, anonymous).IsAcquired);
        Assert.False(Take(limiter, anonymous).IsAcquired);
        Assert.True(Take(limiter, Request(null, IPAddress.Parse("192.0.2.8"))).IsAcquired);

        var unmarked = Request("r1", limited: false);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(Take(limiter, unmarked).IsAcquired));
        Assert.Equal(2, limiter.Callers);
    }

    [Fact]
    public void Buckets_full_again_are_forgotten_and_a_spent_one_is_kept()
    {
        using var limiter = new CallerRateLimiter(Limits, _time);
        foreach (var user in Enumerable.Range(0, 100).Select(i => $"r{i}"))
        {
            Assert.True(Take(limiter, Request(user)).IsAcquired);
        }

        Assert.Equal(100, limiter.Callers);

        // Just before a sweep is due one caller spends their whole burst; when it is due, their bucket is not full
        // again (4 tokens back in a second) and is kept, the other hundred are full and forgotten (the caller whose
        // request runs the sweep gets a new one).
        var spender = Request("spender");
        _time.Advance(CallerRateLimiter.SweepEvery - TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(Take(limiter, spender).IsAcquired);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Take(limiter, Request("r0")).IsAcquired);
        Assert.Equal(2, limiter.Callers);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(Take(limiter, spender).IsAcquired);
        }

        Assert.False(Take(limiter, spender).IsAcquired);
    }

    private static RateLimitLease Take(CallerRateLimiter limiter, HttpContext context) => limiter.AttemptAcquire(context);

    private static DefaultHttpContext Request(string? userId, IPAddress? address = null, bool limited = true)
    {
        var context = new DefaultHttpContext();
        if (userId is not null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Auth.CurrentUser.NameClaim, userId)], "test"));
        }

        context.Connection.RemoteIpAddress = address ?? IPAddress.Loopback;
        context.SetEndpoint(new Endpoint(null, limited ? new EndpointMetadataCollection(CallerLimited.Instance) : EndpointMetadataCollection.Empty, "test"));
        return context;
    }
}
