namespace Parking.Grains.Compounds;

/// <summary>
/// Where an apply stands: its phase, how many of the phase's items are done out of how many, and whether the new
/// layout is already stored (after that a stop leaves the apply unfinished on the compound, see
/// <see cref="ICompoundGrain.BeginApply"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ImportStep(
    [property: Id(0)] string Phase,
    [property: Id(1)] int Done,
    [property: Id(2)] int Total,
    [property: Id(3)] bool Committed);

/// <summary>The state of an import job: running until it ends applied, cancelled or failed.</summary>
public enum ImportJobState
{
    Running,
    Applied,
    Cancelled,
    Failed,
}

/// <summary>One import job as its poller sees it. <c>ReportJson</c> is the API's report of an applied import.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportJobView(
    [property: Id(0)] string JobId,
    [property: Id(1)] string CompoundId,
    [property: Id(2)] string StartedBy,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] ImportJobState State,
    [property: Id(5)] ImportStep Step,
    [property: Id(6)] bool CancelRequested,
    [property: Id(7)] DateTimeOffset? EndedAt,
    [property: Id(8)] DomainError? Error,
    [property: Id(9)] string? ReportJson);

/// <summary>
/// One import job (key: a new id per job), so that any API instance can answer its progress and take its cancel:
/// the importer reports at each checkpoint and learns there whether to stop. Kept in memory on the silo that holds
/// the job (a job is short-lived; its record goes when the grain is collected, some time after it ended).
/// </summary>
public interface IImportJobGrain : IGrainWithStringKey
{
    Task Start(string compoundId, string startedBy, DateTimeOffset at);

    /// <summary>Records where the importer is; returns false when a cancel was asked for (the importer stops there).</summary>
    Task<bool> Report(ImportStep step);

    /// <summary>Asks the importer to stop at its next checkpoint; null when there is no such job.</summary>
    Task<ImportJobView?> Cancel();

    Task End(ImportJobState state, DateTimeOffset at, DomainError? error, string? reportJson);

    [ReadOnly]
    Task<ImportJobView?> Get();
}

public sealed class ImportJobGrain : Grain, IImportJobGrain
{
    private ImportJobView? _job;

    public Task Start(string compoundId, string startedBy, DateTimeOffset at)
    {
        _job ??= new ImportJobView(this.GetPrimaryKeyString(), compoundId, startedBy, at, ImportJobState.Running, new ImportStep("queued", 0, 0, false), false, null, null, null);
        return Task.CompletedTask;
    }

    public Task<bool> Report(ImportStep step)
    {
        if (_job is { State: ImportJobState.Running } job)
        {
            _job = job with { Step = step };
        }

        return Task.FromResult(_job is { CancelRequested: false });
    }

    public Task<ImportJobView?> Cancel()
    {
        if (_job is { State: ImportJobState.Running } job)
        {
            _job = job with { CancelRequested = true };
        }

        return Task.FromResult(_job);
    }

    public Task End(ImportJobState state, DateTimeOffset at, DomainError? error, string? reportJson)
    {
        if (_job is { } job)
        {
            _job = job with { State = state, EndedAt = at, Error = error, ReportJson = reportJson };
        }

        return Task.CompletedTask;
    }

    public Task<ImportJobView?> Get() => Task.FromResult(_job);
}
