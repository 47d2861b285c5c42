using System.Globalization;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parking.Web.Components;
using Parking.Web.Services;

namespace Parking.Web.Tests;

public sealed class CountdownTests : BunitContext
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));

    public CountdownTests()
    {
        Services.AddLocalization();
        Services.AddSingleton<TimeProvider>(_time);
    }

    [Theory]
    [InlineData(90, "0:01:30")]
    [InlineData(0.2, "0:00:01")]
    [InlineData(0, "0:00:00")]
    [InlineData(-5, "0:00:00")]
    [InlineData(3600 * 26 + 65, "1d 02:01")]
    public void Formats_what_is_left(double seconds, string expected) =>
        Assert.Equal(expected, Countdown.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Counts_down_as_time_passes_and_stops_at_zero()
    {
        var countdown = Render<Countdown>(p => p.Add(c => c.Until, _time.GetUtcNow().AddSeconds(90)));
        Assert.Equal("0:01:30", countdown.Find(".countdown").TextContent);

        _time.Advance(TimeSpan.FromSeconds(30));
        countdown.WaitForAssertion(() => Assert.Equal("0:01:00", countdown.Find(".countdown").TextContent));

        _time.Advance(TimeSpan.FromMinutes(5));
        countdown.WaitForAssertion(() => Assert.Equal("0:00:00", countdown.Find(".countdown").TextContent));
    }
}

public sealed class ConnectionBannerTests : BunitContext
{
    public ConnectionBannerTests() => Services.AddLocalization();

    [Theory]
    [InlineData(LinkState.Offline, false, false)]
    [InlineData(LinkState.Connected, true, false)]
    [InlineData(LinkState.Reconnecting, true, true)]
    [InlineData(LinkState.Offline, true, true)]
    public void Shows_only_when_a_connection_that_was_up_is_down(LinkState state, bool everConnected, bool shown)
    {
        var banner = Render<ConnectionBanner>(p => p.Add(b => b.State, state).Add(b => b.EverConnected, everConnected));
        Assert.Equal(shown, banner.FindAll(".banner.offline").Count == 1);
        Assert.Equal("polite", banner.Find(".banner-slot").GetAttribute("aria-live"));
    }

    [Fact]
    public void Speaks_the_users_language()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            var zh = Render<ConnectionBanner>(p => p.Add(b => b.State, LinkState.Reconnecting));
            Assert.StartsWith("连接已断开", zh.Find(".banner").TextContent, StringComparison.Ordinal);

            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            var en = Render<ConnectionBanner>(p => p.Add(b => b.State, LinkState.Reconnecting));
            Assert.StartsWith("Connection lost", en.Find(".banner").TextContent, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}

public sealed class LanguageSwitchTests : BunitContext
{
    public LanguageSwitchTests()
    {
        Services.AddLocalization();
        Services.AddScoped<CultureChoice>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [InlineData(null, "zh-CN")]
    [InlineData("fr", "zh-CN")]
    [InlineData("en", "en")]
    [InlineData("zh-CN", "zh-CN")]
    public void Chinese_unless_English_was_chosen(string? stored, string expected) =>
        Assert.Equal(expected, CultureChoice.Resolve(stored).Name);

    [Fact]
    public void Choosing_English_remembers_it_and_reloads_the_page_in_it()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            var navigation = Services.GetRequiredService<NavigationManager>();
            navigation.NavigateTo("driver");
            var switcher = Render<Parking.Web.Components.LanguageSwitch>();

            Assert.Equal("true", switcher.Find("button[lang='zh-CN']").GetAttribute("aria-pressed"));
            Assert.Equal("false", switcher.Find("button[lang='en']").GetAttribute("aria-pressed"));

            switcher.Find("button[lang='en']").Click();

            var stored = Assert.Single(JSInterop.Invocations, i => i.Identifier == "localStorage.setItem");
            Assert.Equal([CultureChoice.StorageKey, "en"], stored.Arguments);
            var bunitNavigation = Services.GetRequiredService<BunitNavigationManager>();
            var reload = bunitNavigation.History.First();
            Assert.EndsWith("/driver", reload.Uri, StringComparison.Ordinal);
            Assert.True(reload.Options.ForceLoad);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [Fact]
    public void Choosing_the_current_language_does_nothing()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            var switcher = Render<Parking.Web.Components.LanguageSwitch>();
            switcher.Find("button[lang='zh-CN']").Click();
            Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "localStorage.setItem");
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
