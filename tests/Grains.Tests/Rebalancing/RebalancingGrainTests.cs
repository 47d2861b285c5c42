using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Parking.Domain.Rebalancing;
using Parking.Grains.Rebalancing;
using Xunit;

namespace Parking.Grains.Tests.Rebalancing;

/// <summary>Rebalancing proposals through the grain, each test on a compound of its own (the small demo layout under a new id).</summary>
[Collection(ClusterCollection.Name)]
public sealed class RebalancingGrainTests(ClusterFixture fixture)
{
    private static readonly RebalancingAsk Ask = new([], 6, 2, [], RebalancingAsk.Synthetic, 1.5, 0.3, 1, 7, true, 0.3, 2, 28);

    private async Task<(IRebalancingGrain Grain, CompoundLayout Layout)> NewCompound(string id, DemoCompoundSize size = DemoCompoundSize.Small)
    {
        var layout = Rekey(DemoCompoundGenerator.Generate(size), id);
        await fixture.Grains.Compound(id).InitializeLayout(layout);
        return (fixture.Grains.Rebalancing(id), layout);
    }

    private static async Task<RebalancingSuggestion> Finished(IRebalancingGrain grain, string proposalId)
    {
        // Bounded: the solve has a 2 s limit; a loaded machine may take longer to get to it.
        for (var i = 0; i < 600; i++)
        {
            var proposal = await grain.Get(proposalId);
            if (proposal is { Status: not RebalancingStatus.Running })
            {
                return proposal;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Proposal {proposalId} still running after a minute.");
    }

    [Fact]
    public async Task A_proposal_keeps_fixed_spaces_and_the_budget_and_becomes_a_scenario_on_accept()
    {
        var (grain, layout) = await NewCompound("rebal-accept");
        var fixedIds = layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Kind == SpaceKind.Visitor).Select(s => s.SpaceId).Take(3).ToList();

        var started = await grain.Request(Ask with { FixedSpaceIds = fixedIds }, "staff01");
        Assert.Equal(RebalancingStatus.Running, started.Value!.Status);
        var ready = await Finished(grain, started.Value.SuggestionId);

        Assert.Equal(RebalancingStatus.Ready, ready.Status);
        Assert.Equal(RebalancingAsk.Synthetic, ready.DemandUsed);
        Assert.NotNull(ready.Before);
        Assert.NotNull(ready.After);
        Assert.True(ready.Changes.Spaces.Count <= Ask.MaxSpaceChanges);
        Assert.True(ready.Changes.Chargers.Count(c => c.MaxKw > 0) <= Ask.MaxNewChargers);
        Assert.DoesNotContain(ready.Changes.Spaces, c => fixedIds.Contains(c.SpaceId));
        Assert.True(ScenarioLayout.Apply(layout, ready.Changes).IsSuccess);
        Assert.True(ready.After!.Objective >= ready.Before!.Objective - 1e-3);

        // The simulated effect: both layouts, one simulated day each, the same demand and seed.
        Assert.NotNull(ready.Effect);
        Assert.Equal((1, 7, false), (ready.Effect.Days, ready.Effect.Seed, ready.Effect.Stale));
        Assert.True(ready.Effect.Today.Requests > 0);
        Assert.Equal(ready.Effect.Today.Requests, ready.Effect.Today.Served + ready.Effect.Today.Refused);

        var accepted = await grain.Accept(ready.SuggestionId, "staff02", null);
        var scenario = await fixture.Grains.Scenario("rebal-accept", accepted.Value!).Get();
        Assert.NotNull(scenario);
        Assert.Equal($"rebalancing:{ready.SuggestionId}", scenario.Summary.Origin);
        Assert.Equal(ready.Changes.Spaces, scenario.Versions[^1].Definition.Changes.Spaces);
        Assert.Equal(ready.Rules, scenario.Versions[^1].Definition.Rules);

        var after = (await grain.Get(ready.SuggestionId))!;
        Assert.Equal((RebalancingStatus.Accepted, accepted.Value, "staff02"), (after.Status, after.ScenarioId, after.DecidedBy));
        var again = await grain.Accept(ready.SuggestionId, "staff02", null);
        Assert.Equal("proposal-not-ready", again.Error!.Code);
    }

    [Fact]
    public async Task A_bad_ask_names_its_field_and_starts_nothing()
    {
        var (grain, _) = await NewCompound("rebal-bad");

        var unknown = await grain.Request(Ask with { FixedSpaceIds = ["nope"] }, "staff01");
        var budget = await grain.Request(Ask with { MaxSpaceChanges = -1 }, "staff01");
        var source = await grain.Request(Ask with { DemandSource = "guess" }, "staff01");

        Assert.Equal(("fixedSpaceIds[0]", "unknown-space"), (unknown.Error!.Field, unknown.Error.Code));
        Assert.Equal("maxSpaceChanges", budget.Error!.Field);
        Assert.Equal("demand.source", source.Error!.Field);
        Assert.Empty(await grain.List());
    }

    [Fact]
    public async Task Staff_edit_is_checked_then_recomputed_and_a_reject_needs_a_reason()
    {
        var (grain, layout) = await NewCompound("rebal-edit");
        var fixedId = layout.Lots.SelectMany(l => l.Spaces).First(s => s.Ownership == SpaceOwnership.Common && s.Kind == SpaceKind.Standard).SpaceId;
        var ready = await Finished(grain, (await grain.Request(Ask with { FixedSpaceIds = [fixedId], ConsiderSharing = false }, "staff01")).Value!.SuggestionId);

        var touchesFixed = await grain.Edit(ready.SuggestionId, new LayoutChanges([new SpaceChange(fixedId, SpaceKind.Visitor)], [], [], []), "staff01");
        Assert.Equal(("changes.spaces[0].spaceId", "fixed-space"), (touchesFixed.Error!.Field, touchesFixed.Error.Code));
        var unknown = await grain.Edit(ready.SuggestionId, new LayoutChanges([new SpaceChange("nope", SpaceKind.Visitor)], [], [], []), "staff01");
        Assert.Equal("changes.spaces[0].spaceId", unknown.Error!.Field);
        var unchanged = (await grain.Get(ready.SuggestionId))!;
        Assert.Equal(ready.Changes.Spaces, unchanged.Changes.Spaces);
        Assert.Null(unchanged.EditedBy);

        // Dropping every change leaves today's layout: the recomputed figures are today's.
        var edited = await grain.Edit(ready.SuggestionId, LayoutChanges.None, "staff02");
        Assert.Empty(edited.Value!.Changes.Spaces);
        Assert.Empty(edited.Value.Retypes);
        Assert.Equal("staff02", edited.Value.EditedBy);
        Assert.Equal(
            ready.Before!.Needs.Select(n => (n.Need, Math.Round(n.ServedPerWeek, 1))),
            edited.Value.After!.Needs.Select(n => (n.Need, Math.Round(n.ServedPerWeek, 1))));

        var noReason = await grain.Reject(ready.SuggestionId, " ", "staff01");
        Assert.Equal("reason", noReason.Error!.Field);
        var rejected = await grain.Reject(ready.SuggestionId, "Not this year", "staff01");
        Assert.Equal((RebalancingStatus.Rejected, "Not this year"), (rejected.Value!.Status, rejected.Value.RejectReason));
        Assert.Equal("proposal-not-ready", (await grain.Edit(ready.SuggestionId, LayoutChanges.None, "staff01")).Error!.Code);
    }

    [Fact]
    public async Task A_running_proposal_can_be_cancelled()
    {
        var (grain, _) = await NewCompound("rebal-cancel", DemoCompoundSize.Chengshangcheng);

        // The longest job an ask may make (the solve's longest limit, then the longest simulated effect), so the
        // cancel arrives while it runs: with one simulated day a quiet machine could finish the job first.
        var started = await grain.Request(Ask with { TimeLimitSeconds = RebalancingChecks.MaxTimeLimitSeconds, Days = RebalancingChecks.MaxDays }, "staff01");
        var cancelled = await grain.Cancel(started.Value!.SuggestionId, "staff01");

        Assert.True(cancelled.IsSuccess, $"cancel refused: {cancelled.Error?.Code} {cancelled.Error?.Message}");
        Assert.Equal(RebalancingStatus.Cancelled, cancelled.Value!.Status);
        Assert.Equal(RebalancingStatus.Cancelled, (await Finished(grain, started.Value.SuggestionId)).Status);
        Assert.Equal("proposal-not-running", (await grain.Cancel(started.Value.SuggestionId, "staff01")).Error!.Code);
        Assert.Equal("proposal-not-ready", (await grain.Accept(started.Value.SuggestionId, "staff01", null)).Error!.Code);
    }

    /// <summary>The same layout under another compound id, so a test has a compound of its own.</summary>
    private static CompoundLayout Rekey(CompoundLayout layout, string id) => layout with
    {
        CompoundId = id,
        Lots = [.. layout.Lots.Select(l => l with { CompoundId = id, Spaces = [.. l.Spaces.Select(s => s with { CompoundId = id })] })],
        Users = [.. layout.Users.Select(u => u with { CompoundId = id })],
    };
}
