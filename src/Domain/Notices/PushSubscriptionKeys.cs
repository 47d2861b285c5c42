namespace Parking.Domain.Notices;

/// <summary>
/// A browser's Web Push subscription as its Push API reports it: the push service's endpoint, the
/// browser's P-256 public key (<c>p256dh</c>, 65 bytes, uncompressed) and its 16-byte auth secret, both
/// base64url. <see cref="Channel"/> names the device in delivery records.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PushSubscriptionKeys(
    [Id(0)] string Endpoint,
    [Id(1)] string P256dh,
    [Id(2)] string Auth,
    [Id(3)] DateTimeOffset CreatedAt)
{
    public const int MaximumEndpointLength = 2048;

    public string Channel => ChannelOf(Endpoint);

    public static string ChannelOf(string endpoint) =>
        "push:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(endpoint)))[..12];

    /// <summary>
    /// Checks a subscription field by field. The endpoint must be https; plain http is accepted only on
    /// loopback, where a push service under test or development runs.
    /// </summary>
    public static Outcome<PushSubscriptionKeys> Create(string? endpoint, string? p256dh, string? auth, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(endpoint) || endpoint.Length > MaximumEndpointLength
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return Refuse("endpoint", "push-endpoint-invalid", $"The endpoint must be an https URL of at most {MaximumEndpointLength} characters.");
        }

        if (Base64Url(p256dh) is not { Length: 65 } key || key[0] != 0x04)
        {
            return Refuse("p256dh", "push-key-invalid", "p256dh must be the base64url of an uncompressed P-256 public key (65 bytes, starting 0x04).");
        }

        if (Base64Url(auth) is not { Length: 16 })
        {
            return Refuse("auth", "push-auth-invalid", "auth must be the base64url of the 16-byte authentication secret.");
        }

        return new PushSubscriptionKeys(endpoint, p256dh!, auth!, now);
    }

    public static byte[]? Base64Url(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return null;
        }

        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text.TrimEnd('='));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Outcome<PushSubscriptionKeys> Refuse(string field, string code, string message) =>
        new(null, DomainError.Invalid(field, code, message));
}
