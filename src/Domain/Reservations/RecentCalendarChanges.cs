using Parking.Domain.Layout;
using Parking.Domain.Sharing;

namespace Parking.Domain.Reservations;

/// <summary>
/// The reservations a space booked or changed since its whole calendar was last stored, stored apart from it, so that
/// a booking writes what it changed rather than every reservation the space holds. They apply only to the whole
/// calendar whose <see cref="SpaceCalendar.Version"/> is <see cref="BaseVersion"/>: each whole calendar is stored with a
/// version of its own, so once it is stored whole again the changes stored before are stale and ignored.
/// </summary>
[GenerateSerializer]
public sealed class RecentCalendarChanges
{
    /// <summary>
    /// Changes beyond which the calendar is stored whole again. Also at most a quarter of the calendar's reservations,
    /// so a small calendar is always stored whole (its changes would be about as large as it).
    /// </summary>
    public const int MaxChanges = 16;

    /// <summary>The <see cref="SpaceCalendar.Version"/> of the whole calendar these changes apply to.</summary>
    [Id(0)]
    public long BaseVersion { get; set; }

    /// <summary>The calendar's <see cref="SpaceCalendar.Version"/> with these changes.</summary>
    [Id(1)]
    public long Version { get; set; }

    /// <summary>Every reservation new or changed since the whole calendar was stored, as it is now, in calendar order.</summary>
    [Id(2)]
    public List<Reservation> Changed { get; set; } = [];
}

/// <summary>
/// What the whole calendar held when it was last stored (or read): tells whether the calendar as it is now can be
/// stored as <see cref="RecentCalendarChanges"/> (only reservations added or replaced, nothing else changed) or must be
/// stored whole. Reservations are immutable records, so one not replaced since is the same instance.
/// </summary>
public sealed class StoredCalendar
{
    private readonly StoredEntries<Reservation> _reservations;
    private readonly SpaceDefinition? _definition;
    private readonly bool _outOfService;
    private readonly SharingPlan? _sharing;
    private readonly SharingRecord _sharingRecord;
    private readonly string[] _overstays;
    private readonly long _version;

    private StoredCalendar(SpaceCalendar calendar)
    {
        _reservations = StoredEntries.Of(calendar.Reservations, r => r.Id);
        _definition = calendar.Definition;
        _outOfService = calendar.OutOfService;
        _sharing = calendar.Sharing;
        _sharingRecord = calendar.SharingRecord;
        _overstays = [.. calendar.Overstays];
        _version = calendar.Version;
    }

    /// <summary>The version of the whole calendar stored (see <see cref="SpaceCalendar.StoringWhole"/>).</summary>
    public long Version => _version;

    /// <summary>The whole calendar as it is stored now (call it after a whole write, or on reading, before changes apply).</summary>
    public static StoredCalendar Of(SpaceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return new StoredCalendar(calendar);
    }

    /// <summary>
    /// The changes that bring the stored calendar to <paramref name="calendar"/>, or null when it must be stored whole:
    /// a reservation left it, something besides its reservations changed, or the changes are too many
    /// (<see cref="RecentCalendarChanges.MaxChanges"/>, or more than a quarter of its reservations).
    /// </summary>
    public RecentCalendarChanges? ChangesTo(SpaceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!ReferenceEquals(calendar.Definition, _definition)
            || calendar.OutOfService != _outOfService
            || !ReferenceEquals(calendar.Sharing, _sharing)
            || calendar.SharingRecord != _sharingRecord
            || !calendar.Overstays.SequenceEqual(_overstays, StringComparer.Ordinal))
        {
            return null;
        }

        // Every stored reservation must still be there (a removal is written whole).
        var limit = Math.Min(RecentCalendarChanges.MaxChanges, calendar.Reservations.Count / 4);
        return _reservations.ChangesTo(calendar.Reservations, limit, EntryChangesAllowed.AddedOrReplaced) is { } changes
            ? new RecentCalendarChanges { BaseVersion = _version, Version = calendar.Version, Changed = changes.Changed }
            : null;
    }
}
