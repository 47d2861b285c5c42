using Parking.Contracts;
using Parking.Web.Services;

namespace Parking.Web.Tests;

public sealed class SimulationRunListTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    private static SimulationRunDto Run(string id, string scenarioId, SimulationRunStatusDto status, int daysDone = 0, double fraction = 0, int minute = 0) =>
        new(id, scenarioId, scenarioId == SimulationRunList.Live ? 0 : 1, "Run " + id, 3, 1, new SimulationDemandDto("synthetic"), status,
            "committee01", At.AddMinutes(minute), status is SimulationRunStatusDto.Queued or SimulationRunStatusDto.Running ? null : At.AddMinutes(minute + 1),
            daysDone, fraction, null);

    [Fact]
    public void A_finished_push_for_a_run_of_today_that_overtakes_the_answer_to_its_start_is_kept()
    {
        // Today's run is not the page's scenario: before the fix, its pushes were dropped until the start's answer
        // had put it in the list, and a run that finished first stayed "queued" on the page for good.
        var list = new SimulationRunList("sc-1");

        Assert.True(list.Apply(Run("r2", SimulationRunList.Live, SimulationRunStatusDto.Running, 1, 0.5)));
        Assert.True(list.Apply(Run("r2", SimulationRunList.Live, SimulationRunStatusDto.Completed, 3, 1)));
        Assert.False(list.Apply(Run("r2", SimulationRunList.Live, SimulationRunStatusDto.Queued)));

        var run = Assert.Single(list.Runs);
        Assert.Equal(SimulationRunStatusDto.Completed, run.Status);
    }

    [Fact]
    public void Runs_of_other_scenarios_are_not_shown()
    {
        var list = new SimulationRunList("sc-1");

        Assert.False(list.Apply(Run("r1", "sc-2", SimulationRunStatusDto.Completed)));
        Assert.True(list.Apply(Run("r2", "sc-1", SimulationRunStatusDto.Queued)));

        Assert.Equal(["r2"], list.Runs.Select(r => r.Id));
    }

    [Fact]
    public void Progress_only_moves_forward_and_a_cancel_or_failure_ends_the_run()
    {
        var list = new SimulationRunList("sc-1");
        list.Apply(Run("r1", "sc-1", SimulationRunStatusDto.Queued));

        Assert.True(list.Apply(Run("r1", "sc-1", SimulationRunStatusDto.Running, 2, 0.66)));
        Assert.False(list.Apply(Run("r1", "sc-1", SimulationRunStatusDto.Running, 1, 0.33)));
        Assert.Equal(2, list.Runs[0].DaysDone);

        Assert.True(list.Apply(Run("r1", "sc-1", SimulationRunStatusDto.Cancelled, 2, 0.66)));
        Assert.False(list.Apply(Run("r1", "sc-1", SimulationRunStatusDto.Running, 3, 1)));
        Assert.Equal(SimulationRunStatusDto.Cancelled, list.Runs[0].Status);
    }

    [Fact]
    public void The_list_read_when_the_page_opens_does_not_undo_pushes_that_came_while_it_was_read()
    {
        var list = new SimulationRunList("sc-1");
        list.Apply(Run("r2", "sc-1", SimulationRunStatusDto.Completed, 3, 1, minute: 5));

        list.Load([Run("r1", SimulationRunList.Live, SimulationRunStatusDto.Completed, 3, 1, minute: 1), Run("r2", "sc-1", SimulationRunStatusDto.Running, 1, 0.3, minute: 5)]);

        Assert.Equal(["r2", "r1"], list.Runs.Select(r => r.Id));
        Assert.Equal(SimulationRunStatusDto.Completed, list.Runs[0].Status);
    }
}
