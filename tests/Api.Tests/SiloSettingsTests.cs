using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The silo's settings (<c>Parking:Cluster</c>, <c>Parking:Seed</c>, <c>Parking:Simulation</c>) are bound in one place and
/// checked before the silo starts: a bad value stops it with the key and the reason; the defaults pass.
/// </summary>
public class SiloSettingsTests
{
    [Theory]
    [InlineData("Parking:Simulation:ShelterTick", "00:00:00")]
    [InlineData("Parking:Simulation:ChargerTick", "-00:00:01")]
    [InlineData("Parking:Simulation:GateTick", "00:00:00")]
    [InlineData("Parking:Simulation:ShelterOccupancy", "1.5")]
    [InlineData("Parking:Simulation:NoShowShare", "-0.1")]
    [InlineData("Parking:Simulation:GateUnknownPlateShare", "2")]
    [InlineData("Parking:Simulation:ShelterSpeedUp", "0")]
    [InlineData("Parking:Simulation:RequestsPerCharger", "-1")]
    [InlineData("Parking:Simulation:GateCars", "-1")]
    [InlineData("Parking:Simulation:GateId", " ")]
    public void A_bad_simulation_value_stops_the_start_naming_its_key(string key, string value)
    {
        using var services = SettingsHost.WithSiloSettings($"--{key}={value}").Services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SimulationOptions>>().Value);

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_demo_size_stops_the_host_as_it_is_composed_naming_its_key()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => SettingsHost.WithSiloSettings("--Parking:Seed:Size=42"));

        Assert.Contains("Parking:Seed:Size", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_cluster_value_stops_the_host_as_it_is_composed_naming_its_key()
    {
        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => SettingsHost.WithSiloSettings("--Parking:Cluster:GatewayPort=0"));

        Assert.Contains("Parking:Cluster:GatewayPort", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_pass_and_are_read_once()
    {
        var builder = SettingsHost.WithSiloSettings();
        var again = builder.AddSiloSettings();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Single(builder.Services, d => d.ServiceType == typeof(SiloSettings));
        Assert.Same(again.Cluster, services.GetRequiredService<ClusterOptions>());
        Assert.Same(again.Seed, services.GetRequiredService<SeedOptions>());
        Assert.Equal(new ClusterOptions().SiloPort, again.Cluster.SiloPort);
        Assert.True(services.GetRequiredService<DemoCompoundInfo>().Seeded);
        var simulation = services.GetRequiredService<IOptions<SimulationOptions>>().Value;
        Assert.Equal(new SimulationOptions().ChargerTick, simulation.ChargerTick);
        Assert.True(simulation.Chargers);
    }
}
