namespace Parking.Grains.Notices;

/// <summary>
/// Settings of the outside channels (<c>Parking:Notices</c>). The VAPID pair identifies this deployment to
/// browser push services: set both keys in production (see docs/notices.md for how to make them); when they
/// are empty, the cluster makes a pair once and keeps it in grain storage, so every silo signs alike.
/// </summary>
public sealed class NoticeOptions
{
    public const string SectionName = "Parking:Notices";

    /// <summary>Base64url of the uncompressed P-256 public key (65 bytes).</summary>
    public string? VapidPublicKey { get; set; }

    /// <summary>Base64url of the P-256 private key (32 bytes). A secret: keep it out of source control.</summary>
    public string? VapidPrivateKey { get; set; }

    /// <summary>How push services can reach the operator (RFC 8292): a <c>mailto:</c> or <c>https:</c> URL.</summary>
    public string VapidSubject { get; set; } = "mailto:operator@localhost";

    /// <summary>Tries per delivery (push or webhook) before it is recorded as failed.</summary>
    public int Attempts { get; set; } = 4;

    /// <summary>The wait before the second try; it doubles before each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one try may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the web app is served, to make the webhook's links absolute (e.g. https://parking.example.org); empty keeps them relative.</summary>
    public string? PublicBaseUrl { get; set; }
}
