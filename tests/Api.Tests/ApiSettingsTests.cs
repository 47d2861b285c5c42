using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parking.Api.Auth;
using Parking.Api.Devices;
using Parking.Storage;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The API's settings are bound in one place and checked before the host serves anything: a value it would misread or
/// fail on later stops the start with the key and the reason; the documented defaults and a good value pass.
/// </summary>
public class ApiSettingsTests
{
    [Theory]
    [InlineData("Parking:Limits:UserBurst", "0")]
    [InlineData("Parking:Limits:AnonymousRequestsPerSecond", "-1")]
    [InlineData("Parking:Limits:MaxRequestBodyBytes", "0")]
    [InlineData("Parking:Auth:SigningKey", "c2hvcnQ=")]
    [InlineData("Parking:Auth:TokenLifetime", "00:00:00")]
    [InlineData("Parking:Auth:ValidatedTokenCache", "-1")]
    [InlineData("Parking:Auth:Authority", "not a url")]
    public async Task A_bad_value_stops_the_start_naming_its_key(string key, string value)
    {
        await using var app = SettingsHost.WithApiSettings($"--{key}={value}");

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Port", "0")]
    [InlineData("EmbeddedPort", "70000")]
    public void A_bad_mqtt_value_stops_the_host_as_it_is_composed_naming_its_key(string setting, string value)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => SettingsHost.WithApiSettings($"--Parking:Mqtt:{setting}={value}"));

        Assert.Contains($"Parking:Mqtt:{setting}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_and_good_values_start_and_each_section_is_bound_once_as_given()
    {
        await using var app = SettingsHost.WithApiSettings("--Parking:Limits:UserBurst=7", "--Parking:Mqtt:Port=8883", "--Parking:Mqtt:Enabled=false");

        await app.StartAsync();

        Assert.Equal(7, app.Services.GetRequiredService<IOptions<RequestLimitOptions>>().Value.UserBurst);
        Assert.Equal(TimeSpan.FromHours(12), app.Services.GetRequiredService<IOptions<ParkingAuthOptions>>().Value.TokenLifetime);
        var mqtt = app.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
        Assert.Equal((8883, false), (mqtt.Port, mqtt.Enabled));
        await app.StopAsync();
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("Host=127.0.0.1;Database=parking", null, false)]
    [InlineData("Host=127.0.0.1;Database=parking", "true", true)]
    [InlineData(null, "false", false)]
    public void Dev_tokens_are_on_unless_configured_off_in_the_embedded_default_and_off_unless_configured_on_with_postgresql(
        string? connectionString, string? devTokens, bool on)
    {
        string[] args = [
            .. connectionString is null ? Array.Empty<string>() : [$"--ConnectionStrings:Parking={connectionString}"],
            .. devTokens is null ? Array.Empty<string>() : [$"--Parking:Auth:DevTokens={devTokens}"]];
        var builder = SettingsHost.Builder(args);

        // As the silo composes it (Program.cs): the storage settings say whether this is the embedded default.
        builder.AddApiSettings(devTokensByDefault: builder.AddStorageSettings().IsEmbedded);
        using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(on, services.GetRequiredService<IOptions<ParkingAuthOptions>>().Value.DevTokens);
    }
}
