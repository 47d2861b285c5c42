using Parking.Domain.Scenarios;
using Xunit;

namespace Parking.Domain.Tests.Scenarios;

/// <summary>The compound's catalogue: scenario numbering, the list's order, the bounded run list, and how many runs may go at once.</summary>
public class ScenarioCatalogStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static ScenarioSummary Scenario(string id, DateTimeOffset createdAt, bool archived = false) =>
        new("c1", id, $"Scenario {id}", string.Empty, "staff1", createdAt, null, 1, createdAt, archived, false, 0);

    private static SimulationRunSummary Run(string id, SimulationRunStatus status = SimulationRunStatus.Running) =>
        new("c1", id, "s1", 1, "Scenario s1", 7, 1, new SimulationDemandSettings(SimulationDemandSettings.Synthetic), status, "staff1", Now, null, 0, 0, null);

    [Fact]
    public void Scenarios_are_numbered_s1_s2_and_a_number_moves_on_only_when_one_is_made()
    {
        var catalog = new ScenarioCatalogState();
        Assert.Equal("s1", catalog.NextScenarioId);
        Assert.Equal("s1", catalog.NextScenarioId);

        catalog.Created(Scenario("s1", Now));
        catalog.Put(Scenario("s1", Now) with { Name = "renamed" });

        Assert.Equal("s2", catalog.NextScenarioId);
        Assert.Equal("renamed", Assert.Single(catalog.Scenarios).Name);
    }

    [Fact]
    public void The_list_shows_the_newest_first_by_number_on_a_tie_and_hides_archived_ones_unless_asked()
    {
        var catalog = new ScenarioCatalogState();
        catalog.Created(Scenario("s2", Now));
        catalog.Created(Scenario("s10", Now));
        catalog.Created(Scenario("s3", Now.AddHours(1), archived: true));
        catalog.Created(Scenario("s1", Now.AddHours(-1)));

        Assert.Equal(["s10", "s2", "s1"], catalog.Listed(includeArchived: false).Select(s => s.ScenarioId));
        Assert.Equal(["s3", "s10", "s2", "s1"], catalog.Listed(includeArchived: true).Select(s => s.ScenarioId));
    }

    [Fact]
    public void The_run_list_keeps_the_newest_and_an_update_is_not_new()
    {
        var catalog = new ScenarioCatalogState();
        Assert.True(catalog.Put(Run("a"), kept: 2));
        Assert.True(catalog.Put(Run("b"), kept: 2));
        Assert.False(catalog.Put(Run("a", SimulationRunStatus.Completed), kept: 2));
        Assert.True(catalog.Put(Run("c"), kept: 2));

        Assert.Equal(["b", "c"], catalog.Runs.Select(r => r.RunId));
    }

    [Fact]
    public void Runs_not_yet_final_and_admitted_ones_count_against_the_limit_and_a_counted_run_passes_again()
    {
        var catalog = new ScenarioCatalogState();
        catalog.Put(Run("listed"), kept: 10);
        catalog.Put(Run("done", SimulationRunStatus.Failed), kept: 10);

        Assert.True(catalog.MayAdmit("new", [], limit: 2));
        Assert.False(catalog.MayAdmit("new", ["starting"], limit: 2));
        Assert.True(catalog.MayAdmit("starting", ["starting"], limit: 2));
        Assert.True(catalog.MayAdmit("listed", ["starting"], limit: 2));
    }
}
