namespace Parking.Domain.Compounds;

/// <summary>
/// An import job's lease: a running job holds it while it reports at least every <see cref="Length"/>; one that
/// went longer without a word counts as abandoned (its host went down without ending it). Once ended, its record is
/// kept for <see cref="KeptFor"/> and then may go.
/// </summary>
public readonly record struct ImportLease(DateTimeOffset LastReportAt)
{
    /// <summary>
    /// How long a running job may go without reporting. The importer reports between batches of a few hundred grain
    /// calls, seconds apart even for the largest compound; a host that went down stops reporting for good.
    /// </summary>
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the record of an ended job is kept: long enough to read what a month's imports did (the report of an
    /// applied one, the reason of a failed one); the layout itself and the people's audit trail keep what stays.
    /// </summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(30);

    /// <summary>Whether the job, last heard from at <see cref="LastReportAt"/>, still holds its lease at <paramref name="now"/>.</summary>
    public bool HeldAt(DateTimeOffset now) => now - LastReportAt <= Length;

    /// <summary>Why job <paramref name="jobId"/> of <paramref name="compoundId"/> ended when its lease ran out.</summary>
    public DomainError Abandoned(string jobId, string compoundId) =>
        DomainError.Conflict(
            "import-abandoned",
            $"Import job '{jobId}' stopped reporting at {LastReportAt:u} (its host went down): finish the compound's import (POST /api/compounds/imports/finish?compound={compoundId}) if its layout was stored, or import again.");

    /// <summary>Whether the record of a job that ended at <paramref name="endedAt"/> may go at <paramref name="now"/>.</summary>
    public static bool Expired(DateTimeOffset endedAt, DateTimeOffset now) => now - endedAt >= KeptFor;
}
