using Parking.Domain.Compounds;
using Xunit;

namespace Parking.Domain.Tests.Compounds;

/// <summary>An import job's lease holds for five minutes after its last report and lapses just after; an ended job's record goes after 30 days.</summary>
public class ImportLeaseTests
{
    private static readonly DateTimeOffset Heard = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_lease_holds_until_five_minutes_after_the_last_report()
    {
        var lease = new ImportLease(Heard);

        Assert.Equal(TimeSpan.FromMinutes(5), ImportLease.Length);
        Assert.True(lease.HeldAt(Heard));
        Assert.True(lease.HeldAt(Heard + ImportLease.Length));
        Assert.False(lease.HeldAt(Heard + ImportLease.Length + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void An_abandoned_job_says_when_it_was_last_heard_from_and_how_to_go_on()
    {
        var error = new ImportLease(Heard).Abandoned("j1", "gardens");

        Assert.Equal((ErrorKind.Conflict, "import-abandoned"), (error.Kind, error.Code));
        Assert.Equal(
            "Import job 'j1' stopped reporting at 2026-12-05 08:00:00Z (its host went down): finish the compound's import (POST /api/compounds/imports/finish?compound=gardens) if its layout was stored, or import again.",
            error.Message);
    }

    [Fact]
    public void An_ended_jobs_record_goes_after_thirty_days()
    {
        Assert.Equal(TimeSpan.FromDays(30), ImportLease.KeptFor);
        Assert.False(ImportLease.Expired(Heard, Heard + ImportLease.KeptFor - TimeSpan.FromTicks(1)));
        Assert.True(ImportLease.Expired(Heard, Heard + ImportLease.KeptFor));
    }
}
