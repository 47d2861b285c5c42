namespace Parking.Domain.Reservations;

/// <summary>
/// A driver's bookings still to be warned of at their start (the no-show watch of earlier builds): each is warned
/// once, while its grace period runs, then leaves. Changes only through its methods.
/// </summary>
[GenerateSerializer]
public sealed class NoShowWatchState
{
    /// <summary>Bookings still reserved whose start is not yet warned of, by id.</summary>
    [Id(0)]
    internal Dictionary<string, Reservation> _pending = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Reservation> Pending => _pending;

    /// <summary>When the watch next has something to do (the earliest start held), or null when it holds nothing.</summary>
    public DateTimeOffset? NextWake => _pending.Count == 0 ? null : _pending.Values.Min(r => r.Window.Start);

    /// <summary>
    /// Follows a reservation's latest version: one still reserved and booked before its start is watched (a changed
    /// window replaces the one held), any other leaves. Returns whether anything changed.
    /// </summary>
    public bool Track(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        // Only a booking made before its start is warned of: one made after it began is the driver at the gate.
        var watch = reservation.Status == ReservationStatus.Reserved && reservation.CreatedAt < reservation.Window.Start;
        var changed = watch ? _pending.TryAdd(reservation.Id, reservation) : _pending.Remove(reservation.Id);
        if (watch && !changed && _pending[reservation.Id].Window != reservation.Window)
        {
            _pending[reservation.Id] = reservation;
            changed = true;
        }

        return changed;
    }

    /// <summary>The watched bookings whose window started by <paramref name="now"/>, taken off the watch.</summary>
    public IReadOnlyList<Reservation> TakeStarted(DateTimeOffset now)
    {
        var due = _pending.Values.Where(r => r.Window.Start <= now).ToList();
        foreach (var reservation in due)
        {
            _pending.Remove(reservation.Id);
        }

        return due;
    }

    /// <summary>
    /// Takes off the watch every booking whose window started by <paramref name="now"/> and returns those to warn of:
    /// the ones whose grace period has not run out (a warning after the deadline would come too late to help), each
    /// with its deadline. <paramref name="changed"/> says whether anything left the watch.
    /// </summary>
    public IReadOnlyList<(Reservation Reservation, DateTimeOffset Deadline)> Wake(DateTimeOffset now, TimeSpan grace, out bool changed)
    {
        var due = TakeStarted(now);
        changed = due.Count > 0;
        return [.. due.Select(r => (r, r.Window.Start + grace)).Where(w => now < w.Item2)];
    }
}
