using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parking.Grains.Compounds;

namespace Parking.Api;

/// <summary>
/// Runs imports as jobs in the background of this API host: each job's progress and cancel go through its
/// <see cref="IImportJobGrain"/>, so any API instance answers them; the importer stops at its next checkpoint once a
/// cancel is asked for. A host that stops ends its running jobs as failed at their next checkpoint.
/// </summary>
public sealed partial class ImportJobRunner(
    IGrainFactory grains,
    ParkingClock clock,
    IHostApplicationLifetime lifetime,
    ILogger<ImportJobRunner> logger)
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Jobs still running in this host.</summary>
    public int Running => _running.Count;

    /// <summary>
    /// Starts <paramref name="apply"/> as a new job once it holds the compound's import slot, and returns its id
    /// (the job can then be polled) with the task that ends with it; or refuses with <c>import-running</c> while
    /// another job of the compound runs, on any host.
    /// </summary>
    public async Task<Outcome<StartedJob>> Start(
        string compoundId,
        string startedBy,
        Func<Func<ImportStep, Task<bool>>, CancellationToken, Task<Outcome<ImportOutcome>>> apply,
        Func<ImportOutcome, ImportReportDto> report)
    {
        var jobId = Guid.NewGuid().ToString("N");
        var job = grains.ImportJob(jobId);

        // The record first, then the slot: whoever finds this job holding the slot finds it running.
        await job.Start(compoundId, startedBy, clock.GetUtcNow());
        var compound = grains.Compound(compoundId);
        if (await compound.ClaimImport(jobId) is { } refused)
        {
            await job.End(ImportJobState.Failed, clock.GetUtcNow(), refused, null);
            return refused;
        }

        var run = Task.Run(async () =>
        {
            try
            {
                return await Run(job, jobId, apply, report);
            }
            finally
            {
                await Release(compound, jobId);
            }
        });
        _running[jobId] = run;
        _ = run.ContinueWith(_ => _running.TryRemove(jobId, out var _), TaskScheduler.Default);
        return new StartedJob(jobId, run);
    }

    private async Task Release(ICompoundGrain compound, string jobId)
    {
        try
        {
            await compound.ReleaseImport(jobId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The slot is then freed when the next claim finds this job ended.
            LogSlotNotReleased(e, jobId);
        }
    }

    private async Task<Outcome<ImportOutcome>> Run(
        IImportJobGrain job,
        string jobId,
        Func<Func<ImportStep, Task<bool>>, CancellationToken, Task<Outcome<ImportOutcome>>> apply,
        Func<ImportOutcome, ImportReportDto> report)
    {
        try
        {
            var outcome = await apply(job.Report, lifetime.ApplicationStopping);
            if (outcome.Value is { } applied)
            {
                await job.End(ImportJobState.Applied, clock.GetUtcNow(), null, JsonSerializer.Serialize(report(applied), ReportJson));
            }
            else
            {
                var error = outcome.Error!;
                await job.End(error.Code == "import-cancelled" ? ImportJobState.Cancelled : ImportJobState.Failed, clock.GetUtcNow(), error, null);
            }

            return outcome;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogJobFailed(e, jobId);
            try
            {
                await job.End(ImportJobState.Failed, clock.GetUtcNow(), new DomainError(ErrorKind.Conflict, "import-failed", $"The import stopped: {e.Message}"), null);
            }
            catch (Exception unreachable) when (unreachable is not OutOfMemoryException)
            {
                LogJobNotEnded(unreachable, jobId);
            }

            return new DomainError(ErrorKind.Conflict, "import-failed", $"The import stopped: {e.Message}");
        }
    }

    /// <summary>A job that started: its id, and its run, which ends with the apply's outcome once the job has ended.</summary>
    public sealed record StartedJob(string JobId, Task<Outcome<ImportOutcome>> Completion);

    /// <summary>A job's state as the API names it.</summary>
    public static ImportJobStateDto ToDto(ImportJobState state) => state switch
    {
        ImportJobState.Running => ImportJobStateDto.Running,
        ImportJobState.Applied => ImportJobStateDto.Applied,
        ImportJobState.Cancelled => ImportJobStateDto.Cancelled,
        ImportJobState.Failed => ImportJobStateDto.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown import job state."),
    };

    /// <summary>The job as the API shows it.</summary>
    public static ImportJobDto Dto(ImportJobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new ImportJobDto(
            job.JobId,
            job.CompoundId,
            ToDto(job.State),
            job.Step.Phase,
            job.Step.Done,
            job.Step.Total,
            job.Step.Committed,
            job.CancelRequested,
            job.StartedAt,
            job.EndedAt,
            job.Error?.Code,
            job.Error?.Message,
            job.ReportJson is null ? null : JsonSerializer.Deserialize<ImportReportDto>(job.ReportJson, ReportJson));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job {JobId} failed")]
    private partial void LogJobFailed(Exception error, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import job {JobId} could not give its compound's import slot back")]
    private partial void LogSlotNotReleased(Exception error, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job {JobId} failed and its end could not be recorded")]
    private partial void LogJobNotEnded(Exception error, string jobId);
}
