using Parking.Contracts;
using Parking.Web.Services;
using Xunit;

namespace Parking.Web.Tests;

public sealed class ProposalEditsTests
{
    private static readonly ScenarioChangesDto Changes = new(
        Spaces: [new("G1-001", Kind: "ev"), new("G1-002", Kind: "ev"), new("S1-010", Kind: "standard")],
        Chargers: [new("G1-001", 7), new("G1-002", 7)],
        Shelters: [new("E01", Ports: 40)]);

    [Fact]
    public void Dropping_a_group_removes_its_spaces_and_the_chargers_on_them_only()
    {
        var group = new RebalancingRetypeDto("G1", SpaceKindDto.Standard, SpaceKindDto.EV, ["G1-001", "G1-002"], 120, "space-hours", 0, "space-hours", 80, ["B01"]);

        var kept = SuggestionEdits.Drop(Changes, group);

        Assert.Equal(["S1-010"], kept.Spaces!.Select(s => s.SpaceId));
        Assert.Empty(kept.Chargers!);
        Assert.Equal(Changes.Shelters, kept.Shelters);
        Assert.Equal(1, SuggestionEdits.Count(kept));
        Assert.Equal(5, SuggestionEdits.Count(Changes));
    }
}
