using Parking.Domain.Layout;
using Parking.Domain.Credits;
using Parking.Domain.Sharing;

namespace Parking.Domain.Reservations;

/// <summary>
/// What one command did to a space: its answer, the reservations it changed (the no-shows released before it
/// first), and whether the calendar changed and must be stored. A refused command may still have changed the
/// calendar: the no-shows it released stay released.
/// </summary>
public sealed record SpaceChange<T>(Outcome<T> Outcome, IReadOnlyList<Reservation> Changed, bool StateChanged);

/// <summary>
/// The decisions of one parking space over its <see cref="SpaceCalendar"/>, one per command of the space grain.
/// A reservation past its grace period is released before anything else is decided, whether or not the
/// timer has fired yet; each decision then says what changed, so its caller stores and tells exactly that.
/// </summary>
public sealed class ParkingSpace(SpaceCalendar calendar, ReservationPolicy policy)
{
    public SpaceCalendar Calendar => calendar;

    public SpaceChange<Reservation> Cancel(string reservationId, Actor actor, DateTimeOffset now) =>
        AfterNoShows(now, () => calendar.Cancel(reservationId, actor, now), r => [r]);

    public SpaceChange<Reservation> CheckIn(string reservationId, Actor actor, DateTimeOffset now) =>
        AfterNoShows(now, () => calendar.CheckIn(reservationId, actor, now, policy), r => [r]);

    public SpaceChange<Reservation> CheckOut(string reservationId, Actor actor, DateTimeOffset now) =>
        AfterNoShows(now, () => calendar.CheckOut(reservationId, actor, now), r => [r]);

    /// <summary>
    /// Books through <see cref="Booking.BookAsync"/>, the command's household paying. A replayed request changes
    /// nothing beyond the no-shows released.
    /// </summary>
    public async ValueTask<SpaceChange<BookingDecision>> Reserve(
        ReserveCommand command,
        CreditPolicy credits,
        DateTimeOffset now,
        Guid unique,
        Func<BookingPayment, ValueTask<DomainError?>> pay)
    {
        ArgumentNullException.ThrowIfNull(command);
        var released = calendar.ReleaseNoShows(now, policy);
        var booked = await Booking.BookAsync(calendar, command, command.HouseholdId, policy, credits, now, unique, pay);
        return booked.Value is { Replayed: false } made
            ? new(booked, [.. released, made.Reservation], true)
            : new(booked, released, released.Count > 0);
    }

    /// <summary>
    /// Staff block the space (every booking not yet checked in whose window has not ended is cancelled and is the
    /// answer, to refund and move) or reopen it. Blocking is always stored, even a space already blocked. A space
    /// that leaves the layout (<paramref name="leavesLayout"/>) is blocked and its owner's sharing plan ends.
    /// </summary>
    public SpaceChange<IReadOnlyList<Reservation>> SetService(bool outOfService, DateTimeOffset now, bool leavesLayout = false)
    {
        if (!calendar.IsConfigured)
        {
            return new(SpaceNotFound(), [], false);
        }

        var released = calendar.ReleaseNoShows(now, policy);
        if (!outOfService)
        {
            var reopened = calendar.SetOutOfService(false);
            return new(Outcome([]), released, reopened || released.Count > 0);
        }

        var broken = calendar.Block(now).Value!;
        if (leavesLayout)
        {
            // The space leaves the compound (a re-import dropped it): nothing of it is shared any more.
            calendar.Sharing = null;
        }

        return new(Outcome(broken), [.. released, .. broken], true);
    }

    /// <summary>
    /// The owner's household publishes (or replaces) the space's sharing plan; the bookings it breaks are in the
    /// answer, to refund and move. Only the household that owns the space may.
    /// </summary>
    public SpaceChange<SharingChange> PublishSharing(SharingPlan plan, string? publisherHouseholdId, DateTimeOffset now, TimeSpan notice)
    {
        if (calendar.Definition is not { } definition)
        {
            return new(SpaceNotFound(), [], false);
        }

        if (publisherHouseholdId is null || publisherHouseholdId != definition.OwnerHouseholdId)
        {
            return new(DomainError.Forbidden("Only the household that owns this space may publish its sharing windows."), [], false);
        }

        return AfterNoShows(now, () => calendar.PublishSharing(plan, now, notice), change => change.Broken);
    }

    /// <summary>Releases the no-shows (<see cref="SpaceChange{T}.Changed"/>) and flags the overstays (the answer: the newly flagged).</summary>
    public SpaceChange<IReadOnlyList<Reservation>> Sweep(DateTimeOffset now)
    {
        var released = calendar.ReleaseNoShows(now, policy);
        var overstays = calendar.FlagOverstays(now);
        return new(Outcome(overstays), released, released.Count > 0 || overstays.Count > 0);
    }

    /// <summary>Staff switch the block on or off without touching bookings.</summary>
    public SpaceChange<bool> SetOutOfService(bool outOfService) =>
        calendar.IsConfigured
            ? new(outOfService, [], calendar.SetOutOfService(outOfService))
            : new(SpaceNotFound(), [], false);

    /// <summary>
    /// Staff redefine the space from the definition they read (<paramref name="expected"/>): refused with
    /// <c>space-changed</c> when the space changed since, rather than silently undoing another edit.
    /// </summary>
    public SpaceChange<bool> Redefine(SpaceDefinition definition, SpaceDefinition expected)
    {
        if (calendar.IsConfigured && calendar.Definition != expected)
        {
            return new(DomainError.Conflict("space-changed", "The space was changed by someone else since it was read; read it again and retry."), [], false);
        }

        var changed = calendar.Redefine(definition);
        return new(changed, [], changed.Value);
    }

    private SpaceChange<T> AfterNoShows<T>(DateTimeOffset now, Func<Outcome<T>> command, Func<T, IEnumerable<Reservation>> changed)
    {
        var released = calendar.ReleaseNoShows(now, policy);
        var outcome = command();
        return outcome.Value is { } value && outcome.IsSuccess
            ? new(outcome, [.. released, .. changed(value)], true)
            : new(outcome, released, released.Count > 0);
    }

    private static Outcome<IReadOnlyList<Reservation>> Outcome(IReadOnlyList<Reservation> reservations) => new(reservations, null);

    private static DomainError SpaceNotFound() => DomainError.NotFound("space-not-found", "No such parking space.");
}
