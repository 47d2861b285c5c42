using System.Security.Cryptography;
using System.Text;

namespace Parking.Domain.Devices;

/// <summary>
/// A device's own credential, changing only through its methods: issuing a secret replaces any earlier one at once
/// (a new version), revoking leaves none, and a presented secret is compared in constant time.
/// </summary>
[GenerateSerializer]
public sealed class DeviceCredentialState
{
    [Id(0)]
    public string? Secret { get; internal set; }

    [Id(1)]
    public int Version { get; internal set; }

    [Id(2)]
    public DateTimeOffset? IssuedAt { get; internal set; }

    [Id(3)]
    public DateTimeOffset? RevokedAt { get; internal set; }

    /// <summary>Whether the device has a secret that works.</summary>
    public bool IsIssued => Secret is not null;

    /// <summary>Provisions <paramref name="secret"/> (or rotates to it: the previous one is refused from now on) as the next version.</summary>
    public void Issue(string secret, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Secret = secret;
        Version++;
        IssuedAt = now;
        RevokedAt = null;
    }

    /// <summary>Revokes the secret; false when there was none (nothing changes).</summary>
    public bool Revoke(DateTimeOffset now)
    {
        if (Secret is null)
        {
            return false;
        }

        Secret = null;
        RevokedAt = now;
        return true;
    }

    /// <summary>Whether <paramref name="presented"/> is the secret, compared in constant time; false when none is issued.</summary>
    public bool Verify(string? presented) =>
        Secret is { } known && presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(known), Encoding.UTF8.GetBytes(presented));

    /// <summary>The secret's bytes, for checking a device's HMAC signature; null when none is issued.</summary>
    public byte[]? SigningKey() => Secret is { } secret ? Encoding.UTF8.GetBytes(secret) : null;
}
