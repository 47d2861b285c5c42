using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Parking.Api.Tests.Notices;

/// <summary>
/// The browser's side of Web Push: a P-256 key pair and an auth secret as <c>pushManager.subscribe</c> makes
/// them, the decryption of an aes128gcm message (RFC 8291 over RFC 8188), and the check of the sender's VAPID
/// token (RFC 8292), all with .NET's own cryptography.
/// </summary>
public sealed class WebPushReceiver : IDisposable
{
    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public WebPushReceiver()
    {
        var q = _key.ExportParameters(false).Q;
        PublicKey = [0x04, .. q.X!, .. q.Y!];
        AuthSecret = RandomNumberGenerator.GetBytes(16);
    }

    public byte[] PublicKey { get; }

    public byte[] AuthSecret { get; }

    public string P256dh => Base64Url.EncodeToString(PublicKey);

    public string Auth => Base64Url.EncodeToString(AuthSecret);

    /// <summary>Decrypts one aes128gcm body: header (salt, record size, the sender's key), then one record.</summary>
    public byte[] Decrypt(byte[] body)
    {
        var salt = body.AsSpan(0, 16).ToArray();
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        int keyLength = body[20];
        Assert.Equal(65, keyLength);
        var senderKey = body.AsSpan(21, keyLength).ToArray();
        var record = body.AsSpan(21 + keyLength).ToArray();
        Assert.True(record.Length <= recordSize, "one record");

        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderKey[1..33], Y = senderKey[33..65] },
        });
        var shared = _key.DeriveRawSecretAgreement(sender.PublicKey);

        // RFC 8291 section 3.4: the auth secret and both public keys are mixed into the input key material.
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. PublicKey, .. senderKey];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, AuthSecret, keyInfo);
        var cek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, salt, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 12, salt, "Content-Encoding: nonce\0"u8.ToArray());

        var cipher = record.AsSpan(0, record.Length - 16);
        var tag = record.AsSpan(record.Length - 16);
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(cek, 16);
        aes.Decrypt(nonce, cipher, tag, plain);

        // The last record ends with the delimiter 0x02 and optional zero padding.
        var end = plain.Length - 1;
        while (end >= 0 && plain[end] == 0)
        {
            end--;
        }

        Assert.Equal(0x02, plain[end]);
        return plain[..end];
    }

    /// <summary>
    /// Checks the <c>Authorization: vapid t=JWT, k=KEY</c> header: the JWT is ES256, signed by KEY, for the push
    /// service's origin, not expired beyond 24 hours, and names a contact. Returns KEY.
    /// </summary>
    public static string VerifyVapid(string authorization, Uri endpoint)
    {
        Assert.StartsWith("vapid ", authorization, StringComparison.Ordinal);
        var parts = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var token = parts["t"].Split('.');
        Assert.Equal(3, token.Length);
        var key = Base64Url.DecodeFromChars(parts["k"]);
        Assert.Equal(65, key.Length);

        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = key[1..33], Y = key[33..65] },
        });
        var signed = Encoding.ASCII.GetBytes($"{token[0]}.{token[1]}");
        Assert.True(verifier.VerifyData(signed, Base64Url.DecodeFromChars(token[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "the VAPID signature verifies");

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(token[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(token[1]));
        // The audience is the push service's scheme and host. Lib.Net.Http.WebPush leaves a non-default port
        // out (our loopback service has one); browser push services are on 443, where that is their origin.
        Assert.Equal($"{endpoint.Scheme}://{endpoint.Host}", claims.RootElement.GetProperty("aud").GetString());
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
        Assert.InRange(expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(24).AddMinutes(1));
        Assert.StartsWith("mailto:", claims.RootElement.GetProperty("sub").GetString(), StringComparison.Ordinal);
        return parts["k"];
    }

    public void Dispose() => _key.Dispose();
}
