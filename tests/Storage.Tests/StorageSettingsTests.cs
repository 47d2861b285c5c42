using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parking.Storage.History;
using Xunit;

namespace Parking.Storage.Tests;

/// <summary>
/// Storage settings are read in one place and checked while the host is composed: a value storage would misread or
/// fail on later stops the start with the key and the reason; the documented defaults and good values pass.
/// </summary>
public class StorageSettingsTests
{
    [Theory]
    [InlineData("Parking:Postgres:MaxPoolSize", "0")]
    [InlineData("Parking:Postgres:MaxAutoPrepare", "-1")]
    [InlineData("Parking:Postgres:StartupRetryLimit", "-00:00:01")]
    [InlineData("Parking:Postgres:StartupRetryMaxDelay", "00:00:00")]
    [InlineData("Parking:History:QueueCapacity", "0")]
    [InlineData("Parking:History:BatchSize", "-5")]
    [InlineData("Parking:History:FirstRetryDelay", "00:00:00")]
    [InlineData("Parking:History:MaxRetryDelay", "00:00:00.100")]
    [InlineData("ConnectionStrings:Parking", "Host=db;Pool Size Please=3")]
    [InlineData("ConnectionStrings:Parking", "Host=db;Password=secret;Port=many")]
    public void A_bad_value_stops_the_start_naming_its_key(string key, string value)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Compose($"--{key}={value}"));

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_pass_and_are_the_registered_instances()
    {
        var (settings, services) = Compose();

        Assert.Null(settings.ConnectionString);
        Assert.Equal(new PostgresOptions().MaxPoolSize, settings.Postgres.MaxPoolSize);
        Assert.Equal(new ReservationHistoryOptions().QueueCapacity, settings.History.QueueCapacity);
        Assert.Same(settings.Postgres, services.GetRequiredService<PostgresOptions>());
        Assert.Same(settings.History, services.GetRequiredService<ReservationHistoryOptions>());
    }

    [Fact]
    public void Good_values_are_read_once()
    {
        var builder = Host.CreateApplicationBuilder(["--ConnectionStrings:Parking=Host=db;Username=parking", "--Parking:Postgres:MaxPoolSize=9", "--Parking:History:BatchSize=50"]);

        var first = builder.AddStorageSettings();
        var second = builder.AddStorageSettings();

        Assert.Same(first, second);
        Assert.Contains("Maximum Pool Size=9", first.ConnectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(50, first.History.BatchSize);
        Assert.Single(builder.Services, d => d.ServiceType == typeof(StorageSettings));
    }

    private static (StorageSettings Settings, IServiceProvider Services) Compose(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var settings = builder.AddStorageSettings();
        return (settings, builder.Services.BuildServiceProvider());
    }
}
