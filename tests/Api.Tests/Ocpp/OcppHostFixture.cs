using Parking.Api.Tests.Infrastructure;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>A host of its own for the OCPP tests: they plug cars in, meter and fault chargers of area CA-G1.</summary>
public sealed class OcppHostFixture : IAsyncLifetime
{
    private ParkingHost? _host;

    public ParkingHost Host => _host ?? throw new InvalidOperationException("The OCPP host has not started.");

    /// <summary>The four 7 kW chargers of CA-G1 (14 kW feed).</summary>
    public IReadOnlyList<string> Chargers { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var areas = await _host.Grains.Compound(ParkingHost.Compound).GetChargingAreas();
        Chargers = [.. areas.Single(a => a.AreaId == "CA-G1").Chargers.Select(c => c.ChargerId)];
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OcppHostCollection : ICollectionFixture<OcppHostFixture>
{
    public const string Name = "OCPP host";
}
