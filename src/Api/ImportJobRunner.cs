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

    /// <summary>Starts <paramref name="apply"/> as a new job and returns its id once the job can be polled.</summary>
    public async Task<string> Start(
        string compoundId,
        string startedBy,
        Func<Func<ImportStep, Task<bool>>, CancellationToken, Task<Outcome<ImportOutcome>>> apply,
        Func<ImportOutcome, ImportReportDto> report)
    {
        var jobId = Guid.NewGuid().ToString("N");
        var job = grains.ImportJob(jobId);
        await job.Start(compoundId, startedBy, clock.GetUtcNow());
        var run = Task.Run(() => Run(job, jobId, apply, report));
        _running[jobId] = run;
        _ = run.ContinueWith(_ => _running.TryRemove(jobId, out var _), TaskScheduler.Default);
        return jobId;
    }

    private async Task Run(
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
        }
    }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job {JobId} failed and its end could not be recorded")]
    private partial void LogJobNotEnded(Exception error, string jobId);
}
