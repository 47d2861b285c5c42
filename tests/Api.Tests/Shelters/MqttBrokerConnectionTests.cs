using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Parking.Api.Devices;
using Parking.Api.Tests.Gates;
using Parking.Api.Tests.Infrastructure;
using Xunit;

namespace Parking.Api.Tests.Shelters;

/// <summary>
/// Parking's own MQTT client as configured by <c>Parking:Mqtt:*</c>: the broker checks its user name and password
/// (a wrong one is refused and reported, the right one subscribes), and over TLS it trusts a broker whose
/// certificate chains to the configured CA, and no other.
/// </summary>
public sealed class MqttBrokerConnectionTests(GateHostFixture fixture) : IClassFixture<GateHostFixture>
{
    private readonly ParkingHost _host = fixture.Host;

    [Theory]
    [InlineData("vm", 846)] // a short host name and a three-digit process id: cutting to 48 threw here, so the link never connected
    [InlineData("x", 1)]
    [InlineData("a-build-agent-with-a-very-long-host-name-indeed-0042", 4194303)]
    public void Each_silo_gets_its_own_MQTT_client_id_of_at_most_48_characters_whatever_its_host(string host, int processId)
    {
        var first = MqttShelterLink.ClientId(host, processId, Guid.NewGuid());
        var second = MqttShelterLink.ClientId(host, processId, Guid.NewGuid());

        Assert.StartsWith("parking-", first, StringComparison.Ordinal);
        Assert.InRange(first.Length, 1, 48);
        Assert.InRange(second.Length, 1, 48);
        // Two silos on hosts with the same long name (or the same silo reconnecting) never share an id, which
        // would make the broker drop the older connection.
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task The_embedded_broker_refuses_Parkings_client_with_a_wrong_password_and_takes_the_right_one()
    {
        var services = _host.Factory.Services;
        await services.GetRequiredService<MqttShelterLink>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        var broker = await services.GetRequiredService<MqttBrokerEndpoint>().Address;

        await using (var wrong = await StartLink(broker with { Password = "not-the-password" }))
        {
            var error = await FirstError(wrong);
            Assert.Contains("BadUserNameOrPassword", error, StringComparison.Ordinal);
            Assert.False(wrong.Link.Subscribed.IsCompleted);
        }

        await using var right = await StartLink(broker);
        await right.Link.Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(right.Link.LastConnectError);
    }

    [Fact]
    public async Task Over_TLS_the_client_trusts_a_broker_signed_by_the_configured_CA_and_refuses_an_unknown_one()
    {
        using var ca = CertificateAuthority();
        using var brokerCertificate = Issue(ca, "127.0.0.1");
        var caFile = Path.Combine(Path.GetTempPath(), $"parking-test-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        var port = FreePort();
        using var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointBoundIPAddress(IPAddress.Loopback)
            .WithEncryptedEndpointBoundIPV6Address(IPAddress.None)
            .WithEncryptedEndpointPort(port)
            .WithEncryptionCertificate(brokerCertificate)
            .Build());
        server.ValidatingConnectionAsync += e =>
        {
            e.ReasonCode = e.UserName == "parking" && e.Password == "s3cret" ? MqttConnectReasonCode.Success : MqttConnectReasonCode.BadUserNameOrPassword;
            return Task.CompletedTask;
        };
        await server.StartAsync();
        try
        {
            var options = new MqttOptions { Server = "127.0.0.1", Port = port, UseTls = true, Username = "parking", Password = "s3cret", CaCertificatePath = caFile };
            var trusted = MqttBrokerAddress.FromOptions(options)!;
            await using (var link = await StartLink(trusted))
            {
                await link.Link.Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
            }

            // Without the compound's CA the machine's trust store does not know the broker: no connection.
            await using (var untrusting = await StartLink(trusted with { CaCertificatePath = null }))
            {
                Assert.NotNull(await FirstError(untrusting));
                Assert.False(untrusting.Link.Subscribed.IsCompleted);
            }

            // Trusted broker, wrong password: refused by the broker.
            await using var wrong = await StartLink(MqttBrokerAddress.FromOptions(new MqttOptions { Server = "127.0.0.1", Port = port, UseTls = true, Password = "guess", CaCertificatePath = caFile })!);
            Assert.Contains("BadUserNameOrPassword", await FirstError(wrong), StringComparison.Ordinal);
        }
        finally
        {
            await server.StopAsync();
            File.Delete(caFile);
        }
    }

    [Fact]
    public void Configuration_names_an_external_broker_and_never_prints_its_password()
    {
        Assert.Null(MqttBrokerAddress.FromOptions(new MqttOptions()));
        var address = MqttBrokerAddress.FromOptions(new MqttOptions { Server = " broker.compound.example ", Port = 8883, UseTls = true, Username = "parking-prod", Password = "pw-123" })!;
        Assert.Equal(("broker.compound.example", 8883, true, "parking-prod", "pw-123", (string?)null), (address.Host, address.Port, address.UseTls, address.Username, address.Password, address.CaCertificatePath));
        Assert.DoesNotContain("pw-123", address.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A second MQTT client of this host, as Parking's own, pointed at <paramref name="address"/>.</summary>
    private async Task<RunningLink> StartLink(MqttBrokerAddress address)
    {
        var endpoint = new MqttBrokerEndpoint();
        endpoint.Set(address);
        var link = new MqttShelterLink(_host.Grains, endpoint, Options.Create(new MqttOptions()), NullLogger<MqttShelterLink>.Instance);
        await link.StartAsync(CancellationToken.None);
        return new RunningLink(link);
    }

    /// <summary>Waits for the link's first failed attempt (at most 30 s: a wait for an outcome, not a timing assert).</summary>
    private static async Task<string> FirstError(RunningLink running)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (running.Link.LastConnectError is null)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "The client neither failed nor gave up within 30 s.");
            await Task.Delay(50);
        }

        return running.Link.LastConnectError;
    }

    private static X509Certificate2 CertificateAuthority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Parking test compound CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A broker certificate for <paramref name="ip"/> signed by <paramref name="ca"/>, with its private key, loadable by SslStream.</summary>
    private static X509Certificate2 Issue(X509Certificate2 ca, string ip)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={ip}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Parse(ip));
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class RunningLink(MqttShelterLink link) : IAsyncDisposable
    {
        public MqttShelterLink Link { get; } = link;

        public async ValueTask DisposeAsync()
        {
            await Link.StopAsync(CancellationToken.None);
            Link.Dispose();
        }
    }
}
