using Parking.Domain.Scenarios;
using Parking.Domain.Simulation;
using Xunit;

namespace Parking.Domain.Tests.Scenarios;

/// <summary>
/// A simulation run's life: queued once, running, then one end that stands (completed keeps the result, a cancel or
/// a failure keeps none); a final run takes no progress, no second end and no cancel.
/// </summary>
public class SimulationRunStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static readonly SimulationResult Result = new("c1", T0, 7, 5, "synthetic", null!, null!, null!, null!, [], null!, 42);

    private static SimulationRunState Queued()
    {
        var state = new SimulationRunState();
        Assert.Null(state.StartRefused("r1"));
        state.Queue(new SimulationRunSummary(
            "c1", "r1", "s1", 2, "More EV spaces", 7, 5, new SimulationDemandSettings("synthetic"),
            SimulationRunStatus.Running, "committee01", T0, null, 0, 0, "a note"));
        return state;
    }

    [Fact]
    public void A_run_starts_queued_once()
    {
        var state = Queued();

        Assert.Equal(SimulationRunStatus.Queued, state.Summary!.Status);
        var exists = state.StartRefused("r1")!;
        Assert.Equal((ErrorKind.Conflict, "run-exists", "Run r1 exists already."), (exists.Kind, exists.Code, exists.Message));
        Assert.Throws<InvalidOperationException>(() => state.Queue(state.Summary));
    }

    [Fact]
    public void A_run_runs_reports_progress_and_completes_with_its_result()
    {
        var state = Queued();
        Assert.True(state.Running());
        Assert.False(state.Running());
        Assert.True(state.Progressed(3, 1.7));
        Assert.Equal((SimulationRunStatus.Running, 3, 1.0), (state.Summary!.Status, state.Summary.DaysDone, state.Summary.Fraction));

        Assert.True(state.Completed(Result, T0.AddMinutes(2)));

        Assert.True(state.Summary is { Status: SimulationRunStatus.Completed, DaysDone: 7, Fraction: 1, Note: "a note" } && state.Summary.FinishedAt == T0.AddMinutes(2), state.Summary.ToString());
        Assert.Same(Result, state.Result);
        Assert.False(state.Progressed(4, 0.5));
        Assert.False(state.Failed("late", T0.AddMinutes(3)));
        Assert.False(state.Interrupted(T0.AddMinutes(3)));
        Assert.Equal(SimulationRunStatus.Completed, state.Summary.Status);
        Assert.Same(Result, state.Result);
    }

    [Fact]
    public void Progress_of_a_queued_run_means_it_runs()
    {
        var state = Queued();
        Assert.True(state.Progressed(1, -0.5));
        Assert.Equal((SimulationRunStatus.Running, 0.0), (state.Summary!.Status, state.Summary.Fraction));
    }

    [Fact]
    public void A_cancel_ends_a_queued_or_running_run_once_and_keeps_no_result()
    {
        var state = Queued();
        state.Progressed(2, 0.3);

        var cancelled = state.Cancel("r1", "committee02", T0.AddMinutes(1));

        Assert.True(cancelled.Value);
        Assert.True(state.Summary is { Status: SimulationRunStatus.Cancelled, Note: "Cancelled by committee02 after 2 of 7 days; partial results are not kept." }, state.Summary!.ToString());
        Assert.Null(state.Result);
        var again = state.Cancel("r1", "committee03", T0.AddMinutes(2));
        Assert.True(again.IsSuccess);
        Assert.False(again.Value);
        Assert.Equal(T0.AddMinutes(1), state.Summary.FinishedAt);
        Assert.False(state.Completed(Result, T0.AddMinutes(3)));
        Assert.Null(state.Result);
    }

    [Fact]
    public void A_missing_completed_or_failed_run_cannot_be_cancelled()
    {
        var missing = new SimulationRunState().Cancel("r9", "committee02", T0).Error!;
        Assert.Equal((ErrorKind.NotFound, "run-not-found", "No run 'r9'."), (missing.Kind, missing.Code, missing.Message));

        var completed = Queued();
        completed.Completed(Result, T0);
        var finished = completed.Cancel("r1", "committee02", T0).Error!;
        Assert.Equal((ErrorKind.Conflict, "run-finished", "Run r1 has completed; there is nothing to cancel."), (finished.Kind, finished.Code, finished.Message));

        var failed = Queued();
        Assert.True(failed.Failed("The simulation failed: boom", T0));
        Assert.Equal("Run r1 has failed; there is nothing to cancel.", failed.Cancel("r1", "committee02", T0).Error!.Message);
        Assert.Equal("The simulation failed: boom", failed.Summary!.Note);
    }

    [Fact]
    public void A_run_not_final_when_its_silo_stopped_fails_as_interrupted()
    {
        var state = Queued();
        state.Running();

        Assert.True(state.Interrupted(T0.AddHours(1)));

        Assert.True(state.Summary is { Status: SimulationRunStatus.Failed, Note: "Interrupted: the silo running it stopped. Start it again." } && state.Summary.FinishedAt == T0.AddHours(1), state.Summary!.ToString());
        Assert.False(state.Interrupted(T0.AddHours(2)));
        Assert.False(new SimulationRunState().Interrupted(T0));
    }
}
