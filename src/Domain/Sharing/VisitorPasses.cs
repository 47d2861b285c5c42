using Parking.Domain.Layout;

namespace Parking.Domain.Sharing;

/// <summary>A visitor pass: a reservation of a visitor space for a visitor's plate, booked by a resident of the household.</summary>
/// <remarks>
/// Moved from Parking.Grains: each [Id] is on an internal field behind a public init property, since its codec is
/// generated in Parking.Grains (ORLEANS0101) and the field keeps the stored bytes.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record VisitorPass(string ReservationId, string SpaceId, string ResidentId, string Plate, TimeWindow Window, bool Cancelled)
{
    [Id(0)] internal string _reservationId = ReservationId;

    public string ReservationId { get => _reservationId; init => _reservationId = value; }

    [Id(1)] internal string _spaceId = SpaceId;

    public string SpaceId { get => _spaceId; init => _spaceId = value; }

    [Id(2)] internal string _residentId = ResidentId;

    public string ResidentId { get => _residentId; init => _residentId = value; }

    [Id(3)] internal string _plate = Plate;

    public string Plate { get => _plate; init => _plate = value; }

    [Id(4)] internal TimeWindow _window = Window;

    public TimeWindow Window { get => _window; init => _window = value; }

    [Id(5)] internal bool _cancelled = Cancelled;

    public bool Cancelled { get => _cancelled; init => _cancelled = value; }
}

/// <summary>What is left of a household's visitor quota in one local week.</summary>
public sealed record VisitorQuota(TimeWindow Week, int PassesLeft, TimeSpan HoursLeft);

/// <summary>
/// The visitor passes of one household, in the order they were booked; a cancelled pass gives its quota back.
/// Changes only through its methods.
/// </summary>
[GenerateSerializer]
public sealed class VisitorPassState
{
    /// <summary>How long a pass is kept after its window ended.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    [Id(0)]
    internal List<VisitorPass> _passes = [];

    /// <summary>The household's passes, in the order they were booked.</summary>
    public IReadOnlyList<VisitorPass> Passes => _passes;

    /// <summary>The windows that count against the quota: those of passes not cancelled.</summary>
    public IEnumerable<TimeWindow> Held => _passes.Where(p => !p.Cancelled).Select(p => p.Window);

    /// <summary>Passes that may still be cancelled: not cancelled yet, window not ended by <paramref name="now"/>.</summary>
    public IReadOnlyList<VisitorPass> Open(DateTimeOffset now) => [.. _passes.Where(p => !p.Cancelled && p.Window.End >= now)];

    /// <summary>Whether a pass for <paramref name="window"/> fits the quota: null when it does, the refusal otherwise.</summary>
    public DomainError? Check(VisitorPolicy policy, TimeWindow window, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Check(Held, window, utcOffset);
    }

    /// <summary>
    /// The spaces a pass is tried on, in order: the one the resident named, which must be a visitor space
    /// (<paramref name="namedKind"/> is its kind, null when there is no such space: <c>not-a-visitor-space</c>), or else
    /// the free visitor spaces the search found (<paramref name="free"/>; none: <c>no-visitor-space</c>).
    /// </summary>
    public static Outcome<IReadOnlyList<string>> Candidates(string? namedSpaceId, SpaceKind? namedKind, IReadOnlyList<string> free)
    {
        ArgumentNullException.ThrowIfNull(free);
        if (namedSpaceId is not null)
        {
            return namedKind == SpaceKind.Visitor
                ? new Outcome<IReadOnlyList<string>>([namedSpaceId], null)
                : DomainError.Invalid("spaceId", "not-a-visitor-space", "A visitor pass is for a visitor space.");
        }

        return free.Count == 0
            ? DomainError.Conflict("no-visitor-space", "No visitor space is free for that window.")
            : new Outcome<IReadOnlyList<string>>(free, null);
    }

    /// <summary>The quota left in the local week that holds <paramref name="weekOf"/>.</summary>
    public VisitorQuota Quota(VisitorPolicy policy, DateTimeOffset weekOf, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var week = VisitorPolicy.WeekOf(weekOf, utcOffset);
        var inWeek = Held.Where(w => week.Contains(w.Start)).ToList();
        var hours = inWeek.Aggregate(TimeSpan.Zero, (sum, w) => sum + w.Duration);
        return new VisitorQuota(
            week,
            Math.Max(0, policy.PassesPerWeek - inWeek.Count),
            hours >= policy.HoursPerWeek ? TimeSpan.Zero : policy.HoursPerWeek - hours);
    }

    /// <summary>A new pass booked at <paramref name="now"/>; passes whose window ended more than <see cref="Retention"/> ago go.</summary>
    public void Booked(VisitorPass pass, DateTimeOffset now) => Add(pass, now - Retention);

    /// <summary>A new pass; passes whose window ended before <paramref name="endedBefore"/> go.</summary>
    public void Add(VisitorPass pass, DateTimeOffset endedBefore)
    {
        ArgumentNullException.ThrowIfNull(pass);
        _passes.Add(pass);
        _passes.RemoveAll(p => p.Window.End < endedBefore);
    }

    /// <summary>The pass of reservation <paramref name="reservationId"/> was cancelled: its quota is free again.</summary>
    public void Cancelled(string reservationId)
    {
        var index = _passes.FindIndex(p => p.ReservationId == reservationId);
        if (index >= 0)
        {
            _passes[index] = _passes[index] with { Cancelled = true };
        }
    }
}
