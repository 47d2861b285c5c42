using Parking.Contracts;
using Parking.Web.Services;
using static Parking.Web.Tests.Spaces;

namespace Parking.Web.Tests;

public sealed class LotViewTests
{
    private static readonly Guid Epoch = Guid.NewGuid();

    private static LotView View() => new(new LotOccupancyDto(
        "c", "L", "Lot L", Epoch, 10, Now, new Dictionary<string, int>(), [Space("L-001"), Space("L-002")]));

    private static LotChangeDto Change(long sequence, SpaceOccupancyDto space, Guid? epoch = null) =>
        new("c", "L", epoch ?? Epoch, sequence, Now, space);

    [Fact]
    public void The_next_change_replaces_its_space_and_moves_the_sequence_on()
    {
        var view = View();
        Assert.Equal(LotApply.Applied, view.Apply(Change(11, Space("L-002", "occupied") with { Version = 2 })));
        Assert.Equal(11, view.Sequence);
        Assert.Equal("occupied", view.Spaces.Single(s => s.SpaceId == "L-002").Status.WireName());
        Assert.Equal(2, view.Spaces.Count);
    }

    [Fact]
    public void A_change_seen_already_is_ignored()
    {
        var view = View();
        Assert.Equal(LotApply.Duplicate, view.Apply(Change(10, Space("L-001", "occupied"))));
        Assert.Equal("free", view.Spaces[0].Status.WireName());
    }

    [Fact]
    public void A_gap_or_another_epoch_asks_for_a_reload_and_changes_nothing()
    {
        var view = View();
        Assert.Equal(LotApply.Reload, view.Apply(Change(12, Space("L-001", "occupied"))));
        Assert.Equal(LotApply.Reload, view.Apply(Change(11, Space("L-001", "occupied"), Guid.NewGuid())));
        Assert.Equal(10, view.Sequence);
        Assert.Equal("free", view.Spaces[0].Status.WireName());
    }
}
