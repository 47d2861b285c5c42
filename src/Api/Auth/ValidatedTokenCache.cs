using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace Parking.Api.Auth;

/// <summary>
/// A token handler that checks a bearer token once (signature, issuer, audience, lifetime: all by the handler it
/// wraps) and then answers for the same token string from memory until the token expires, or at most
/// <see cref="MaxAge"/> after the check, whichever is sooner. Every request still gets its own copy of the identity,
/// so nothing a request adds to its claims reaches another. Only valid tokens are kept; a refused token is checked
/// again each time. The cache holds at most <c>capacity</c> tokens and is emptied when full (the next request of each
/// token checks it again), so a caller sending endless distinct tokens costs memory no larger than that.
/// </summary>
/// <remarks>
/// What a kept token skips: the signature check and the parse (the profile of a booking put JWT validation at 3-5 %
/// of the silo's CPU). What it cannot skip is time: an expired token is refused at once, because its entry ends at the
/// token's <c>exp</c>. A signing key withdrawn by an external issuer stops tokens it signed within <see cref="MaxAge"/>.
/// </remarks>
public sealed class ValidatedTokenCache(TokenHandler inner, TimeProvider time, int capacity) : TokenHandler
{
    /// <summary>How long a checked token is trusted without a new check, even if it lives longer.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Tokens held now (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(token, out var entry))
        {
            if (now < entry.Until)
            {
                return Copy(entry.Result);
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, ClaimsIdentity: not null, SecurityToken: { } checkedToken } && capacity > 0)
        {
            var expires = checkedToken.ValidTo == DateTime.MinValue
                ? now + MaxAge
                : new DateTimeOffset(DateTime.SpecifyKind(checkedToken.ValidTo, DateTimeKind.Utc));
            var until = expires < now + MaxAge ? expires : now + MaxAge;
            if (until > now)
            {
                if (_entries.Count >= capacity)
                {
                    _entries.Clear();
                }

                _entries[token] = new Entry(result, until);
            }

            return Copy(result);
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    private static TokenValidationResult Copy(TokenValidationResult kept) => new()
    {
        IsValid = true,
        // The handler's identities compare claim types case-sensitively; a copy keeps that.
        ClaimsIdentity = kept.ClaimsIdentity is CaseSensitiveClaimsIdentity sensitive
            ? new CaseSensitiveClaimsIdentity(sensitive)
            : kept.ClaimsIdentity.Clone(),
        SecurityToken = kept.SecurityToken,
        Issuer = kept.Issuer,
        TokenType = kept.TokenType,
    };

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset Until);
}
