using System.Globalization;
using Parking.Domain.Simulation;

namespace Parking.Domain.Scenarios;

/// <summary>
/// One simulation run's life, changing only through its methods: queued once, running, then completed (its result
/// kept), cancelled or failed (no result kept). A final run takes no progress, no second end and no cancel; a run
/// that was not final when its silo stopped is failed as interrupted.
/// </summary>
[GenerateSerializer]
public sealed class SimulationRunState
{
    /// <summary>
    /// Runs queued or running at once in one compound: beyond it a start is refused, so one committee cannot queue
    /// unbounded work (the compound's catalogue counts them, <see cref="ScenarioCatalogState.MayAdmit"/>).
    /// </summary>
    public const int MaxActivePerCompound = 4;

    /// <summary>Refused with <c>too-many-runs</c> when the compound's catalogue did not admit the run; null when it did.</summary>
    public static DomainError? AdmissionRefused(bool admitted) => admitted
        ? null
        : DomainError.Conflict(
            "too-many-runs",
            string.Create(CultureInfo.InvariantCulture, $"{MaxActivePerCompound} simulations of this compound are queued or running already; wait for one to finish or cancel one."));

    /// <summary>
    /// Why a run's input could not be made, as the committee should read it: a refusal about the layout (any field
    /// but the demand's and <c>days</c>) means the live layout moved since the version was saved (a space it changes
    /// is gone, say), so the version no longer applies and must be saved again (<c>scenario-no-longer-applies</c>,
    /// same field); any other refusal stands as it is.
    /// </summary>
    public static DomainError InputRefused(DomainError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Field is { } field && !field.StartsWith("demand.", StringComparison.Ordinal) && field != "days"
            ? DomainError.Conflict("scenario-no-longer-applies", $"The version no longer applies to today's layout ({field}: {error.Message}) Save it again.") with { Field = field }
            : error;
    }

    [Id(0)]
    public SimulationRunSummary? Summary { get; internal set; }

    [Id(1)]
    public SimulationResult? Result { get; internal set; }

    /// <summary>Refused with <c>run-exists</c> when run <paramref name="runId"/> was started before; null when it may start.</summary>
    public DomainError? StartRefused(string runId) =>
        Summary is null ? null : DomainError.Conflict("run-exists", $"Run {runId} exists already.");

    /// <summary>The run is queued as <paramref name="summary"/> says (status queued); it must not exist yet.</summary>
    public void Queue(SimulationRunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (Summary is not null)
        {
            throw new InvalidOperationException($"Run {summary.RunId} exists already.");
        }

        Summary = summary with { Status = SimulationRunStatus.Queued };
    }

    /// <summary>A run not final when its worker's silo stopped never reports back: it fails, saying so. Returns whether it did.</summary>
    public bool Interrupted(DateTimeOffset now) =>
        Summary is { } summary && !summary.Status.IsFinal()
        && Finish(SimulationRunStatus.Failed, "Interrupted: the silo running it stopped. Start it again.", now);

    /// <summary>
    /// Cancels a queued or running run (by <paramref name="by"/>); the value says whether it changed (cancelling a
    /// cancelled run changes nothing). Refused with <c>run-not-found</c>, or <c>run-finished</c> for a completed or
    /// failed one.
    /// </summary>
    public Outcome<bool> Cancel(string runId, string by, DateTimeOffset now)
    {
        if (Summary is not { } summary)
        {
            return DomainError.NotFound("run-not-found", $"No run '{runId}'.");
        }

        if (summary.Status is SimulationRunStatus.Completed or SimulationRunStatus.Failed)
        {
            return DomainError.Conflict("run-finished", $"Run {runId} has {summary.Status.Describe()}; there is nothing to cancel.");
        }

        return summary.Status != SimulationRunStatus.Cancelled
            && Finish(SimulationRunStatus.Cancelled, string.Create(CultureInfo.InvariantCulture, $"Cancelled by {by} after {summary.DaysDone} of {summary.Days} days; partial results are not kept."), now);
    }

    /// <summary>A queued or running run reached <paramref name="day"/> (fraction clamped to 0–1); it runs now. Returns whether it changed.</summary>
    public bool Progressed(int day, double fraction)
    {
        if (Summary is not { Status: SimulationRunStatus.Running or SimulationRunStatus.Queued } summary)
        {
            return false;
        }

        Summary = summary with { Status = SimulationRunStatus.Running, DaysDone = day, Fraction = Math.Clamp(fraction, 0, 1) };
        return true;
    }

    /// <summary>A queued run got its worker; returns whether it was queued.</summary>
    public bool Running()
    {
        if (Summary is not { Status: SimulationRunStatus.Queued } summary)
        {
            return false;
        }

        Summary = summary with { Status = SimulationRunStatus.Running };
        return true;
    }

    /// <summary>A run not final completed with <paramref name="result"/> (every day done); returns whether it did.</summary>
    public bool Completed(SimulationResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Summary is not { } summary || summary.Status.IsFinal())
        {
            return false;
        }

        Result = result;
        Summary = summary with { DaysDone = summary.Days, Fraction = 1 };
        return Finish(SimulationRunStatus.Completed, summary.Note, now);
    }

    /// <summary>A run not final failed for <paramref name="reason"/>; returns whether it did.</summary>
    public bool Failed(string reason, DateTimeOffset now) =>
        Summary is { } summary && !summary.Status.IsFinal() && Finish(SimulationRunStatus.Failed, reason, now);

    private bool Finish(SimulationRunStatus status, string? note, DateTimeOffset now)
    {
        Summary = Summary! with { Status = status, FinishedAt = now, Note = note };
        if (status != SimulationRunStatus.Completed)
        {
            Result = null;
        }

        return true;
    }
}
