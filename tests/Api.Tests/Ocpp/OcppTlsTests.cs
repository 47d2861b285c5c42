using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Parking.Api.Tests.Infrastructure;
using Parking.Devices;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>
/// Security profile 2: Kestrel terminates TLS with a certificate given in configuration, as docs/ocpp.md tells an
/// operator (an HTTPS endpoint, <c>Kestrel:Certificates:Default:Path</c> and <c>:Password</c>), and a real OCPP client
/// connects over <c>wss://</c> with HTTP Basic. The certificate is made here, self-signed, for 127.0.0.1.
/// </summary>
public sealed class OcppTlsTests(OcppTlsTests.TlsHost fixture) : IClassFixture<OcppTlsTests.TlsHost>
{
    private ParkingHost Host => fixture.Host;

    private X509Certificate2 Certificate => fixture.Certificate;

    private Uri CentralSystem => new($"wss://{Host.Factory.Addresses.Single(a => a.Scheme == Uri.UriSchemeHttps).Authority}/ocpp/");

    private async Task<string> ChargerAsync(int index) =>
        (await Host.Grains.Compound(ParkingHost.Compound).GetChargingAreas()).Single(a => a.AreaId == "CA-G1").Chargers[index].ChargerId;

    /// <summary>The charger trusts exactly the test's certificate (as a charger given its central system's certificate does).</summary>
    private RemoteCertificateValidationCallback Pinned(List<string> seen) => (_, certificate, _, _) =>
    {
        lock (seen)
        {
            seen.Add(certificate?.GetCertHashString(HashAlgorithmName.SHA256) ?? "none");
        }

        return certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == Certificate.GetCertHashString(HashAlgorithmName.SHA256);
    };

    [Fact]
    public async Task A_charger_boots_over_wss_with_basic_auth_against_the_configured_certificate()
    {
        var chargerId = await ChargerAsync(0);
        var seen = new List<string>();
        await using var client = await OcppChargePointClient.ConnectAsync(
            CentralSystem,
            OcppCharger.IdOf(chargerId),
            OcppCharger.DemoPassword,
            onCall: (action, _) => Task.FromResult<JsonObject?>(action == "GetConfiguration" ? new JsonObject() : new JsonObject { ["status"] = "Accepted" }),
            serverCertificateValidation: Pinned(seen));

        var boot = await client.CallAsync("BootNotification", new JsonObject { ["chargePointVendor"] = "TestVendor", ["chargePointModel"] = "TlsBox" });

        Assert.Equal("Accepted", boot.GetProperty("status").GetString());
        Assert.True(boot.GetProperty("interval").GetInt32() > 0);
        Assert.Equal([Certificate.GetCertHashString(HashAlgorithmName.SHA256)], seen);
        var view = await Host.GetOkAsync<Parking.Contracts.ChargePointDto>(ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp"), "staff01");
        Assert.True(view.Connected);
        Assert.Equal("TlsBox", view.Model);
    }

    [Fact]
    public async Task Over_wss_a_wrong_password_is_refused_at_the_handshake_and_an_untrusted_certificate_is_not_accepted()
    {
        var chargerId = await ChargerAsync(1);
        var id = OcppCharger.IdOf(chargerId);

        using (var socket = new ClientWebSocket())
        {
            var seen = new List<string>();
            socket.Options.RemoteCertificateValidationCallback = Pinned(seen);
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.AddSubProtocol(OcppChargePointClient.SubProtocol);
            socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:not-the-password-at-all")));
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(CentralSystem, Uri.EscapeDataString(id)), CancellationToken.None));

            // The TLS handshake succeeded (the pinned certificate was shown), then HTTP Basic refused the password.
            Assert.Single(seen);
            Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        }

        // A charger that does not trust the self-signed certificate never gets as far as sending its password.
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            OcppChargePointClient.ConnectAsync(CentralSystem, id, OcppCharger.DemoPassword));
        Exception? cause = refused;
        while (cause is not null and not AuthenticationException)
        {
            cause = cause.InnerException;
        }

        Assert.IsAssignableFrom<AuthenticationException>(cause);
        Assert.False((await Host.GetOkAsync<Parking.Contracts.ChargePointDto>(ParkingHost.CompoundPath($"chargers/{chargerId}/ocpp"), "staff01")).Connected);
    }

    /// <summary>A host with an HTTPS endpoint and the certificate made for it, shared by the tests of this class.</summary>
    public sealed class TlsHost : IAsyncLifetime
    {
        private const string CertificatePassword = "test-certificate-password";

        private readonly string _certificateFile = Path.Combine(Path.GetTempPath(), $"parking-ocpp-tls-{Guid.NewGuid():N}.pfx");
        private X509Certificate2? _certificate;
        private ParkingHost? _host;

        public ParkingHost Host => _host ?? throw new InvalidOperationException("The TLS host has not started.");

        /// <summary>The server's certificate, without its private key.</summary>
        public X509Certificate2 Certificate => _certificate ?? throw new InvalidOperationException("No certificate yet.");

        public async Task InitializeAsync()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=parking-ocpp-test", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(_certificateFile, made.Export(X509ContentType.Pfx, CertificatePassword));
            _certificate = X509CertificateLoader.LoadCertificate(made.Export(X509ContentType.Cert));

            // What an operator sets (docs/ocpp.md): an HTTPS endpoint and the certificate file with its password.
            _host = await ParkingHost.StartAsync(ParkingHost.NewClock(), settings: new Dictionary<string, string>
            {
                ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
                ["Kestrel:Certificates:Default:Path"] = _certificateFile,
                ["Kestrel:Certificates:Default:Password"] = CertificatePassword,
            });
        }

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }

            _certificate?.Dispose();
            File.Delete(_certificateFile);
        }
    }
}
