using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The notifier's window (<see cref="HubPushOptions.FlushWindow"/>): as the rules bind it (a default, a set value, a value
/// out of range refused with its key), and how long a batch gathers after the last one left.
/// </summary>
public sealed class PushWindowTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void A_batch_begun_within_a_window_of_the_last_waits_out_the_rest_of_that_window()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(20), PushNotifierGrain.FlushDelay(TimeSpan.Zero, Window));
        Assert.Equal(TimeSpan.FromMilliseconds(15), PushNotifierGrain.FlushDelay(TimeSpan.FromMilliseconds(5), Window));
        Assert.Equal(TimeSpan.FromTicks(1), PushNotifierGrain.FlushDelay(Window - TimeSpan.FromTicks(1), Window));
    }

    [Fact]
    public void A_batch_begun_a_window_or_more_after_the_last_leaves_at_once()
    {
        Assert.Equal(TimeSpan.Zero, PushNotifierGrain.FlushDelay(Window, Window));
        Assert.Equal(TimeSpan.Zero, PushNotifierGrain.FlushDelay(TimeSpan.FromMinutes(5), Window));
    }

    [Fact]
    public void Unset_the_window_is_the_default_of_20_ms()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(20), Options().FlushWindow);
        Assert.Equal(HubPushOptions.DefaultFlushWindow, Options().FlushWindow);
    }

    [Fact]
    public void A_window_that_is_set_is_the_one_the_notifier_reads()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(40), Options(("Parking:Hub:FlushWindow", "00:00:00.040")).FlushWindow);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:00.010")]
    [InlineData("00:00:01.001")]
    public void A_window_out_of_range_is_refused_naming_its_key(string window)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(("Parking:Hub:FlushWindow", window)));

        Assert.Contains("Parking:Hub:FlushWindow", refused.Message, StringComparison.Ordinal);
    }

    private static HubPushOptions Options(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddParkingRules();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HubPushOptions>>().Value;
    }
}
