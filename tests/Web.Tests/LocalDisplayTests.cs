using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Web.Components;
using Parking.Web.Services;

namespace Parking.Web.Tests;

/// <summary>Times in the compound's local time (UTC+8) and the reader's culture; money in yuan in the culture's format.</summary>
public sealed class LocalDisplayTests : BunitContext
{
    /// <summary>01:30 UTC is 09:30 in the compound (UTC+8), on the same day.</summary>
    private static readonly DateTimeOffset Instant = new(2026, 11, 22, 1, 30, 0, TimeSpan.Zero);

    private readonly LocalDisplay _display = new();

    public LocalDisplayTests()
    {
        Services.AddLocalization();
        Services.AddSingleton(_display);
    }

    private static T In<T>(string culture, Func<T> render)
    {
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            return render();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, beforeUi);
        }
    }

    private string Rendered(string culture, string format = "g") =>
        In(culture, () => Render<When>(p => p.Add(w => w.At, Instant).Add(w => w.Format, format)).Find("time").TextContent);

    [Fact]
    public void The_same_instant_reads_differently_in_chinese_and_english_both_in_the_compounds_local_time()
    {
        var zh = Rendered("zh-CN");
        var en = Rendered("en");

        Assert.NotEqual(zh, en);
        Assert.Contains("2026/11/22", zh, StringComparison.Ordinal);
        Assert.Contains("11/22/2026", en, StringComparison.Ordinal);
        Assert.Contains("9:30", zh, StringComparison.Ordinal);
        Assert.Contains("9:30", en, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.FromHours(8)).ToString("g", CultureInfo.GetCultureInfo("zh-CN")), zh);
    }

    [Fact]
    public void The_compounds_offset_not_the_machines_zone_decides_the_hour_and_the_day()
    {
        var late = new DateTimeOffset(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
        var compound = In("en", () => _display.Format(late, "d"));

        _display.Use(TimeSpan.Zero);
        var utc = In("en", () => _display.Format(late, "d"));
        var atUtc = Rendered("en", "t");

        Assert.Equal("11/23/2026", compound);
        Assert.Equal("11/22/2026", utc);
        Assert.Contains("1:30", atUtc, StringComparison.Ordinal);
    }

    [Fact]
    public void The_time_element_keeps_the_instant_machine_readable()
    {
        var time = In("zh-CN", () => Render<When>(p => p.Add(w => w.At, Instant)).Find("time"));
        Assert.Equal("2026-11-22T01:30:00.0000000+00:00", time.GetAttribute("datetime"));
    }

    [Fact]
    public void A_window_names_one_day_once_and_two_days_twice()
    {
        var sameDay = In("en", () => _display.Window(Instant, Instant.AddHours(2)));
        var overnight = In("en", () => _display.Window(Instant.AddHours(12), Instant.AddHours(16)));

        Assert.Equal(1, Count(sameDay, "11/22/2026"));
        Assert.Contains("11:30", sameDay, StringComparison.Ordinal);
        Assert.Equal(1, Count(overnight, "11/22/2026"));
        Assert.Equal(1, Count(overnight, "11/23/2026"));
    }

    [Fact]
    public void A_form_time_is_read_in_the_compounds_local_time()
    {
        var typed = new DateTime(2026, 11, 22, 9, 30, 0, DateTimeKind.Local);
        Assert.Equal(Instant, _display.FromLocal(typed));
        Assert.Equal(TimeSpan.FromHours(8), _display.FromLocal(typed).Offset);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Money_is_in_yuan_with_the_cultures_grouping(string culture)
    {
        var text = In(culture, () => _display.Money(1234.5m));
        Assert.StartsWith("¥", text, StringComparison.Ordinal);
        Assert.Contains("1,234.50", text, StringComparison.Ordinal);
        Assert.Equal("12,345", In(culture, () => LocalDisplay.Number(12345)));
    }

    [Fact]
    public async Task The_compounds_offset_is_read_once_signed_in_even_after_a_page_asked_before_sign_in()
    {
        // A page that asks before the session is signed in fails at once (no compound to ask about), before the read's
        // first await; the next page must still ask, and once read, no page asks again.
        JSInterop.Mode = JSRuntimeMode.Loose;
        var session = new Session(JSInterop.JSRuntime);
        var server = new InfoApi();
        var api = new ParkingApi(new HttpClient(server) { BaseAddress = new Uri("http://localhost/") }, session);

        await _display.EnsureLoadedAsync(api);
        Assert.Equal(LocalDisplay.DefaultOffset, _display.Offset);
        Assert.Equal(0, server.Asked);

        await session.SignInAsync(new DevTokenResponse("token", Instant.AddHours(1), new UserDto("c", "staff01", "Staff", Roles.Staff, null, null, [])));
        await _display.EnsureLoadedAsync(api);
        await _display.EnsureLoadedAsync(api);

        Assert.Equal(TimeSpan.FromHours(9), _display.Offset);
        Assert.Equal("JPY", _display.Currency);
        Assert.Equal(1, server.Asked);
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>Answers the compound's info (UTC+9, yen, unlike the defaults) and counts the questions.</summary>
    private sealed class InfoApi : HttpMessageHandler
    {
        public int Asked { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked++;
            Assert.Equal("/api/compounds/c/info", request.RequestUri!.AbsolutePath);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(new CompoundInfoDto("c", "+09:00", 540, "JPY"), options: JsonSerializerOptions.Web),
            });
        }
    }
}
