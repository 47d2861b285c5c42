namespace Parking.Grains.Compounds;

/// <summary>
/// What the grain stores of one import job, changing only through its methods: started once, reporting and asking
/// to cancel only while running, ended once (the first end stands), ended as abandoned when its lease
/// (<see cref="ImportLease"/>) ran out, and removable once ended for <see cref="ImportLease.KeptFor"/>.
/// <c>LastReportAt</c> tells a live job from one whose host went down. It stays beside the grain (not in Domain):
/// its records (<see cref="ImportJobView"/>, <see cref="ImportStep"/>, <see cref="ImportJobState"/>) are named by
/// their Grains names in the API, the importer and tests.
/// </summary>
[GenerateSerializer]
public sealed class ImportJobRecord
{
    [Id(0)]
    public ImportJobView? Job { get; internal set; }

    [Id(1)]
    public DateTimeOffset LastReportAt { get; internal set; }

    /// <summary>The job's lease as it stands: held while it reports.</summary>
    public ImportLease Lease => new(LastReportAt);

    /// <summary>Starts job <paramref name="jobId"/> queued, heard from <paramref name="now"/>; false when it was started before (nothing changes).</summary>
    public bool Start(string jobId, string compoundId, string startedBy, DateTimeOffset at, DateTimeOffset now)
    {
        if (Job is not null)
        {
            return false;
        }

        Job = new ImportJobView(jobId, compoundId, startedBy, at, ImportJobState.Running, new ImportStep("queued", 0, 0, false), false, null, null, null);
        LastReportAt = now;
        return true;
    }

    /// <summary>A running job is at <paramref name="step"/> at <paramref name="now"/> (its lease renewed); returns whether it changed.</summary>
    public bool Report(ImportStep step, DateTimeOffset now)
    {
        if (Job is not { State: ImportJobState.Running } job)
        {
            return false;
        }

        Job = job with { Step = step };
        LastReportAt = now;
        return true;
    }

    /// <summary>Whether the importer should go on: the job runs and no cancel was asked for.</summary>
    public bool GoesOn => Job is { State: ImportJobState.Running, CancelRequested: false };

    /// <summary>Asks a running job to stop at its next checkpoint; returns whether that is new.</summary>
    public bool Cancel()
    {
        if (Job is not { State: ImportJobState.Running, CancelRequested: false } job)
        {
            return false;
        }

        Job = job with { CancelRequested = true };
        return true;
    }

    /// <summary>
    /// Ends a running job as <paramref name="ended"/>; returns whether it did. The first end stands: a job ended as
    /// abandoned stays so even if its host comes back and ends it later.
    /// </summary>
    public bool End(ImportJobState ended, DateTimeOffset at, DomainError? error, string? reportJson)
    {
        if (Job is not { State: ImportJobState.Running } job)
        {
            return false;
        }

        Job = job with { State = ended, EndedAt = at, Error = error, ReportJson = reportJson };
        return true;
    }

    /// <summary>Ends a running job whose lease ran out by <paramref name="now"/> as failed, <c>import-abandoned</c>; returns whether it did.</summary>
    public bool Abandon(DateTimeOffset now) =>
        Job is { State: ImportJobState.Running } job && !Lease.HeldAt(now)
        && End(ImportJobState.Failed, now, Lease.Abandoned(job.JobId, job.CompoundId), null);

    /// <summary>Whether the record may go at <paramref name="now"/>: the job ended at least <see cref="ImportLease.KeptFor"/> ago. A running job never goes.</summary>
    public bool Expired(DateTimeOffset now) =>
        Job is { State: not ImportJobState.Running, EndedAt: { } endedAt } && ImportLease.Expired(endedAt, now);
}
