using Parking.Contracts;

namespace Parking.Web.Services;

/// <summary>
/// The runs a scenario page shows: the scenario's own and today's layout's ("live"), newest first. Three sources
/// update it in any order: the list read when the page opens, the answer to a start or a cancel, and the hub's
/// progress pushes. A run only moves forward (queued, running with more done, then finished), so a push that
/// overtakes the answer to the start it belongs to, or a read that overtakes pushes, never takes a run back.
/// </summary>
public sealed class SimulationRunList(string scenarioId)
{
    /// <summary>The scenario id of runs of today's layout, shown beside every scenario's own.</summary>
    public const string Live = "live";

    private readonly Dictionary<string, SimulationRunDto> _runs = new(StringComparer.Ordinal);

    /// <summary>Newest first.</summary>
    public IReadOnlyList<SimulationRunDto> Runs =>
        [.. _runs.Values.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)];

    /// <summary>Whether the page shows this run: the scenario's own runs and today's.</summary>
    public bool Shows(SimulationRunDto run) =>
        string.Equals(run.ScenarioId, scenarioId, StringComparison.Ordinal) || string.Equals(run.ScenarioId, Live, StringComparison.Ordinal);

    /// <summary>Merges the list read from the API with what pushes brought meanwhile.</summary>
    public void Load(IEnumerable<SimulationRunDto> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var run in runs)
        {
            Apply(run);
        }
    }

    /// <summary>Keeps the furthest known state of a run the page shows; answers whether the list changed.</summary>
    public bool Apply(SimulationRunDto run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!Shows(run))
        {
            return false;
        }

        if (_runs.TryGetValue(run.Id, out var known) && Compare(Stage(run), Stage(known)) < 0)
        {
            return false;
        }

        _runs[run.Id] = run;
        return true;
    }

    /// <summary>How far a run has come: finished beats running, running beats queued, and more done beats less.</summary>
    private static (int Phase, int DaysDone, double Fraction) Stage(SimulationRunDto run) => run.Status switch
    {
        SimulationRunStatusDto.Queued => (0, 0, 0),
        SimulationRunStatusDto.Running => (1, run.DaysDone, run.Fraction),
        _ => (2, 0, 0),
    };

    private static int Compare((int Phase, int DaysDone, double Fraction) a, (int Phase, int DaysDone, double Fraction) b) =>
        a.Phase != b.Phase ? a.Phase.CompareTo(b.Phase) : a.DaysDone != b.DaysDone ? a.DaysDone.CompareTo(b.DaysDone) : a.Fraction.CompareTo(b.Fraction);
}
