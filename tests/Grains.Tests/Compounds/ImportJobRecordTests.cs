using Parking.Domain;
using Parking.Domain.Compounds;
using Parking.Grains.Compounds;
using Xunit;

namespace Parking.Grains.Tests.Compounds;

/// <summary>
/// An import job's record changes only through its methods: started once, reports and a cancel only while it runs,
/// the first end stands, a job silent for longer than its lease ends as abandoned, and an ended record goes after
/// it was kept long enough (a running one never).
/// </summary>
public sealed class ImportJobRecordTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static ImportJobRecord Started()
    {
        var record = new ImportJobRecord();
        Assert.True(record.Start("j1", "gardens", "operator01", T0, T0));
        return record;
    }

    [Fact]
    public void A_job_starts_once_queued_and_reports_until_a_cancel_is_asked_for()
    {
        var record = Started();
        Assert.False(record.Start("j1", "elsewhere", "someone", T0.AddHours(1), T0.AddHours(1)));
        Assert.True(record.Job is { JobId: "j1", CompoundId: "gardens", StartedBy: "operator01", State: ImportJobState.Running, Step.Phase: "queued", CancelRequested: false }, record.Job?.ToString());
        Assert.True(record.GoesOn);

        var step = new ImportStep("spaces-added", 10, 40, true);
        Assert.True(record.Report(step, T0.AddMinutes(3)));
        Assert.Equal((step, T0.AddMinutes(3)), (record.Job!.Step, record.LastReportAt));

        Assert.True(record.Cancel());
        Assert.False(record.Cancel());
        Assert.False(record.GoesOn);
        Assert.True(record.Report(new ImportStep("people", 0, 10, true), T0.AddMinutes(4)));
        Assert.False(record.GoesOn);
    }

    [Fact]
    public void The_first_end_stands_and_an_ended_job_takes_no_report_or_cancel()
    {
        var record = Started();
        Assert.True(record.End(ImportJobState.Applied, T0.AddMinutes(1), null, "{}"));
        var ended = record.Job;

        Assert.False(record.End(ImportJobState.Failed, T0.AddMinutes(2), DomainError.Conflict("x", "y"), null));
        Assert.False(record.Report(new ImportStep("people", 1, 1, true), T0.AddMinutes(3)));
        Assert.False(record.Cancel());
        Assert.False(record.Abandon(T0.AddDays(1)));
        Assert.Same(ended, record.Job);
        Assert.Equal(T0, record.LastReportAt);
    }

    [Fact]
    public void A_job_silent_past_its_lease_ends_as_abandoned_and_its_host_cannot_end_it_again()
    {
        var record = Started();
        record.Report(new ImportStep("spaces-added", 10, 40, true), T0.AddMinutes(1));

        Assert.False(record.Abandon(T0.AddMinutes(1) + ImportLease.Length));
        Assert.Equal(ImportJobState.Running, record.Job!.State);
        var late = T0.AddMinutes(1) + ImportLease.Length + TimeSpan.FromSeconds(1);
        Assert.True(record.Abandon(late));
        Assert.True(record.Job is { State: ImportJobState.Failed, Error.Code: "import-abandoned" } && record.Job.EndedAt == late, record.Job.ToString());

        Assert.False(record.End(ImportJobState.Applied, late.AddMinutes(1), null, "{}"));
        Assert.Equal(ImportJobState.Failed, record.Job.State);
    }

    [Fact]
    public void Only_a_record_ended_long_enough_ago_expires()
    {
        var record = Started();
        Assert.False(record.Expired(T0.AddYears(1)));
        Assert.False(new ImportJobRecord().Expired(T0));

        record.End(ImportJobState.Cancelled, T0.AddMinutes(1), null, null);
        Assert.False(record.Expired(T0.AddMinutes(1) + ImportLease.KeptFor - TimeSpan.FromTicks(1)));
        Assert.True(record.Expired(T0.AddMinutes(1) + ImportLease.KeptFor));
    }
}
