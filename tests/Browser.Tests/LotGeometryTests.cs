using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// The staff map on a 360 px phone is drawn from the compound file's geometry (the demo is imported like any
/// compound): the lot's outline and entrance, every space at its place, north up, and nothing scrolls sideways.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class LotGeometryTests(WebAppFixture app)
{
    [Fact]
    public async Task On_a_phone_the_staff_map_draws_the_lot_as_it_lies_and_a_space_can_be_tapped()
    {
        await using var staff = await PageSession.OpenAsync(app, 360, 740);
        await staff.SignInAsync("staff", "staff02");
        var map = staff.Page.Locator("figure.lot-map svg[data-drawn='geometry']");
        await Expect(map).ToBeVisibleAsync();
        await Expect(map.Locator("polygon.lot-outline")).ToHaveCountAsync(1);
        await Expect(map.Locator("circle.lot-entrance")).Not.ToHaveCountAsync(0);
        var spaces = map.Locator("g.space");
        Assert.True(await spaces.CountAsync() > 10);

        // Spaces of one row share a northing, so their boxes line up; the next row lies above or below, not beside.
        var first = await spaces.Nth(0).BoundingBoxAsync();
        var second = await spaces.Nth(1).BoundingBoxAsync();
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.True(Math.Abs(first.Y - second.Y) < 1 && second.X > first.X, string.Create(CultureInfo.InvariantCulture, $"{first.X},{first.Y} then {second.X},{second.Y}"));
        Assert.True(first.Width >= 18, $"A space is {first.Width} px wide on a phone: too small to tap.");

        await spaces.Nth(3).ClickAsync();
        await Expect(staff.Page.Locator(".space-panel [data-act=retype]")).ToBeVisibleAsync();
        var (scrollWidth, clientWidth) = await staff.WidthsAsync();
        Assert.True(scrollWidth <= clientWidth, $"The staff map scrolls sideways: {scrollWidth} > {clientWidth}");
        await staff.ScreenshotAsync("staff-map-geometry-phone");
        staff.AssertNoErrors();
    }
}
