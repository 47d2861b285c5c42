using Parking.Api.Tests.Infrastructure;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>A host of its own for the OCPP tests: they plug cars in, meter and fault chargers of area CA-G1.</summary>
public sealed class OcppHostFixture : OwnHostFixture
{
    /// <summary>The four 7 kW chargers of CA-G1 (14 kW feed).</summary>
    public IReadOnlyList<string> Chargers { get; private set; } = [];

    protected override async Task<ParkingHost> StartAsync()
    {
        var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var areas = await host.Grains.Compound(ParkingHost.Compound).GetChargingAreas();
        Chargers = [.. areas.Single(a => a.AreaId == "CA-G1").Chargers.Select(c => c.ChargerId)];
        return host;
    }
}

[CollectionDefinition(Name)]
public sealed class OcppHostCollection : ICollectionFixture<OcppHostFixture>
{
    public const string Name = "OCPP host";
}
