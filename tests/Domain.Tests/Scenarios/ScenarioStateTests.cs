using Parking.Domain.Scenarios;
using Xunit;

namespace Parking.Domain.Tests.Scenarios;

/// <summary>
/// A scenario's life: created once, a new version only on top of the latest and only while not archived, archived
/// once (the same codes and texts the scenario grain answered with when it held these rules).
/// </summary>
public class ScenarioStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static ScenarioVersion Version(int number, string name) => new(
        number, new ScenarioDefinition(name, "why", LayoutChanges.None, ScenarioRules.Live), "committee01",
        T0.AddMinutes(number), "fp", 40, 38, ChangesCommonParts: number == 2);

    private static ScenarioState Created()
    {
        var state = new ScenarioState();
        Assert.Null(state.CreateRefused("sc-1"));
        Assert.Equal(1, state.NextVersion);
        state.Create("c1", "sc-1", "committee01", "fork of sc-0", Version(1, "More EV"));
        return state;
    }

    [Fact]
    public void A_scenario_is_created_once()
    {
        var state = Created();

        Assert.Equal(("c1", "sc-1", "More EV", 1, false), (state.Summary!.CompoundId, state.Summary.ScenarioId, state.Summary.Name, state.Summary.LatestVersion, state.Summary.Archived));
        var exists = state.CreateRefused("sc-1")!;
        Assert.Equal((ErrorKind.Conflict, "scenario-exists", "Scenario sc-1 already exists."), (exists.Kind, exists.Code, exists.Message));
        Assert.Throws<InvalidOperationException>(() => state.Create("c1", "sc-1", "committee01", null, Version(1, "Again")));
        Assert.Single(state.Versions);
    }

    [Fact]
    public void A_version_is_saved_only_on_top_of_the_latest()
    {
        var state = Created();
        Assert.Null(state.SaveRefused(1));
        Assert.Null(state.SaveRefused(null));
        Assert.Equal(2, state.NextVersion);
        state.Save(Version(2, "More EV, fewer visitors"));

        var stale = state.SaveRefused(1)!;
        Assert.Equal(
            (ErrorKind.Conflict, "scenario-version-stale", "Version 1 is not the latest (2): someone saved in between. Reload and save again."),
            (stale.Kind, stale.Code, stale.Message));
        Assert.Null(state.SaveRefused(2));
        Assert.Equal(("More EV, fewer visitors", 2, true, 0), (state.Summary!.Name, state.Summary.LatestVersion, state.Summary.ChangesCommonParts, state.Summary.ChangeCount));
        Assert.Equal([1, 2], state.Versions.Select(v => v.Number));
    }

    [Fact]
    public void An_archived_scenario_takes_no_new_version_and_is_archived_once()
    {
        var state = Created();

        Assert.True(state.Archive(T0.AddHours(1)));
        Assert.False(state.Archive(T0.AddHours(2)));
        Assert.Equal((true, T0.AddHours(1)), (state.Summary!.Archived, state.Summary.UpdatedAt));
        var archived = state.SaveRefused(null)!;
        Assert.Equal(
            (ErrorKind.Conflict, "scenario-archived", "Scenario sc-1 is archived and takes no new versions; fork a new one."),
            (archived.Kind, archived.Code, archived.Message));
        Assert.Equal("scenario-archived", state.SaveRefused(1)!.Code);
    }
}
