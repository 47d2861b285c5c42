using Parking.Domain.Availability;
using Parking.Domain.Layout;
using Parking.Domain.Sharing;

namespace Parking.Domain.Reservations;

/// <summary>What a space is doing at one instant.</summary>
public enum SpaceStatus
{
    Free,
    Reserved,
    Occupied,
    OutOfService,
}

/// <summary>
/// What one wants of a space: a window for a resident's car. <see cref="RequestId"/>, when given, names
/// the reservation the request makes, so the same request sent again returns that reservation.
/// <see cref="HouseholdId"/> is the resident's household: it owns private spaces and pays for bookings.
/// <see cref="ResidentRecords"/> when the resident's own grain asks and records the reservation from the answer, so the
/// space need not tell it of the new booking (it still tells of every later change).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReserveCommand(
    [Id(0)] string ResidentId,
    [Id(1)] TimeWindow Window,
    [Id(2)] string? Plate,
    [Id(3)] Guid? RequestId = null,
    [Id(4)] string? HouseholdId = null,
    [Id(5)] bool ResidentRecords = false);

/// <summary>What a new sharing plan did: the bookings it broke, and how many of them lay within the notice period.</summary>
[GenerateSerializer, Immutable]
public sealed record SharingChange(
    [Id(0)] SharingPlan Plan,
    [Id(1)] IReadOnlyList<Reservation> Broken,
    [Id(2)] int Late);

/// <summary>The owner's record for one space: how often their withdrawals broke others' bookings.</summary>
[GenerateSerializer, Immutable]
public sealed record SharingRecord(
    [Id(0)] int Publications,
    [Id(1)] int BrokenBookings,
    [Id(2)] int LateBrokenBookings)
{
    public static readonly SharingRecord Empty = new(0, 0, 0);
}

/// <summary>
/// The calendar of one parking space and the rules that keep it consistent: windows never overlap,
/// a reservation moves reserved → checked-in → completed, or is cancelled, or becomes a no-show.
/// Every method either changes the calendar and bumps <see cref="Version"/>, or refuses and changes nothing.
/// It is the state of the space grain, its single writer.
/// </summary>
[GenerateSerializer]
public sealed class SpaceCalendar
{
    [Id(0)]
    public SpaceDefinition? Definition { get; internal set; }

    [Id(1)]
    public bool OutOfService { get; internal set; }

    [Id(2)]
    internal List<Reservation> _reservations = [];

    public IReadOnlyList<Reservation> Reservations => _reservations;

    [Id(3)]
    public long Version { get; internal set; }

    /// <summary>For a private space: the hours its owner shares. Others may book it only inside them.</summary>
    [Id(4)]
    public SharingPlan? Sharing { get; internal set; }

    [Id(5)]
    public SharingRecord SharingRecord { get; internal set; } = SharingRecord.Empty;

    /// <summary>Checked-in reservations whose car stayed past the end, already flagged to staff.</summary>
    [Id(6)]
    internal List<string> _overstays = [];

    public IReadOnlyList<string> Overstays => _overstays;

    /// <summary>How far ahead a snapshot lists a private space's shared windows: the booking horizon and a longest booking.</summary>
    public static readonly TimeSpan SharedLookahead = TimeSpan.FromDays(16);

    public bool IsConfigured => Definition is not null;

    /// <summary>Defines (or redefines) the space; returns false when nothing changed.</summary>
    public bool Configure(SpaceDefinition definition)
    {
        if (Definition == definition)
        {
            return false;
        }

        Definition = definition;
        Version++;
        return true;
    }

    public Outcome<Reservation> Reserve(ReserveCommand command, ReservationPolicy policy, DateTimeOffset now, Guid unique)
    {
        var prepared = Prepare(command, policy, now, unique, out var replayed);
        if (prepared.IsSuccess && !replayed)
        {
            Add(prepared.Value!);
        }

        return prepared;
    }

