using Orleans.Runtime;
using Parking.Grains.Notifications;

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
/// the importer reports at each checkpoint and learns there whether to stop. The record is stored (the same
/// storage as every grain: PostgreSQL in a PostgreSQL deployment), so progress and the result outlive the host that
/// ran the job. A job that has not reported for <see cref="ImportJobGrain.Lease"/> is taken as abandoned (its host
/// went down without ending it) and ends as failed with <c>import-abandoned</c> when next read.
/// </summary>
public interface IImportJobGrain : IGrainWithStringKey
{
    Task Start(string compoundId, string startedBy, DateTimeOffset at);

    /// <summary>Records where the importer is; returns false when a cancel was asked for (the importer stops there).</summary>
    Task<bool> Report(ImportStep step);

    /// <summary>Asks the importer to stop at its next checkpoint; null when there is no such job.</summary>
    Task<ImportJobView?> Cancel();

    Task End(ImportJobState ended, DateTimeOffset at, DomainError? error, string? reportJson);

    /// <summary>The job; a running one that stopped reporting for longer than the lease is ended as abandoned first.</summary>
    Task<ImportJobView?> Get();

    /// <summary>
    /// Removes the record of a job that ended at least <see cref="ImportJobGrain.KeptFor"/> ago (its reminder does
    /// this daily once the job ended); returns whether it did. A running job is never removed.
    /// </summary>
    Task<bool> Prune();
}

public sealed class ImportJobGrain(
    [PersistentState("import-job", GrainKeys.StorageName)] IPersistentState<ImportJobRecord> state,
    ParkingClock time) : Grain, IImportJobGrain, IRemindable
{
    /// <summary>How long the record of an ended job is kept (<see cref="ImportLease.KeptFor"/>).</summary>
    public static readonly TimeSpan KeptFor = ImportLease.KeptFor;

    /// <summary>The daily reminder that removes the record once it is older than <see cref="KeptFor"/>.</summary>
    public const string PruneReminder = "import-job-prune";

    /// <summary>How long a running job may go without reporting before it counts as abandoned (<see cref="ImportLease.Length"/>).</summary>
    public static readonly TimeSpan Lease = ImportLease.Length;

    public async Task Start(string compoundId, string startedBy, DateTimeOffset at)
    {
        if (state.State.Start(this.GetPrimaryKeyString(), compoundId, startedBy, at, time.GetUtcNow()))
        {
            await state.WriteStateAsync();
            Told();
        }
    }

    public async Task<bool> Report(ImportStep step)
    {
        if (state.State.Report(step, time.GetUtcNow()))
        {
            await state.WriteStateAsync();
            Told();
        }

        return state.State.GoesOn;
    }

    public async Task<ImportJobView?> Cancel()
    {
        if (state.State.Cancel())
        {
            await state.WriteStateAsync();
            Told();
        }

        return state.State.Job;
    }

    public async Task End(ImportJobState ended, DateTimeOffset at, DomainError? error, string? reportJson)
    {
        if (state.State.End(ended, at, error, reportJson))
        {
            await Ended();
        }
    }

    public async Task<bool> Prune()
    {
        var expired = state.State.Expired(time.GetUtcNow());
        if (expired)
        {
            await state.ClearStateAsync();
            state.State = new ImportJobRecord();
        }

        // Also when nothing is stored (an earlier prune whose reminder outlived it).
        if ((expired || state.State.Job is null) && await this.GetReminder(PruneReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        if (expired)
        {
            this.DeactivateOnIdle();
        }

        return expired;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == PruneReminder)
        {
            await Prune();
        }
    }

    public async Task<ImportJobView?> Get()
    {
        if (state.State.Abandon(time.GetUtcNow()))
        {
            await Ended();
        }

        return state.State.Job;
    }

    private async Task Ended()
    {
        await state.WriteStateAsync();
        Told();
        await this.RegisterOrUpdateReminder(PruneReminder, TimeSpan.FromDays(1), TimeSpan.FromDays(1));
    }

    /// <summary>Watchers of the job hear where it stands now (stored first, so what they hear is never lost on a restart).</summary>
    private void Told()
    {
        if (state.State.Job is { } job)
        {
            GrainFactory.Publish(new ImportJobChangedPush(job));
        }
    }
}
