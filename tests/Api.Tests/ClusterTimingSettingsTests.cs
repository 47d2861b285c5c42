using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Parking.Grains;
using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// Failure detection and the call timeout: the documented defaults and an operator's settings reach Orleans as given;
/// a value Orleans would misread or fail on later (a port out of range, an address that is not one) stops the silo at
/// start with every such setting named.
/// </summary>
public class ClusterTimingSettingsTests
{
    [Fact]
    public async Task The_documented_defaults_reach_Orleans()
    {
        await using var app = Build();

        var membership = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(1), membership.ProbeTimeout);
        Assert.Equal(3, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(4), membership.MaxProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public async Task An_operators_settings_reach_Orleans()
    {
        await using var app = Build(
            "--Parking:Cluster:ResponseTimeout=00:00:07",
            "--Parking:Cluster:ProbeTimeout=00:00:02",
            "--Parking:Cluster:MissedProbesLimit=4",
            "--Parking:Cluster:MaxProbeTimeout=00:00:03");

        var membership = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout);
        Assert.Equal(4, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(3), membership.MaxProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Theory]
    [InlineData("ResponseTimeout", "00:00:00")]
    [InlineData("ProbeTimeout", "-00:00:01")]
    [InlineData("MissedProbesLimit", "0")]
    [InlineData("MaxProbeTimeout", "00:00:00.500")]
    [InlineData("SiloPort", "0")]
    [InlineData("GatewayPort", "70000")]
    [InlineData("PrimarySiloPort", "-5")]
    [InlineData("AdvertisedIp", "silo-1.local")]
    [InlineData("ClusterId", " ")]
    [InlineData("Placement", "7")]
    [InlineData("GrainDirectory", "5")]
    public void A_value_Orleans_would_misread_is_refused_by_name(string setting, string value)
    {
        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Build($"--Parking:Cluster:{setting}={value}"));

        Assert.Contains($"Parking:Cluster:{setting}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compounds_grains_are_placed_together_by_default_and_at_random_when_asked()
    {
        await using var byDefault = Build();
        await using var atRandom = Build("--Parking:Cluster:Placement=Random");

        Assert.IsType<CompoundPlacementDirector>(Director(byDefault, typeof(CompoundPlacement)));

        // At random: the director Orleans uses for its own random placement, the very same instance.
        Assert.Same(Director(atRandom, typeof(Orleans.Runtime.RandomPlacement)), Director(atRandom, typeof(CompoundPlacement)));

        static Orleans.Runtime.Placement.IPlacementDirector Director(WebApplication app, Type strategy) =>
            app.Services.GetRequiredKeyedService<Orleans.Runtime.Placement.IPlacementDirector>(strategy);
    }

    [Fact]
    public void Every_refused_setting_is_named_at_once()
    {
        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Build(
            "--Parking:Cluster:AdvertisedIp=300.1.2.3", "--Parking:Cluster:SiloPort=30000", "--Parking:Cluster:ProbeTimeout=00:00:00"));

        Assert.Contains("Parking:Cluster:AdvertisedIp", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Parking:Cluster:GatewayPort must differ from SiloPort", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Parking:Cluster:ProbeTimeout", refused.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(params string[] args)
    {
        var builder = SettingsHost.Builder(args);
        builder.AddParkingOrleans();
        return builder.Build();
    }
}