    /// <summary>
    /// Decides a reservation without making it: the reservation that <see cref="Add"/> would store, the one an
    /// identical earlier request made (<paramref name="replayed"/>), or why not. Changes nothing.
    /// </summary>
    public Outcome<Reservation> Prepare(ReserveCommand command, ReservationPolicy policy, DateTimeOffset now, Guid unique, out bool replayed)
    {
        replayed = false;
        if (Definition is null)
        {
            return UnknownSpace();
        }

        // The id the request names is made once, not once per reservation held (a string per comparison, on every
        // booking: every resident's request carries an id).
        if (command.RequestId is { } requestId
            && Reservation.NewId(Definition.SpaceId, requestId) is var requestedId
            && _reservations.Find(r => string.Equals(r.Id, requestedId, StringComparison.Ordinal)) is { } earlier
            && earlier.ResidentId == command.ResidentId
            && earlier.Window == command.Window)
        {
            // The same request again (its first answer was lost): the reservation it made, unchanged.
            replayed = true;
            return earlier;
        }

        if (policy.Validate(command.Window, now) is { } invalid)
        {
            return invalid;
        }

        if (OutOfService)
        {
            return DomainError.Conflict("space-out-of-service", "The space is out of service.");
        }

        if (Definition.Ownership == SpaceOwnership.Private)
        {
            if (command.HouseholdId is not null && command.HouseholdId == Definition.OwnerHouseholdId)
            {
                return DomainError.Conflict("own-space", "This is your household's own space: use it directly, it needs no booking.");
            }

            if (Sharing is null || !Sharing.Covers(command.Window))
            {
                return new DomainError(ErrorKind.Conflict, "outside-sharing-window", "A private space may be booked only inside its owner's published sharing windows.", "start");
            }
        }

        if (_reservations.Any(r => r.HeldWindow is { } held && held.Overlaps(command.Window)))
        {
            return DomainError.Conflict("space-taken", "The space is already reserved for part of that window.");
        }

        return new Reservation(
            Reservation.NewId(Definition.SpaceId, unique),
            Definition.CompoundId,
            Definition.LotId,
            Definition.SpaceId,
            command.ResidentId,
            command.Plate,
            command.Window,
            ReservationStatus.Reserved,
            CreatedAt: now,
            CheckedInAt: null,
            EndedAt: null,
            Revision: 1);
    }

    /// <summary>
    /// Applies the changes stored since this whole calendar was (see <see cref="RecentCalendarChanges"/>): each changed
    /// reservation replaces the one of its id, or is added after the others. Changes made from another whole calendar
    /// (an earlier one: this one was stored after them) are stale and change nothing. Answers whether they applied.
    /// </summary>
    public bool Replay(RecentCalendarChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.BaseVersion != Version)
        {
            return false;
        }

