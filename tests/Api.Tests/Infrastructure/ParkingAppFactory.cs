using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Parking.Domain;
using Parking.Testing;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// One host of the platform (silo + API + hub) on real loopback sockets: Kestrel on a dynamic port,
/// the silo and gateway on free ports, the small demo compound, a known signing key and a fake clock.
/// Give <see cref="PrimarySiloPort"/> the silo port of another factory to join its cluster.
/// </summary>
public sealed class ParkingAppFactory : WebApplicationFactory<Program>
{
    /// <summary>Base64 of 32 bytes: every host made by the tests shares it, so they accept each other's tokens.</summary>
    public static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">
    /// Services a test adds to the host, such as a grain call filter that holds one call until the test lets it go
    /// (to reach a checkpoint of the product deterministically).
    /// </param>
    public ParkingAppFactory(FakeTimeProvider time, int? primarySiloPort = null, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        Time = time;
        PrimarySiloPort = primarySiloPort;
        Settings = settings ?? new Dictionary<string, string>();
        SiloPort = FreePorts.Next();
        GatewayPort = FreePorts.Next();
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public FakeTimeProvider Time { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int? PrimarySiloPort { get; }

    /// <summary>Settings an operator would give the host (e.g. a stricter limit), on top of the defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Where Kestrel listens, e.g. http://127.0.0.1:54321/ (after <see cref="Start"/>).</summary>
    public Uri BaseAddress { get; private set; } = new("http://invalid.localhost/");

    /// <summary>Every address Kestrel listens on: the test's plain HTTP one, and any endpoint configured in <see cref="Settings"/>.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>Starts the host (silo, seeding, Kestrel) and learns the address Kestrel took.</summary>
    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel did not report its addresses.");
        Addresses = [.. addresses.Addresses.Select(a => new Uri(a.TrimEnd('/') + "/"))];
        BaseAddress = Addresses.First(a => a.Scheme == Uri.UriSchemeHttp);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // As `dotnet run` of the silo, which has no launch profile.
        builder.UseEnvironment("Production");
        builder.UseSetting("Parking:Seed:Size", "Small");
        builder.UseSetting("Parking:Seed:Enabled", "true");
        builder.UseSetting("Parking:Simulation:Shelters", "false");
        builder.UseSetting("Parking:Simulation:Chargers", "false");
        builder.UseSetting("Parking:Simulation:Gate", "false");
        builder.UseSetting("Parking:Auth:SigningKey", SigningKey);
        builder.UseSetting("Parking:Auth:DevTokens", "true");
        builder.UseSetting("Parking:Cluster:SiloPort", SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Parking:Cluster:GatewayPort", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (PrimarySiloPort is { } primary)
        {
            builder.UseSetting("Parking:Cluster:PrimarySiloPort", primary.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<ParkingClock>();
            services.AddSingleton(new ParkingClock(Time));
            _services?.Invoke(services);
        });
    }
}
