using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Parking.Contracts;
using Parking.Web.Components;
using static Parking.Web.Tests.Spaces;

namespace Parking.Web.Tests;

public sealed class LotMapTests : BunitContext
{
    public LotMapTests() => Services.AddLocalization();

    [Fact]
    public void A_space_is_reserved_while_a_hold_covers_now_booked_when_one_starts_within_a_day_else_free()
    {
        Assert.Equal("reserved", LotMapLayout.StateAt(Space("a", "free", Window(-1, 1)), Now));
        Assert.Equal("booked", LotMapLayout.StateAt(Space("b", "free", Window(2, 3)), Now));
        Assert.Equal("free", LotMapLayout.StateAt(Space("c", "free", Window(25, 26)), Now));
        Assert.Equal("free", LotMapLayout.StateAt(Space("d", "free", Window(-3, -1)), Now));
        Assert.Equal("free", LotMapLayout.StateAt(Space("e", "free", Window(-1, 0)), Now));
        Assert.Equal("occupied", LotMapLayout.StateAt(Space("f", "occupied"), Now));
        Assert.Equal("outOfService", LotMapLayout.StateAt(Space("g", "outOfService", Window(-1, 1)), Now));
    }

    [Fact]
    public void Spaces_fill_rows_left_to_right_with_an_aisle_after_every_second_row()
    {
        var spaces = Enumerable.Range(0, 7).Select(i => Space($"L-{i:000}")).ToList();
        var cells = LotMapLayout.Arrange(spaces, columns: 2);

        Assert.Equal((0, 0), (cells[0].Column, cells[0].Row));
        Assert.Equal((1, 0), (cells[1].Column, cells[1].Row));
        Assert.Equal((0, 3), (cells[6].Column, cells[6].Row));
        var rowStep = LotMapLayout.CellHeight + LotMapLayout.Gap;
        Assert.Equal(rowStep, cells[2].Y);
        Assert.Equal((2 * rowStep) + LotMapLayout.Aisle, cells[4].Y);
        Assert.Equal(cells[6].Y + LotMapLayout.CellHeight, LotMapLayout.Height(7, 2));
    }

    [Fact]
    public void The_staff_map_colours_each_space_by_its_state()
    {
        var map = Render<LotMap>(p => p
            .Add(m => m.Spaces, [Space("L-001"), Space("L-002", "free", Window(1, 2)), Space("L-003", "free", Window(-1, 1)), Space("L-004", "occupied"), Space("L-005", "outOfService")])
            .Add(m => m.Now, Now));

        Assert.Equal("space free", map.Find("g[data-space='L-001']").GetAttribute("class"));
        Assert.Equal("space booked", map.Find("g[data-space='L-002']").GetAttribute("class"));
        Assert.Equal("space reserved", map.Find("g[data-space='L-003']").GetAttribute("class"));
        Assert.Equal("space occupied", map.Find("g[data-space='L-004']").GetAttribute("class"));
        Assert.Equal("space outOfService", map.Find("g[data-space='L-005']").GetAttribute("class"));
        Assert.Empty(map.FindAll("g[role=button]"));
        Assert.Equal("001", map.Find("g[data-space='L-001'] text").TextContent);
    }

    [Fact]
    public void On_the_drivers_map_only_the_spaces_free_for_the_window_can_be_picked_by_click_or_keyboard()
    {
        SpaceOccupancyDto? picked = null;
        var map = Render<LotMap>(p => p
            .Add(m => m.Spaces, [Space("L-001"), Space("L-002"), Space("L-003", "occupied")])
            .Add(m => m.Now, Now)
            .Add(m => m.Selectable, new HashSet<string> { "L-002" })
            .Add(m => m.OnPick, s => picked = s));

        Assert.Equal("space dim", map.Find("g[data-space='L-001']").GetAttribute("class"));
        var pickable = map.Find("g[data-space='L-002']");
        Assert.Equal("space pick", pickable.GetAttribute("class"));
        Assert.Equal("button", pickable.GetAttribute("role"));
        Assert.Equal("0", pickable.GetAttribute("tabindex"));
        Assert.Single(map.FindAll("g[role=button]"));

        map.Find("g[data-space='L-001']").Click();
        Assert.Null(picked);
        map.Find("g[data-space='L-002']").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        Assert.Equal("L-002", picked?.SpaceId);
    }

    [Fact]
    public void With_the_files_geometry_the_lot_is_drawn_as_it_lies_north_up_with_each_space_at_its_place_and_heading()
    {
        var geometry = new LotGeometryDto([new(0, 0), new(20, 0), new(20, 12), new(0, 12)], [new(0, 6)]);
        SpaceOccupancyDto[] spaces =
        [
            Space("L-001") with { Position = new(3, 3), HeadingDegrees = 0 },
            Space("L-002", "occupied") with { Position = new(6, 9), HeadingDegrees = 180 },
        ];

        var map = Render<LotMap>(p => p.Add(m => m.Spaces, spaces).Add(m => m.Geometry, geometry).Add(m => m.Now, Now));

        Assert.Equal("geometry", map.Find("svg").GetAttribute("data-drawn"));
        // Metres east and north become drawing units (10 per metre) with y pointing down, so north is up.
        Assert.Equal("0,0 200,0 200,-120 0,-120", map.Find("polygon.lot-outline").GetAttribute("points"));
        Assert.Equal(("0", "-60"), (map.Find("circle.lot-entrance").GetAttribute("cx"), map.Find("circle.lot-entrance").GetAttribute("cy")));
        Assert.Equal("translate(30 -30)", map.Find("g[data-space='L-001']").GetAttribute("transform"));
        Assert.Equal("translate(60 -90)", map.Find("g[data-space='L-002']").GetAttribute("transform"));
        Assert.Equal("rotate(180)", map.Find("g[data-space='L-002'] rect").GetAttribute("transform"));
        Assert.Equal("space occupied", map.Find("g[data-space='L-002']").GetAttribute("class"));
        // The view holds the outline, the entrance and the spaces' far ends, with a margin: nothing is cut.
        var box = map.Find("svg").GetAttribute("viewBox")!.Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(box[0] < 0 && box[1] < -120 && box[0] + box[2] > 200 && box[1] + box[3] > 0, string.Join(' ', box));
    }

    [Fact]
    public void A_lot_without_an_outline_or_with_a_space_of_unknown_place_is_drawn_in_rows()
    {
        var geometry = new LotGeometryDto([new(0, 0), new(20, 0), new(20, 12)], []);
        SpaceOccupancyDto[] spaces = [Space("L-001") with { Position = new(3, 3) }, Space("L-002")];

        var withGap = Render<LotMap>(p => p.Add(m => m.Spaces, spaces).Add(m => m.Geometry, geometry).Add(m => m.Now, Now));
        var noOutline = Render<LotMap>(p => p.Add(m => m.Spaces, [spaces[0]]).Add(m => m.Now, Now));

        Assert.Equal("rows", withGap.Find("svg").GetAttribute("data-drawn"));
        Assert.Equal("rows", noOutline.Find("svg").GetAttribute("data-drawn"));
        Assert.Equal(2, withGap.FindAll("g[data-space]").Count);
    }
}
