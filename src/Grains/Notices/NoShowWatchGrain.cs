using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Sharing;

namespace Parking.Grains.Notices;

/// <summary>
/// Warned a driver when a booking's window had started and the car was not checked in yet (key: compound/user),
/// following the user's reservations from their pushes: a full write of the user's pending bookings per booking and
/// per cancel. The space now warns of its own bookings at their start (<c>ParkingSpaceGrain</c>), so nothing tracks
/// here any more; the grain stays so that watches stored by earlier builds still warn at their time, then clear.
/// </summary>
public interface INoShowWatchGrain : IGrainWithStringKey
{
    Task Track(Reservation reservation);

    Task Wake();
}

[GenerateSerializer]
public sealed class NoShowWatchState
{
    /// <summary>Bookings still reserved whose start is not yet warned of, by id.</summary>
    [Id(0)]
    internal Dictionary<string, Reservation> _pending = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Reservation> Pending => _pending;

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
}

public sealed class NoShowWatchGrain(
    [PersistentState("no-show-watch", GrainKeys.StorageName)] IPersistentState<NoShowWatchState> state,
    IOptions<ReservationPolicy> reservations,
    IOptions<SharingPolicy> sharing,
    ParkingClock time) : Grain, INoShowWatchGrain, IRemindable
{
    private DeadlineWake? _wake;

    private DeadlineWake Deadline => _wake ??= new DeadlineWake(this, time, "no-show-warning");

    private IReadOnlyDictionary<string, Reservation> Pending => state.State.Pending;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Deadline.LoadReminder(cancellationToken);
        await Schedule();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    public async Task Track(Reservation reservation)
    {
        if (state.State.Track(reservation))
        {
            await Store();
            await Schedule();
        }
    }

    public async Task Wake()
    {
        var now = time.GetUtcNow();
        var grace = reservations.Value.GracePeriod;
        var due = state.State.TakeStarted(now);
        foreach (var reservation in due)
        {
            var deadline = reservation.Window.Start + grace;
            if (now < deadline)
            {
                var notice = NoticeTexts.NoShowWarning(reservation, deadline, now, sharing.Value.UtcOffset);
                GrainFactory.NoticeInbox(notice.CompoundId, notice.UserId).Deliver(notice).Ignore();
            }
        }

        if (due.Count > 0)
        {
            await Store();
        }

        await Schedule();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Pending.Count == 0)
        {
            await Deadline.Forget();
            return;
        }

        await Wake();
    }

    /// <summary>Nothing left to watch leaves no stored record keyed by the person (one who left the compound included).</summary>
    private Task Store() => Pending.Count == 0 ? state.ClearStateAsync() : state.WriteStateAsync();

    private Task Schedule()
    {
        var self = this.AsReference<INoShowWatchGrain>();
        DateTimeOffset? next = Pending.Count == 0 ? null : Pending.Values.Min(r => r.Window.Start);
        return Deadline.Schedule(next, () => self.Wake());
    }
}
