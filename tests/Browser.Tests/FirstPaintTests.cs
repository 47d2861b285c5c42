using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// The driver's forms are drawn before the compound's UTC offset has arrived (<c>GET …/info</c>). While it is
/// held back, their date fields must already show today, never year 1 (0001-01-01), and once it answers they keep a
/// sensible value.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class FirstPaintTests(WebAppFixture app)
{
    [Fact]
    public async Task The_booking_and_charging_forms_show_today_before_the_compound_offset_arrives()
    {
        await using var driver = await PageSession.OpenAsync(app);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await driver.Page.RouteAsync(InfoPath(), async route =>
        {
            await held.Task;
            await route.ContinueAsync();
        });
        var thisYear = DateTime.UtcNow.Year;

        await driver.SignInAsync("resident", "r00042");
        var start = driver.Page.Locator("#start");
        await Expect(start).ToBeVisibleAsync();
        Assert.False(held.Task.IsCompleted);
        var early = await start.InputValueAsync();
        Assert.Matches(LocalMinute(), early);
        Assert.InRange(int.Parse(early[..4], System.Globalization.CultureInfo.InvariantCulture), thisYear, thisYear + 1);

        held.SetResult();
        await Expect(start).ToHaveValueAsync(LocalMinute());

        // The charging page is another first load of the app: hold the offset back again.
        var again = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await driver.Page.UnrouteAllAsync(new PageUnrouteAllOptions { Behavior = UnrouteBehavior.Wait });
        await driver.Page.RouteAsync(InfoPath(), async route =>
        {
            await again.Task;
            await route.ContinueAsync();
        });
        await driver.Page.GotoAsync("charging");
        var departure = driver.Page.Locator("#departure");
        await Expect(departure).ToBeVisibleAsync();
        var departs = await departure.InputValueAsync();
        Assert.Matches(LocalMinute(), departs);
        Assert.InRange(int.Parse(departs[..4], System.Globalization.CultureInfo.InvariantCulture), thisYear, thisYear + 1);
        again.SetResult();
        await Expect(departure).ToHaveValueAsync(LocalMinute());
        driver.AssertNoErrors();
    }

    private static Regex InfoPath() => new("/api/compounds/[^/]+/info$");

    [GeneratedRegex("^2\\d{3}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$")]
    private static partial Regex LocalMinute();
}
