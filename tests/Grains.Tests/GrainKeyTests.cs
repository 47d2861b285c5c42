using Parking.Domain.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using Parking.Grains.Notices;
using Parking.Grains.Notifications;
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
    public async Task The_booking_path_helpers_reuse_one_reference_per_key_and_it_reaches_the_same_grain()
    {
        var first = _grains.HouseholdLedger("c1", "h-17");
        Assert.Same(first, _grains.HouseholdLedger("c1", "h-17"));
        Assert.Same(_grains.Space("c1", "G1-001"), _grains.Space("c1", "G1-001"));
        Assert.Same(_grains.Resident("c1", "r00012"), _grains.Resident("c1", "r00012"));
        Assert.Same(_grains.Lot("c1", "G1"), _grains.Lot("c1", "G1"));
        Assert.NotSame(first, _grains.HouseholdLedger("c1", "h-18"));
        Assert.Equal(_grains.GetGrain<IHouseholdLedgerGrain>("c1/h-17").GetGrainId(), first.GetGrainId());

        // A reused reference calls the grain as a fresh one does.
        var spaceId = fixture.Layout.Lots[0].Spaces[0].SpaceId;
        var reused = _grains.Space(fixture.CompoundId, spaceId);
        Assert.Same(reused, _grains.Space(fixture.CompoundId, spaceId));
        Assert.Equal(spaceId, (await reused.GetAvailability())!.Definition.SpaceId);
    }

    [Fact]
    public void A_household_ledger_reaches_its_settlement_shard_through_one_reused_reference()
    {
        var account = Parking.Domain.Credits.Accounts.Household("h-17");
        var shard = _grains.SettlementShard("c1", account);
        Assert.Same(shard, _grains.SettlementShard("c1", account));
        Assert.Same(shard, _grains.SettlementShard("c1", Parking.Domain.Credits.Accounts.SettlementShard(account, GrainKeys.SettlementShards)));
        Assert.Equal(_grains.GetGrain<ISettlementShardGrain>(
            $"c1/settlement-{Parking.Domain.Credits.Accounts.SettlementShard(account, GrainKeys.SettlementShards)}").GetGrainId(), shard.GetGrainId());
    }

    [Fact]
    public async Task The_notifier_the_notice_router_a_compound_and_its_rounds_are_reused_references_that_reach_their_grains()
    {
        Assert.Same(_grains.PushNotifier(), _grains.PushNotifier());
        Assert.Same(_grains.NoticeRouter(), _grains.NoticeRouter());
        Assert.Same(_grains.Compound("c1"), _grains.Compound("c1"));
        Assert.Same(_grains.Rounds("c1"), _grains.Rounds("c1"));
        Assert.NotSame(_grains.Compound("c1"), _grains.Compound("c2"));
        Assert.Equal(_grains.GetGrain<IPushNotifierGrain>(0).GetGrainId(), _grains.PushNotifier().GetGrainId());
        Assert.Equal(_grains.GetGrain<INoticeRouterGrain>(0).GetGrainId(), _grains.NoticeRouter().GetGrainId());
        Assert.Equal(_grains.GetGrain<ICompoundGrain>("c1").GetGrainId(), _grains.Compound("c1").GetGrainId());
        Assert.Equal(_grains.GetGrain<Parking.Grains.Rounds.IRoundGrain>("c1").GetGrainId(), _grains.Rounds("c1").GetGrainId());

        // Each silo's factory keeps its own: a reference made by one silo's runtime is not handed to another's.
        var other = ((Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services.GetRequiredService<IGrainFactory>();
        Assert.NotSame(_grains.PushNotifier(), other.PushNotifier());
        Assert.Same(other.PushNotifier(), other.PushNotifier());

        // A reused reference calls the grain as a fresh one does.
        Assert.Equal(fixture.CompoundId, (await _grains.Compound(fixture.CompoundId).GetLayout())?.CompoundId);
    }

    [Fact]
    public void The_reference_cache_is_bounded_and_starts_afresh_when_full()
    {
        var first = _grains.Space("bounded", "s-0");
        for (var i = 1; i <= GrainKeys.CachedReferences * 4; i++)
        {
            _grains.Space("bounded", $"s-{i}");
        }

        // Emptied once it held its bound, so the first key gets a new (equal) reference.
        var again = _grains.Space("bounded", "s-0");
        Assert.NotSame(first, again);
        Assert.Equal(first.GetGrainId(), again.GetGrainId());
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
