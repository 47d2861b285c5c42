namespace Parking.Domain.Gates;

/// <summary>
/// The signatures a gate received lately, kept in memory by its grain: a signed request is taken once, and its
/// signature is remembered until a given time after it came (twice the signing window, so a replay is refused for as
/// long as its timestamp would still pass). The times are real time, not domain time: replays are a transport matter.
/// </summary>
public sealed class SignatureReplay
{
    private readonly Dictionary<string, DateTimeOffset> _expiresAt = new(StringComparer.Ordinal);

    /// <summary>How many signatures are remembered now.</summary>
    public int Count => _expiresAt.Count;

    /// <summary>
    /// A request signed <paramref name="signature"/> came at <paramref name="now"/>: refused with <c>request-replayed</c>
    /// when the same signature came before and is still remembered, else remembered for <paramref name="keepFor"/>.
    /// Signatures whose time is over are forgotten first.
    /// </summary>
    public DomainError? Receive(string signature, DateTimeOffset now, TimeSpan keepFor)
    {
        foreach (var expired in _expiresAt.Where(s => s.Value < now).Select(s => s.Key).ToList())
        {
            _expiresAt.Remove(expired);
        }

        return _expiresAt.TryAdd(signature, now + keepFor)
            ? null
            : new DomainError(ErrorKind.Forbidden, "request-replayed", "This signed request was already received; a retry must be signed again with a new timestamp.");
    }
}
