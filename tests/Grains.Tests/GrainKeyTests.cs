using Parking.Domain.Scenarios;
using Parking.Grains.Notices;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>The keys the factory helpers build for residents, inboxes, scenarios and runs, and what the grains read back from them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainKeyTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public void Each_helper_builds_a_compound_scoped_key_that_parses_back_to_its_parts()
    {
        Assert.Equal(new CompoundScopedKey("c1", "r00012"), CompoundScopedKey.Parse(_grains.Resident("c1", "r00012").GetPrimaryKeyString()));
        Assert.Equal(new CompoundScopedKey("c1", "staff01"), CompoundScopedKey.Parse(_grains.NoticeInbox("c1", "staff01").GetPrimaryKeyString()));
        Assert.Equal(new CompoundScopedKey("c1", "s-3"), CompoundScopedKey.Parse(_grains.Scenario("c1", "s-3").GetPrimaryKeyString()));
        Assert.Equal(new CompoundScopedKey("c1", "run-7"), CompoundScopedKey.Parse(_grains.SimulationRun("c1", "run-7").GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_scenario_grain_reads_its_compound_and_id_from_its_key()
    {
        var compoundId = "key-test";
        await _grains.Compound(compoundId).InitializeLayout(fixture.Layout with { CompoundId = compoundId });

        var created = await _grains.ScenarioCatalog(compoundId).Create(
            new ScenarioDefinition("Keys", "why", LayoutChanges.None, ScenarioRules.Live), "committee01", origin: null);
        Assert.True(created.IsSuccess, created.Error?.Message);

        var view = await _grains.Scenario(compoundId, created.Value!.ScenarioId).Get();
        Assert.Equal((compoundId, created.Value.ScenarioId), (view!.Summary.CompoundId, view.Summary.ScenarioId));
        Assert.Null(await _grains.Scenario(compoundId, "no-such-scenario").Get());
    }
}
