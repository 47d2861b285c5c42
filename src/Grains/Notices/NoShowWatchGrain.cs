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

[CompoundPlacement]
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
        var warn = state.State.Wake(now, reservations.Value.GracePeriod, out var changed);
        foreach (var (reservation, deadline) in warn)
        {
            var notice = NoticeTexts.NoShowWarning(reservation, deadline, now, sharing.Value.UtcOffset);
            GrainFactory.NoticeInbox(notice.CompoundId, notice.UserId).Deliver(notice).Ignore();
        }

        if (changed)
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
        return Deadline.Schedule(state.State.NextWake, () => self.Wake());
    }
}
