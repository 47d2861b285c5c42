using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Parking.Api.Auth;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The checked-token cache in front of the real JWT handler: a token is checked once, then answered from memory until
/// it expires or is five minutes old; refused tokens are never kept; each answer has its own identity; it stays bounded.
/// The cache's clock is a test clock; the tokens themselves are valid by the real clock the handler reads.
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly SymmetricSecurityKey Key = new(Enumerable.Range(1, 32).Select(i => (byte)(i * 3)).ToArray());

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "parking-silo",
        ValidAudience = "parking",
        IssuerSigningKey = Key,
        NameClaimType = "sub",
    };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CountingHandler _inner = new();

    [Fact]
    public async Task A_token_is_checked_once_and_then_answered_from_memory()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 100);
        var token = Mint("r00001", TimeSpan.FromHours(1));

        var first = await cache.ValidateTokenAsync(token, Parameters);
        var second = await cache.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("r00001", second.ClaimsIdentity.Name);
        Assert.Equal(1, _inner.Checks);
    }

    [Fact]
    public async Task A_kept_token_is_checked_again_after_five_minutes()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 100);
        var token = Mint("r00001", TimeSpan.FromHours(1));
        await cache.ValidateTokenAsync(token, Parameters);

        _time.Advance(ValidatedTokenCache.MaxAge - TimeSpan.FromSeconds(1));
        await cache.ValidateTokenAsync(token, Parameters);
        Assert.Equal(1, _inner.Checks);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.Equal(2, _inner.Checks);
    }

    [Fact]
    public async Task A_kept_token_is_checked_again_once_it_expires()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 100);
        var token = Mint("r00001", TimeSpan.FromMinutes(2));
        var checkedToken = (await cache.ValidateTokenAsync(token, Parameters)).SecurityToken;

        // The cache's clock reaches the token's exp: the entry is over, the handler decides again.
        _time.SetUtcNow(new DateTimeOffset(DateTime.SpecifyKind(checkedToken.ValidTo, DateTimeKind.Utc)));
        await cache.ValidateTokenAsync(token, Parameters);

        Assert.Equal(2, _inner.Checks);
    }

    [Fact]
    public async Task A_refused_token_is_never_kept()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 100);
        var forged = Mint("r00001", TimeSpan.FromHours(1), new SymmetricSecurityKey(new byte[32]));

        Assert.False((await cache.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.False((await cache.ValidateTokenAsync(forged, Parameters)).IsValid);

        Assert.Equal(2, _inner.Checks);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_not_kept()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 100);
        var expired = Mint("r00001", TimeSpan.FromMinutes(-10));

        var result = await cache.ValidateTokenAsync(expired, Parameters);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Each_answer_has_its_own_identity()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 100);
        var token = Mint("r00001", TimeSpan.FromHours(1));

        var first = await cache.ValidateTokenAsync(token, Parameters);
        first.ClaimsIdentity.AddClaim(new Claim("role", "staff"));
        var second = await cache.ValidateTokenAsync(token, Parameters);

        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.IsType<CaseSensitiveClaimsIdentity>(second.ClaimsIdentity);
        Assert.False(second.ClaimsIdentity.HasClaim("role", "staff"));
        Assert.Equal(1, _inner.Checks);
    }

    [Fact]
    public async Task The_cache_holds_at_most_its_capacity()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 3);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await cache.ValidateTokenAsync(Mint($"r{i:00000}", TimeSpan.FromHours(1)), Parameters)).IsValid);
            Assert.InRange(cache.Count, 1, 3);
        }

        Assert.Equal(10, _inner.Checks);
    }

    [Fact]
    public async Task Capacity_zero_checks_every_time()
    {
        var cache = new ValidatedTokenCache(_inner, _time, capacity: 0);
        var token = Mint("r00001", TimeSpan.FromHours(1));

        await cache.ValidateTokenAsync(token, Parameters);
        await cache.ValidateTokenAsync(token, Parameters);

        Assert.Equal(2, _inner.Checks);
        Assert.Equal(0, cache.Count);
    }

    private static string Mint(string subject, TimeSpan lifetime, SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "parking-silo",
            Audience = "parking",
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            NotBefore = now.AddHours(-1),
            IssuedAt = now.AddHours(-1),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The real handler, counting how often it is asked.</summary>
    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _checks;

        public int Checks => _checks;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _checks);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }
}
