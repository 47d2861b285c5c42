using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Grains.Scenarios;
using Xunit;

namespace Parking.Grains.Tests.Scenarios;

/// <summary>Scenarios on the two-silo cluster, each test in a compound of its own (a copy of the small demo layout).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ScenarioGrainTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private async Task<string> NewCompound(string name)
    {
        var compoundId = $"scenario-test-{name}";
        await _grains.Compound(compoundId).InitializeLayout(fixture.Layout with { CompoundId = compoundId });
        return compoundId;
    }

    private SpaceDefinition First(Func<SpaceDefinition, bool> predicate) => fixture.Layout.Lots.SelectMany(l => l.Spaces).First(predicate);

    private static ScenarioDefinition Definition(string name, params SpaceChange[] spaces) =>
        new(name, "why", LayoutChanges.None with { Spaces = spaces }, ScenarioRules.Live);

    [Fact]
    public async Task Every_save_is_a_new_version_and_the_catalog_lists_the_latest()
    {
        var compound = await NewCompound("versions");
        var catalog = _grains.ScenarioCatalog(compound);
        var common = First(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard);

        var created = await catalog.Create(Definition("More EV"), "committee01", origin: null);
        Assert.True(created.IsSuccess, created.Error?.Message);
        var id = created.Value!.ScenarioId;
        Assert.Equal((1, false), (created.Value.LatestVersion, created.Value.ChangesCommonParts));

        var saved = await _grains.Scenario(compound, id).Save(Definition("More EV (2)", new SpaceChange(common.SpaceId, SpaceKind.EV)), "committee02", basedOn: 1);
        Assert.True(saved.IsSuccess, saved.Error?.Message);
        Assert.Equal((2, "committee02", true), (saved.Value!.Number, saved.Value.Author, saved.Value.ChangesCommonParts));
        Assert.Equal(fixture.Layout.SpaceCount, saved.Value.LiveSpaceCount);
        Assert.Equal(LayoutFingerprint.Of(fixture.Layout with { CompoundId = compound }), saved.Value.LiveFingerprint);

        // Version 1 is unchanged; the catalog shows the latest version's name and flag.
        var first = await _grains.Scenario(compound, id).GetVersion(1);
        Assert.Equal(("More EV", 0), (first!.Definition.Name, first.Definition.Changes.Count));
        var listed = Assert.Single(await catalog.List(includeArchived: false));
        Assert.Equal((id, "More EV (2)", 2, true), (listed.ScenarioId, listed.Name, listed.LatestVersion, listed.ChangesCommonParts));
    }

    [Fact]
    public async Task A_refused_save_changes_nothing()
    {
        var compound = await NewCompound("refused");
        var created = (await _grains.ScenarioCatalog(compound).Create(Definition("Base"), "committee01", "rebalancing:p1")).Value!;
        Assert.Equal("rebalancing:p1", created.Origin);
        var scenario = _grains.Scenario(compound, created.ScenarioId);

        var unknown = await scenario.Save(Definition("Bad", new SpaceChange("no-such-space")), "committee01", null);
        Assert.Equal(("changes.spaces[0].spaceId", "unknown-space"), (unknown.Error!.Field, unknown.Error.Code));

        var stale = await scenario.Save(Definition("Late"), "committee01", basedOn: 0);
        Assert.Equal((ErrorKind.Conflict, "scenario-version-stale"), (stale.Error!.Kind, stale.Error.Code));

        var view = await scenario.Get();
        Assert.Equal(("Base", 1), (view!.Summary.Name, Assert.Single(view.Versions).Number));

        var refusedCreate = await _grains.ScenarioCatalog(compound).Create(Definition(" "), "committee01", null);
        Assert.Equal("name", refusedCreate.Error!.Field);
        Assert.Single(await _grains.ScenarioCatalog(compound).List(includeArchived: true));
    }

    [Fact]
    public async Task An_archived_scenario_leaves_the_list_and_takes_no_new_versions()
    {
        var compound = await NewCompound("archive");
        var catalog = _grains.ScenarioCatalog(compound);
        var kept = (await catalog.Create(Definition("Kept"), "committee01", null)).Value!;
        var gone = (await catalog.Create(Definition("Gone"), "committee01", null)).Value!;
        Assert.NotEqual(kept.ScenarioId, gone.ScenarioId);

        var archived = await _grains.Scenario(compound, gone.ScenarioId).Archive("committee01");
        Assert.True(archived.Value!.Archived);

        Assert.Equal([kept.ScenarioId], (await catalog.List(includeArchived: false)).Select(s => s.ScenarioId));
        Assert.Equal(2, (await catalog.List(includeArchived: true)).Count);
        var refused = await _grains.Scenario(compound, gone.ScenarioId).Save(Definition("Again"), "committee01", null);
        Assert.Equal("scenario-archived", refused.Error!.Code);
    }

    [Fact]
    public async Task A_compound_without_a_layout_has_no_scenarios()
    {
        var refused = await _grains.ScenarioCatalog("scenario-test-no-layout").Create(Definition("x"), "committee01", null);

        Assert.Equal((ErrorKind.NotFound, "compound-not-found"), (refused.Error!.Kind, refused.Error.Code));
        Assert.Null(await _grains.Scenario("scenario-test-no-layout", "s1").Get());
    }
}
