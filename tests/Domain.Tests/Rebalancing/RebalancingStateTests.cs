using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Domain.Scenarios;
using Xunit;

namespace Parking.Domain.Tests.Rebalancing;

/// <summary>A compound's rebalancing suggestions: numbering, the bounded list, and each staff command checked against the life cycle.</summary>
public class RebalancingStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly RebalancingAsk Ask = new([], 10, 0, [], RebalancingAsk.Synthetic, null, null, 7, 1, false, 0.5, 10, 28);

    private static RebalancingSuggestion Ready(RebalancingState state, int kept = 100)
    {
        var running = state.Open(Ask, "staff1", Now, kept);
        Assert.True(state.Finished(running.MoveTo(RebalancingStatus.Ready)));
        return state.Find(running.SuggestionId)!;
    }

    [Fact]
    public void Suggestions_are_numbered_and_beyond_the_limit_the_oldest_not_running_goes()
    {
        var state = new RebalancingState();
        var first = state.Open(Ask, "staff1", Now, kept: 2);
        var second = Ready(state, kept: 2);
        var third = state.Open(Ask, "staff1", Now, kept: 2);

        Assert.Equal(["p1", "p2", "p3"], new[] { first, second, third }.Select(s => s.SuggestionId));
        Assert.Equal(RebalancingStatus.Running, first.Status);
        Assert.Equal(["p1", "p3"], state.Suggestions.Select(s => s.SuggestionId));
        Assert.Equal(4, state.NextNumber);
    }

    [Fact]
    public void Suggestions_cut_off_while_running_fail_with_a_note_and_others_stay()
    {
        var state = new RebalancingState();
        var ready = Ready(state);
        state.Open(Ask, "staff1", Now, kept: 100);

        Assert.Equal(1, state.FailInterrupted());

        Assert.Equal([RebalancingStatus.Ready, RebalancingStatus.Failed], state.Suggestions.Select(s => s.Status));
        Assert.Contains("cut off", state.Suggestions[1].Note, StringComparison.Ordinal);
        Assert.Equal(0, state.FailInterrupted());
        Assert.Equal(ready, state.Suggestions[0]);
    }

    [Fact]
    public void Only_a_ready_suggestion_is_edited_accepted_or_rejected_and_a_refusal_changes_nothing()
    {
        var state = new RebalancingState();
        var running = state.Open(Ask, "staff1", Now, kept: 100);

        Assert.Equal("proposal-not-ready", state.Accept(running.SuggestionId, "s1", "staff1", Now).Error!.Code);
        Assert.Equal("proposal-not-ready", state.Edit(running.SuggestionId, LayoutChanges.None, null, "staff1", Now).Error!.Code);
        Assert.Equal("proposal-not-found", state.Reject("p9", "no", "staff1", Now).Error!.Code);
        Assert.Equal(running, state.Find(running.SuggestionId));

        var ready = Ready(state);
        Assert.Equal("reason", state.Reject(ready.SuggestionId, "  ", "staff1", Now).Error!.Field);
        Assert.Equal("reason", state.Reject(ready.SuggestionId, new string('x', 501), "staff1", Now).Error!.Field);
        Assert.Equal(ready, state.Find(ready.SuggestionId));

        var rejected = state.Reject(ready.SuggestionId, " too costly ", "staff2", Now).Value!;
        Assert.Equal((RebalancingStatus.Rejected, "too costly", "staff2"), (rejected.Status, rejected.RejectReason, rejected.DecidedBy));
        Assert.Equal("proposal-not-ready", state.Accept(ready.SuggestionId, "s1", "staff1", Now).Error!.Code);

        var accepted = state.Accept(Ready(state).SuggestionId, "s7", "staff1", Now).Value!;
        Assert.Equal((RebalancingStatus.Accepted, "s7"), (accepted.Status, accepted.ScenarioId));
    }

    [Fact]
    public void Only_a_running_suggestion_is_cancelled_and_its_job_ending_later_changes_nothing()
    {
        var state = new RebalancingState();
        var running = state.Open(Ask, "staff1", Now, kept: 100);
        var ready = Ready(state);

        Assert.Equal("proposal-not-running", state.Cancel(ready.SuggestionId, "staff1", Now, null).Error!.Code);
        var cancelled = state.Cancel(running.SuggestionId, "staff1", Now, progress: 0.4).Value!;
        Assert.Equal((RebalancingStatus.Cancelled, 0.4), (cancelled.Status, cancelled.Progress));

        Assert.False(state.Finished(running.MoveTo(RebalancingStatus.Ready)));
        Assert.Equal(RebalancingStatus.Cancelled, state.Find(running.SuggestionId)!.Status);
    }

    [Fact]
    public void A_job_that_ends_completes_the_progress()
    {
        var state = new RebalancingState();
        var running = state.Open(Ask, "staff1", Now, kept: 100);

        Assert.True(state.Finished(running.MoveTo(RebalancingStatus.Failed) with { Note = "boom" }));

        Assert.Equal((RebalancingStatus.Failed, 1.0), (state.Find("p1")!.Status, state.Find("p1")!.Progress));
    }

    [Fact]
    public void An_edit_keeps_only_retyped_spaces_still_changed_and_marks_the_simulation_stale()
    {
        var state = new RebalancingState();
        var running = state.Open(Ask, "staff1", Now, kept: 100);
        var figures = new SimulatedFigures(10, 9, 1, 0, 0, 1, new Dictionary<string, int>());
        var retypes = new List<SuggestedRetype>
        {
            new("L1", SpaceKind.Standard, SpaceKind.EV, ["a", "b"], 5, "sessions", 0, "sessions", 20, []),
            new("L2", SpaceKind.Standard, SpaceKind.Visitor, ["c"], 3, "visits", 0, "visits", 30, []),
        };
        state.Finished(running.MoveTo(RebalancingStatus.Ready) with { Retypes = retypes, Effect = new SimulatedEffect(7, 1, figures, figures, Stale: false) });
        var changes = new LayoutChanges([new SpaceChange("b", SpaceKind.EV)], [], [], []);

        var edited = state.Edit("p1", changes, null, "staff2", Now).Value!;

        var retype = Assert.Single(edited.Retypes);
        Assert.Equal("L1", retype.LotId);
        Assert.Equal(["b"], retype.SpaceIds);
        Assert.True(edited.Effect!.Stale);
        Assert.Equal((changes, "staff2", (DateTimeOffset?)Now, RebalancingStatus.Ready), (edited.Changes, edited.EditedBy, edited.EditedAt, edited.Status));
        Assert.Equal(edited, state.Find("p1"));
    }
}
