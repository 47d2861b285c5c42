using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Parking.Api;

/// <summary>
/// The per-caller budget of the person-facing endpoints (<see cref="RateLimits.RequireCallerLimit"/>): a token bucket per signed-in user (by user id) or, for
/// anyone not signed in, per remote address, on the endpoints that carry <see cref="CallerLimited"/>. ASP.NET Core's
/// rate limiting middleware runs it as its global limiter.
/// </summary>
/// <remarks>
/// Built here rather than as one partition per caller of a named policy: the middleware's partitioned limiter visits every
/// partition ten times a second to refill it, so with a compound's residents signed in that visit was the largest
/// self time of any method in the silo's profile under booking load, and it grows with the number of callers, not
/// with requests. A bucket here refills from the time elapsed when it is asked, and buckets that are full again
/// (nothing left to remember) are dropped by a sweep at most every <see cref="SweepEvery"/>. Measured beside the
/// library's limiter (<c>bench/Parking.Bench.Limits</c>, figures in docs/credits.md): as cheap per request, and without
/// the 7-15 ms of CPU a second the heartbeat takes at rest with 1,000-10,000 callers.
/// </remarks>
public sealed class CallerRateLimiter(RequestLimitOptions limits, TimeProvider time) : PartitionedRateLimiter<HttpContext>
{
    /// <summary>How often, at most, buckets that are full again are forgotten.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    private static readonly RateLimitLease Allowed = new Lease(true, null);

    private readonly ConcurrentDictionary<string, Bucket> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPAddress, Bucket> _addresses = new();
    private readonly Rate _user = new(limits.UserRequestsPerSecond, limits.UserBurst);
    private readonly Rate _anonymous = new(limits.AnonymousRequestsPerSecond, limits.AnonymousBurst);
    private long _nextSweep = time.GetTimestamp() + Ticks(time, SweepEvery);

    /// <summary>Buckets held now (callers seen lately whose budget is not full again).</summary>
    public int Callers => _users.Count + _addresses.Count;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => Acquire(resource, permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Acquire(resource, permitCount));

    private RateLimitLease Acquire(HttpContext context, int permits)
    {
        if (permits == 0 || context.GetEndpoint()?.Metadata.GetMetadata<CallerLimited>() is null)
        {
            return Allowed;
        }

        var now = time.GetTimestamp();
        SweepIfDue(now);
        Bucket bucket;
        Rate rate;
        if (context.User.FindFirstValue(Auth.CurrentUser.NameClaim) is { Length: > 0 } userId)
        {
            rate = _user;
            bucket = _users.GetOrAdd(userId, static (_, state) => new Bucket(state.Rate.Burst, state.Now), (Rate: rate, Now: now));
        }
        else
        {
            rate = _anonymous;
            bucket = _addresses.GetOrAdd(context.Connection.RemoteIpAddress ?? IPAddress.None, static (_, state) => new Bucket(state.Rate.Burst, state.Now), (Rate: rate, Now: now));
        }

        return bucket.TryTake(permits, rate, now, time.TimestampFrequency, out var wait) ? Allowed : new Lease(false, wait);
    }

    private void SweepIfDue(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + Ticks(time, SweepEvery), due) != due)
        {
            return;
        }

        foreach (var (key, bucket) in _users)
        {
            if (bucket.IsFull(_user, now, time.TimestampFrequency))
            {
                _users.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
            }
        }

        foreach (var (key, bucket) in _addresses)
        {
            if (bucket.IsFull(_anonymous, now, time.TimestampFrequency))
            {
                _addresses.TryRemove(new KeyValuePair<IPAddress, Bucket>(key, bucket));
            }
        }
    }

    private static long Ticks(TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed record Rate(int PerSecond, int Burst)
    {
        public int PerSecond { get; } = Math.Max(1, PerSecond);

        public int Burst { get; } = Math.Max(1, Burst);
    }

    /// <summary>Tokens left and when they were last counted; refilled at the caller's rate up to the burst when asked.</summary>
    private sealed class Bucket(int burst, long now)
    {
        private readonly Lock _lock = new();
        private double _tokens = burst;
        private long _counted = now;

        public bool TryTake(int permits, Rate rate, long now, long frequency, out TimeSpan wait)
        {
            lock (_lock)
            {
                Refill(rate, now, frequency);
                if (_tokens >= permits)
                {
                    _tokens -= permits;
                    wait = TimeSpan.Zero;
                    return true;
                }

                wait = TimeSpan.FromSeconds((permits - _tokens) / rate.PerSecond);
                return false;
            }
        }

        public bool IsFull(Rate rate, long now, long frequency)
        {
            lock (_lock)
            {
                Refill(rate, now, frequency);
                return _tokens >= rate.Burst;
            }
        }

        private void Refill(Rate rate, long now, long frequency)
        {
            if (now > _counted)
            {
                _tokens = Math.Min(rate.Burst, _tokens + ((double)(now - _counted) / frequency * rate.PerSecond));
                _counted = now;
            }
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}

/// <summary>Endpoint metadata: the caller's budget (<see cref="CallerRateLimiter"/>) applies here.</summary>
public sealed class CallerLimited
{
    public static readonly CallerLimited Instance = new();

    private CallerLimited()
    {
    }
}
