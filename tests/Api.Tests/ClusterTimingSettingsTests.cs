using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// Failure detection and the call timeout: the documented defaults and an operator's settings reach Orleans as given;
/// a value Orleans would misread stops the silo at start with the setting named.
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
        Assert.Equal(TimeSpan.FromSeconds(30), app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public async Task An_operators_settings_reach_Orleans()
    {
        await using var app = Build(
            "--Parking:Cluster:ResponseTimeout=00:00:07",
            "--Parking:Cluster:ProbeTimeout=00:00:02",
            "--Parking:Cluster:MissedProbesLimit=4");

        var membership = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout);
        Assert.Equal(4, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(7), app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Theory]
    [InlineData("ResponseTimeout", "00:00:00")]
    [InlineData("ProbeTimeout", "-00:00:01")]
    [InlineData("MissedProbesLimit", "0")]
    public void A_value_Orleans_would_misread_is_refused_by_name(string setting, string value)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Build($"--Parking:Cluster:{setting}={value}"));

        Assert.Contains($"Parking:Cluster:{setting}", refused.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.AddParkingOrleans();
        return builder.Build();
    }
}
