using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Sharing;

namespace Parking.Grains.Notices;

/// <summary>
/// Warns a driver when a booking's window has started and the car is not checked in yet, while the grace
/// period still runs (key: compound/user). It follows the user's reservations from their pushes.
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
    public Dictionary<string, Reservation> Pending { get; set; } = new(StringComparer.Ordinal);
}

public sealed class NoShowWatchGrain(
    [PersistentState("no-show-watch", GrainKeys.StorageName)] IPersistentState<NoShowWatchState> state,
    IOptions<ReservationPolicy> reservations,
    IOptions<SharingPolicy> sharing,
    ParkingClock time) : Grain, INoShowWatchGrain, IRemindable
{
    private DeadlineWake? _wake;

    private DeadlineWake Deadline => _wake ??= new DeadlineWake(this, time, "no-show-warning");

    private Dictionary<string, Reservation> Pending => state.State.Pending;

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
        // Only a booking made before its start is warned of: one made after it began is the driver at the gate.
        var watch = reservation.Status == ReservationStatus.Reserved && reservation.CreatedAt < reservation.Window.Start;
        var changed = watch ? Pending.TryAdd(reservation.Id, reservation) : Pending.Remove(reservation.Id);
        if (watch && !changed && Pending[reservation.Id].Window != reservation.Window)
        {
            Pending[reservation.Id] = reservation;
            changed = true;
        }

        if (changed)
        {
            await Store();
            await Schedule();
        }
    }

    public async Task Wake()
    {
        var now = time.GetUtcNow();
        var grace = reservations.Value.GracePeriod;
        var due = Pending.Values.Where(r => r.Window.Start <= now).ToList();
        foreach (var reservation in due)
        {
            Pending.Remove(reservation.Id);
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
