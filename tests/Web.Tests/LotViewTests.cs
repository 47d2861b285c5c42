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

    private static LotChangeDto Restarted(Guid epoch, long sequence = 0) =>
        new("c", "L", epoch, sequence, Now, null, LotChangeKinds.Restarted);

    [Fact]
    public void A_lot_restarted_under_a_new_epoch_asks_for_a_reload_and_changes_nothing()
    {
        var view = View();
        Assert.Equal(LotApply.Reload, view.Apply(Restarted(Guid.NewGuid())));
        Assert.Equal(Epoch, view.Epoch);
        Assert.Equal(10, view.Sequence);
        Assert.Equal(["free", "free"], view.Spaces.Select(s => s.Status.WireName()));
    }

    [Fact]
    public void The_restart_of_the_epoch_already_shown_is_ignored()
    {
        // A page that loaded the lot after its rebuild holds the new epoch already; the announcement then brings nothing.
        var view = View();
        Assert.Equal(LotApply.Duplicate, view.Apply(Restarted(Epoch, 0)));
        Assert.Equal(LotApply.Duplicate, view.Apply(Restarted(Epoch, 10)));
        Assert.Equal(LotApply.Reload, view.Apply(Restarted(Epoch, 11)));
        Assert.Equal(10, view.Sequence);
    }

    [Fact]
    public void A_restart_as_the_server_writes_it_reads_as_a_reload_and_a_change_without_a_kind_as_a_space_change()
    {
        // The JSON a hub sends (SignalR's JSON protocol uses the web defaults: camelCase names).
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var other = Guid.NewGuid();
        var json = System.Text.Json.JsonSerializer.Serialize(Restarted(other), options);
        Assert.Contains("\"kind\":\"restarted\"", json, StringComparison.Ordinal);
        var read = System.Text.Json.JsonSerializer.Deserialize<LotChangeDto>(json, options)!;
        Assert.True(read.IsRestart);
        Assert.Null(read.Space);
        Assert.Equal(LotApply.Reload, View().Apply(read));

        // A server from before the kind existed sends no "kind": it is a change of a space, as it always was.
        var old = System.Text.Json.JsonSerializer.Serialize(Change(11, Space("L-002", "occupied") with { Version = 2 }), options)
            .Replace(",\"kind\":\"space\"", "", StringComparison.Ordinal);
        Assert.False(System.Text.Json.JsonDocument.Parse(old).RootElement.TryGetProperty("kind", out _));
        var change = System.Text.Json.JsonSerializer.Deserialize<LotChangeDto>(old, options)!;
        Assert.False(change.IsRestart);
        var view = View();
        Assert.Equal(LotApply.Applied, view.Apply(change));
        Assert.Equal("occupied", view.Spaces.Single(s => s.SpaceId == "L-002").Status.WireName());
    }
}