        StoredEntries.Replay(_reservations, changes.Changed, r => r.Id);
        Version = changes.Version;
        return true;
    }

    /// <summary>
    /// Before the whole calendar is stored: makes its <see cref="Version"/> differ from that of the whole calendar stored
    /// last (<paramref name="storedVersion"/>) if nothing has bumped it since (an archiving, a pruning, a forgetting), so
    /// changes stored apart from an earlier whole calendar never apply to this one.
    /// </summary>
    public void StoringWhole(long storedVersion)
    {
        if (Version <= storedVersion)
        {
            Version = storedVersion + 1;
        }
    }

    /// <summary>Stores a reservation <see cref="Prepare"/> decided, in the same turn of the space.</summary>
    public void Add(Reservation reservation)
    {
        _reservations.Add(reservation);
        Version++;
    }

    /// <summary>
    /// Publishes (or replaces) the owner's sharing plan. Bookings not yet checked in that the new plan no
    /// longer covers are broken: cancelled here, to be moved or told by the caller. A checked-in car stays.
    /// </summary>
    public Outcome<SharingChange> PublishSharing(SharingPlan plan, DateTimeOffset now, TimeSpan notice)
    {
        if (Definition is null)
        {
            return UnknownSpace();
        }

        if (Definition.Ownership != SpaceOwnership.Private)
        {
            return DomainError.Conflict("space-not-private", "Only a private space has sharing windows.");
        }

        if (plan.Validate(now) is { } invalid)
        {
            return invalid;
        }

        var broken = new List<Reservation>();
        var late = 0;
        for (var i = 0; i < _reservations.Count; i++)
        {
            var reservation = _reservations[i];
            if (reservation.Status == ReservationStatus.Reserved && !plan.Covers(reservation.Window))
            {
                var cancelled = reservation with { Status = ReservationStatus.Cancelled, EndedAt = now, Revision = reservation.Revision + 1 };
                _reservations[i] = cancelled;
                broken.Add(cancelled);
                if (reservation.Window.Start < now + notice)
                {
                    late++;
                }
            }
        }

        Sharing = plan;
        SharingRecord = new SharingRecord(SharingRecord.Publications + 1, SharingRecord.BrokenBookings + broken.Count, SharingRecord.LateBrokenBookings + late);
        Version++;
        return new SharingChange(plan, broken, late);
    }

    public Outcome<Reservation> Cancel(string reservationId, Actor actor, DateTimeOffset now)
    {
        var found = Find(reservationId, actor);
        if (!found.IsSuccess)
        {
            return found;
        }

        var reservation = found.Value!;
        return reservation.Status switch
        {
            ReservationStatus.Reserved => Replace(reservation, reservation with { Status = ReservationStatus.Cancelled, EndedAt = now }),
            ReservationStatus.CheckedIn => DomainError.Conflict("reservation-checked-in", "The car is checked in: check out instead of cancelling."),
            _ => NotActive(reservation),
        };
    }

    public Outcome<Reservation> CheckIn(string reservationId, Actor actor, DateTimeOffset now, ReservationPolicy policy)
    {
        var found = Find(reservationId, actor);
        if (!found.IsSuccess)
        {
            return found;
        }

        var reservation = found.Value!;
        if (reservation.Status == ReservationStatus.CheckedIn)
        {
            return DomainError.Conflict("reservation-checked-in", "The reservation is already checked in.");
        }

        if (reservation.Status != ReservationStatus.Reserved)
        {
            return NotActive(reservation);
        }

        if (now < reservation.Window.Start - policy.EarlyCheckIn)
        {
            return DomainError.Conflict("check-in-too-early", $"Check-in opens {policy.EarlyCheckIn.TotalMinutes:0} minutes before the start.");
        }

        if (now >= reservation.Window.End)
        {
            return DomainError.Conflict("reservation-over", "The reservation's window has ended.");
        }

        if (now < reservation.Window.Start)
        {
            // Arriving early takes the space from now on: only if nobody else holds it before our start.
            var early = new TimeWindow(now, reservation.Window.Start);
            if (_reservations.Any(r => r.Id != reservation.Id && r.HeldWindow is { } held && held.Overlaps(early)))
            {
                return DomainError.Conflict("space-still-held", "The space is still held by someone else until your window starts.");
            }
        }

        return Replace(reservation, reservation with { Status = ReservationStatus.CheckedIn, CheckedInAt = now });
    }

    /// <summary>Flags every checked-in car still on the space after its window ended; returns the newly flagged.</summary>
    public IReadOnlyList<Reservation> FlagOverstays(DateTimeOffset now)
    {
        var flagged = _reservations.Where(r => r.Status == ReservationStatus.CheckedIn && now >= r.Window.End && !_overstays.Contains(r.Id)).ToList();
        if (flagged.Count > 0)
        {
            _overstays.AddRange(flagged.Select(r => r.Id));
            Version++;
        }

        return flagged;
    }

    /// <summary>When the next checked-in car overstays if it does not leave; null if none can.</summary>
    public DateTimeOffset? NextOverstayDeadline() =>
        _reservations.Where(r => r.Status == ReservationStatus.CheckedIn && !_overstays.Contains(r.Id)).Select(r => (DateTimeOffset?)r.Window.End).Min();

    /// <summary>The next booking waiting for this space after an overstaying car, if it starts before <paramref name="horizon"/>.</summary>
    public Reservation? NextWaiting(Reservation overstay, DateTimeOffset horizon) =>
        _reservations
            .Where(r => r.Status == ReservationStatus.Reserved && r.Id != overstay.Id && r.Window.Start >= overstay.Window.End && r.Window.Start < horizon)
            .OrderBy(r => r.Window.Start)
            .FirstOrDefault();

    public Outcome<Reservation> CheckOut(string reservationId, Actor actor, DateTimeOffset now)
    {
        var found = Find(reservationId, actor);
        if (!found.IsSuccess)
        {
            return found;
        }

        _overstays.Remove(reservationId);

        var reservation = found.Value!;
        return reservation.Status == ReservationStatus.CheckedIn
            ? Replace(reservation, reservation with { Status = ReservationStatus.Completed, EndedAt = now })
            : DomainError.Conflict("reservation-not-checked-in", "Only a checked-in reservation can be checked out.");
    }

    /// <summary>Releases every reservation whose driver did not check in within the grace period.</summary>
    public IReadOnlyList<Reservation> ReleaseNoShows(DateTimeOffset now, ReservationPolicy policy)
    {
        List<Reservation>? released = null;
        for (var i = 0; i < _reservations.Count; i++)
        {
            var reservation = _reservations[i];
            if (reservation.Status == ReservationStatus.Reserved && now >= reservation.Window.Start + policy.GracePeriod)
            {
                var noShow = reservation with
                {
                    Status = ReservationStatus.NoShow,
                    EndedAt = reservation.Window.Start + policy.GracePeriod,
                    Revision = reservation.Revision + 1,
                };
                _reservations[i] = noShow;
                (released ??= []).Add(noShow);
            }
        }

        if (released is null)
        {
            return [];
        }

        Version++;
        return released;
    }

    /// <summary>When the next reservation becomes a no-show if nobody checks in; null if none can.</summary>
    public DateTimeOffset? NextNoShowDeadline(ReservationPolicy policy)
    {
        DateTimeOffset? next = null;
        foreach (var reservation in _reservations)
        {
            if (reservation.Status == ReservationStatus.Reserved)
            {
                var deadline = reservation.Window.Start + policy.GracePeriod;
                if (next is null || deadline < next)
                {
                    next = deadline;
                }
            }
        }

        return next;
    }

    /// <summary>
    /// Whether the driver of <paramref name="reservation"/> is warned when its window starts without them: a booking still
    /// reserved, made before its start (one made after it began is the driver at the gate).
    /// </summary>
    public static bool WarnsOfNoShow(Reservation reservation) =>
        reservation.Status == ReservationStatus.Reserved && reservation.CreatedAt < reservation.Window.Start;

    /// <summary>
    /// The bookings to warn of a coming no-show at <paramref name="now"/>: those <see cref="WarnsOfNoShow"/> keeps whose
    /// window started after <paramref name="warnedThrough"/> and by <paramref name="now"/>, while their grace period runs.
    /// </summary>
    public IReadOnlyList<Reservation> NoShowWarningsDue(DateTimeOffset warnedThrough, DateTimeOffset now, ReservationPolicy policy) =>
        [.. _reservations.Where(r => WarnsOfNoShow(r) && r.Window.Start > warnedThrough && r.Window.Start <= now && now < r.Window.Start + policy.GracePeriod)];

    /// <summary>When the next booking to warn of starts after <paramref name="warnedThrough"/>; null if none.</summary>
    public DateTimeOffset? NextNoShowWarning(DateTimeOffset warnedThrough)
    {
        DateTimeOffset? next = null;
        foreach (var reservation in _reservations)
        {
            if (WarnsOfNoShow(reservation) && reservation.Window.Start > warnedThrough && (next is null || reservation.Window.Start < next))
            {
                next = reservation.Window.Start;
            }
        }

        return next;
    }

    /// <summary>Blocks or reopens the space. Blocking refuses new reservations; existing ones stay for staff to move.</summary>
    public bool SetOutOfService(bool outOfService)
    {
        if (OutOfService == outOfService)
        {
            return false;
        }

        OutOfService = outOfService;
        Version++;
        return true;
    }

    /// <summary>
    /// Staff redefine the space (its kind or its owner). A new owner does not inherit the old owner's sharing
    /// plan: it goes, and the space is shared again only when the new owner publishes. Bookings made under
    /// the old terms stay. Returns false when nothing changed.
    /// </summary>
    public Outcome<bool> Redefine(SpaceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Definition is null)
        {
            return UnknownSpace();
        }

        if (definition.SpaceId != Definition.SpaceId || definition.LotId != Definition.LotId || definition.CompoundId != Definition.CompoundId)
        {
            throw new ArgumentException($"Definition of '{definition.SpaceId}' given to space '{Definition.SpaceId}'.", nameof(definition));
        }

        if (definition == Definition)
        {
            return false;
        }

        if (definition.Ownership != Definition.Ownership || definition.OwnerHouseholdId != Definition.OwnerHouseholdId)
        {
            Sharing = null;
        }

        Definition = definition;
        Version++;
        return true;
    }

    /// <summary>
    /// Blocks the space (out of service). Every booking not yet checked in whose window has not ended is
    /// cancelled and returned, for the caller to refund in full and move; a car already checked in stays
    /// until it checks out. Blocking a blocked space changes nothing.
    /// </summary>
    public Outcome<IReadOnlyList<Reservation>> Block(DateTimeOffset now)
    {
        if (Definition is null)
        {
            return UnknownSpace();
        }

        if (OutOfService)
        {
            return Array.Empty<Reservation>();
        }

        var broken = new List<Reservation>();
        for (var i = 0; i < _reservations.Count; i++)
        {
            var reservation = _reservations[i];
            if (reservation.Status == ReservationStatus.Reserved && reservation.Window.End > now)
            {
                var cancelled = reservation with { Status = ReservationStatus.Cancelled, EndedAt = now, Revision = reservation.Revision + 1 };
                _reservations[i] = cancelled;
                broken.Add(cancelled);
            }
        }

        OutOfService = true;
        Version++;
        return broken;
    }

    /// <summary>The oldest finished reservations to move to an archive chunk, once enough have finished; else null.</summary>
    public IReadOnlyList<Reservation>? ChunkToArchive() => FinishedReservations.ChunkToArchive(_reservations);

    /// <summary>
    /// <paramref name="chunk"/> (from <see cref="ChunkToArchive"/>) is stored in the archive: it leaves the calendar. The
    /// calendar's <see cref="Version"/> stays: what holds the space did not change.
    /// </summary>
    public void Archived(IReadOnlyList<Reservation> chunk) => FinishedReservations.Remove(_reservations, chunk);

    /// <summary>
    /// What <see cref="Cancel"/>, <see cref="CheckIn"/> or <see cref="CheckOut"/> answer for a finished reservation that
    /// was moved to the archive: the same refusal as when it was still in the calendar.
    /// </summary>
    public static DomainError Refusal(Reservation archived, Actor actor, bool checkOut)
    {
        ArgumentNullException.ThrowIfNull(archived);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.MayActOn(archived))
        {
            return DomainError.Forbidden("The reservation belongs to another resident.");
        }

        return checkOut
            ? DomainError.Conflict("reservation-not-checked-in", "Only a checked-in reservation can be checked out.")
            : NotActive(archived);
    }

    /// <summary>Drops finished reservations that ended long ago, so the calendar stays small.</summary>
    /// <summary>
    /// A person left the compound: their bookings here name <paramref name="pseudonym"/> instead, and those that ended
    /// lose the plate too (a car still checked in keeps it, so the gate can let it out). Returns how many changed.
    /// </summary>
    public int Anonymise(string residentId, string pseudonym)
    {
        var changed = 0;
        for (var i = 0; i < _reservations.Count; i++)
        {
            if (_reservations[i] is { } r && r.ResidentId == residentId)
            {
                _reservations[i] = r with { ResidentId = pseudonym, Plate = r.IsActive ? r.Plate : null };
                changed++;
            }
        }

        return changed;
    }

    /// <summary>Drops the bookings that ended before <paramref name="cutoff"/> (the compound's retention period); returns how many.</summary>
    public int Forget(DateTimeOffset cutoff) =>
        _reservations.RemoveAll(r => !r.IsActive && (r.EndedAt ?? r.Window.End) < cutoff);

    public int Prune(DateTimeOffset now, ReservationPolicy policy) =>
        _reservations.RemoveAll(r => !r.IsActive && (r.EndedAt ?? r.Window.End) < now - policy.SpaceHistory);

    public SpaceStatus StatusAt(DateTimeOffset now)
    {
        if (OutOfService)
        {
            return SpaceStatus.OutOfService;
        }

        var status = SpaceStatus.Free;
        foreach (var reservation in _reservations)
        {
            if (reservation.Status == ReservationStatus.CheckedIn)
            {
                return SpaceStatus.Occupied;
            }

            if (reservation.Status == ReservationStatus.Reserved && reservation.Window.Contains(now))
            {
                status = SpaceStatus.Reserved;
            }
        }

        return status;
    }

    /// <summary>The windows in which the space is held from <paramref name="now"/> on, in order.</summary>
    /// <remarks>
    /// Built on every report to the lot, so once per booking, over every reservation the calendar holds: one array
    /// and nothing else (the query it replaced boxed each window and buffered them again to sort). Held windows do
    /// not overlap, so no two share a start and the order is the one the query gave.
    /// </remarks>
    public IReadOnlyList<TimeWindow> HeldFrom(DateTimeOffset now)
    {
        var count = 0;
        foreach (var reservation in _reservations)
        {
            if (reservation.HeldWindow is { } held && held.End > now)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var windows = new TimeWindow[count];
        var at = 0;
        foreach (var reservation in _reservations)
        {
            if (reservation.HeldWindow is { } held && held.End > now)
            {
                windows[at++] = held;
            }
        }

        Array.Sort(windows, ByStart.Instance);
        return windows;
    }

    /// <summary>Orders windows by start (then end), without allocating a comparer per call.</summary>
    private sealed class ByStart : IComparer<TimeWindow>
    {
        public static readonly ByStart Instance = new();

        public int Compare(TimeWindow x, TimeWindow y)
        {
            var byStart = x.Start.CompareTo(y.Start);
            return byStart != 0 ? byStart : x.End.CompareTo(y.End);
        }
    }

    public SpaceAvailability Snapshot(DateTimeOffset now) =>
        new(Definition!, OutOfService, HeldFrom(now), StatusAt(now), Version, now)
        {
            Shared = Definition!.Ownership != SpaceOwnership.Private ? null
                : Sharing?.Expand(new TimeWindow(now, now + SharedLookahead)) ?? [],
        };

    /// <summary>A reservation of this space that <paramref name="actor"/> may see and act on, or why not.</summary>
    public Outcome<Reservation> Find(string reservationId, Actor actor)
    {
        if (Definition is null)
        {
            return UnknownSpace();
        }

        var reservation = _reservations.Find(r => r.Id == reservationId);
        if (reservation is null)
        {
            return DomainError.NotFound("reservation-not-found", $"No reservation '{reservationId}'.");
        }

        return Visible(reservation, actor);
    }

    /// <summary>A reservation of this space (held, or moved to the archive) as <paramref name="actor"/> may see it: their own, or any for staff.</summary>
    public static Outcome<Reservation> Visible(Reservation reservation, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(actor);
        return actor.MayActOn(reservation)
            ? reservation
            : DomainError.Forbidden("The reservation belongs to another resident.");
    }

    /// <summary>
    /// When the space must look at itself next: the earliest no-show deadline, overstay deadline or no-show warning
    /// (warnings up to <paramref name="warnedThrough"/> were given); null when nothing is due.
    /// </summary>
    public DateTimeOffset? NextWake(ReservationPolicy policy, DateTimeOffset warnedThrough) =>
        new[] { NextNoShowDeadline(policy), NextOverstayDeadline(), NextNoShowWarning(warnedThrough) }.Min();

    private Reservation Replace(Reservation current, Reservation next)
    {
        next = next with { Revision = current.Revision + 1 };
        _reservations[_reservations.IndexOf(current)] = next;
        Version++;
        return next;
    }

    private static DomainError UnknownSpace() => DomainError.NotFound("space-not-found", "No such parking space.");

    private static DomainError NotActive(Reservation reservation) =>
        DomainError.Conflict("reservation-not-active", $"The reservation is {reservation.Status.ToString().ToLowerInvariant()}.");
}
