namespace Parking.Domain.Notices;

/// <summary>
/// Which kinds of notice a user wants sent outside the app, and their quiet hours in the compound's local
/// time (<see cref="QuietFrom"/> to <see cref="QuietUntil"/>, which may run past midnight). Muted or quiet
/// notices still land in the in-app inbox; only the outside channels hold them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NoticePreferences(
    [Id(0)] IReadOnlyList<NoticeKind> Muted,
    [Id(1)] TimeOnly? QuietFrom,
    [Id(2)] TimeOnly? QuietUntil)
{
    public static readonly NoticePreferences Default = new([], null, null);

    public bool Wants(NoticeKind kind) => !Muted.Contains(kind);

    /// <summary>Whether <paramref name="instant"/> falls in the quiet hours, read in local time at <paramref name="utcOffset"/>.</summary>
    public bool IsQuiet(DateTimeOffset instant, TimeSpan utcOffset)
    {
        if (QuietFrom is not { } from || QuietUntil is not { } until || from == until)
        {
            return false;
        }

        var local = TimeOnly.FromTimeSpan(instant.ToOffset(utcOffset).TimeOfDay);
        return from < until ? local >= from && local < until : local >= from || local < until;
    }

    /// <summary>Whether a notice goes out to the outside channels now, or is held in the inbox only.</summary>
    public bool Sends(Notice notice, DateTimeOffset now, TimeSpan utcOffset) =>
        Wants(notice.Kind) && (notice.Urgent || !IsQuiet(now, utcOffset));

    /// <summary>Both ends of the quiet hours or neither; no kind twice.</summary>
    public static Outcome<NoticePreferences> Create(IReadOnlyList<NoticeKind>? muted, TimeOnly? quietFrom, TimeOnly? quietUntil)
    {
        if (quietFrom.HasValue != quietUntil.HasValue)
        {
            return new Outcome<NoticePreferences>(null, DomainError.Invalid(
                quietFrom.HasValue ? "quietUntil" : "quietFrom", "quiet-hours-incomplete", "Quiet hours need both a start and an end, or neither."));
        }

        if (quietFrom.HasValue && quietFrom == quietUntil)
        {
            return new Outcome<NoticePreferences>(null, DomainError.Invalid("quietUntil", "quiet-hours-empty", "Quiet hours must end at another time than they start."));
        }

        return new NoticePreferences([.. (muted ?? []).Distinct().Order()], quietFrom, quietUntil);
    }
}
