namespace Parking.Grains.Notifications;

/// <summary>A change to push to connected clients; each host turns it into hub calls on the right group.</summary>
[GenerateSerializer, Immutable]
public abstract record Push;

[GenerateSerializer, Immutable]
public sealed record LotChangedPush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string LotId,
    [property: Id(2)] Guid Epoch,
    [property: Id(3)] LotChange Change) : Push
{
    /// <summary>When the lot published the change (real clock, not domain time): the start of its way out.</summary>
    [Id(4)] public DateTimeOffset PublishedAt { get; init; }

    /// <summary>When the notifier sent the batch holding it on to the hosts (real clock).</summary>
    [Id(5)] public DateTimeOffset FlushedAt { get; init; }

    /// <summary>
    /// A lot's change as its lot publishes it. Only with stage times on (<see cref="HubPushOptions.StageTimes"/>) is a
    /// <paramref name="stageClock"/> given and <see cref="PublishedAt"/> set; otherwise no clock is read.
    /// </summary>
    public static LotChangedPush Published(string compoundId, string lotId, Guid epoch, LotChange change, TimeProvider? stageClock) =>
        stageClock is null
            ? new LotChangedPush(compoundId, lotId, epoch, change)
            : new LotChangedPush(compoundId, lotId, epoch, change) { PublishedAt = stageClock.GetUtcNow() };

    /// <summary>
    /// Stamps the lot changes of a batch with when it leaves for the hosts, in place, when a
    /// <paramref name="stageClock"/> is given (stage times on). Without one the batch keeps the very instances
    /// published: no clock read, no copy.
    /// </summary>
    public static void StampFlushed(List<Push> batch, TimeProvider? stageClock)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (stageClock is null)
        {
            return;
        }

        var flushedAt = stageClock.GetUtcNow();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is LotChangedPush change)
            {
                batch[i] = change with { FlushedAt = flushedAt };
            }
        }
    }
}

/// <summary>
/// A lot rebuilt its index under a new <see cref="Epoch"/> (it was activated again, on this silo or another):
/// watchers hear of it at once instead of on the lot's next change. <see cref="Sequence"/> is the lot's number at
/// the rebuild; no change takes it, so the numbers after it stay gap-free.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LotRestartedPush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string LotId,
    [property: Id(2)] Guid Epoch,
    [property: Id(3)] long Sequence,
    [property: Id(4)] DateTimeOffset At) : Push;

/// <summary>An import job moved on, was asked to cancel or ended: whoever watches the job hears of it.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportJobChangedPush([property: Id(0)] Parking.Grains.Compounds.ImportJobView Job) : Push;

[GenerateSerializer, Immutable]
public sealed record ReservationChangedPush([property: Id(0)] Reservation Reservation) : Push;

/// <summary>A driver must hear about their charging request (turn planned, moved, plug in now, move the car...).</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingNoticePush([property: Id(0)] Parking.Domain.Charging.ChargingNotice Notice) : Push;

/// <summary>A charging area changed (a charger, a request or the plan): staff watching it get the whole area.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingAreaChangedPush([property: Id(0)] Parking.Domain.Charging.ChargingAreaView Area) : Push;

/// <summary>
/// A driver's booking broke (<see cref="Reason"/>: <c>withdrawn</c> by the owner, or <c>overstay</c> of the car
/// before); <see cref="Replacement"/> is where they were moved, or null when no space was free.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DriverNoticePush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string ResidentId,
    [property: Id(2)] BrokenBookingReason Reason,
    [property: Id(3)] Reservation Broken,
    [property: Id(4)] Reservation? Replacement) : Push;

/// <summary>A shelter changed (a session, a meter reading, an alarm): its new picture, for staff watching it.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterChangedPush([property: Id(0)] Parking.Domain.Shelters.ShelterSnapshot Shelter) : Push;

/// <summary>A driver's shelter session started or ended (and why), for that driver.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterSessionChangedPush([property: Id(0)] Parking.Domain.Shelters.ShelterSession Session) : Push;

/// <summary>A shelter's alarm was raised or cleared: for the compound's staff and the drivers whose sessions it cut.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterAlarmPush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string ShelterId,
    [property: Id(2)] string Name,
    [property: Id(3)] Parking.Domain.Shelters.ShelterAlarm Alarm,
    [property: Id(4)] IReadOnlyList<string> Drivers) : Push;

/// <summary>A car is still checked in past its reservation's end: for the compound's staff. <see cref="Next"/> is the booking it blocks, if any.</summary>
[GenerateSerializer, Immutable]
public sealed record OverstayPush(
    [property: Id(0)] Reservation Overstay,
    [property: Id(1)] Reservation? Next) : Push;

/// <summary>Implemented by every host that serves SignalR clients; it forwards pushes to its local hub.</summary>
public interface IHubObserver : IGrainObserver
{
    /// <summary>The pushes a notifier sends together (at once, or gathered for a window), in the order they were published.</summary>
    [OneWay]
    Task Deliver(IReadOnlyList<Push> pushes);
}

/// <summary>
/// The list of hosts with connected clients (one per cluster, key 0). Hosts register their observer
/// periodically; an entry not refreshed within <see cref="HubDirectoryGrain.Expiry"/> is dropped, so a
/// dead host falls out by itself.
/// </summary>
public interface IHubDirectoryGrain : IGrainWithIntegerKey
{
    Task Register(string hostId, IHubObserver observer);

    Task Unregister(string hostId);

    [ReadOnly]
    Task<IReadOnlyList<IHubObserver>> GetObservers();
}

/// <summary>
/// Fans a push out to every registered host. A stateless worker: an activation on every silo that
/// publishes, each with a cached copy of the directory, so publishing never funnels through one grain.
/// A quiet lot's change leaves at once; a busy lot's changes are gathered for the rest of its window
/// (<see cref="HubPushOptions.FlushWindow"/>) and sent to each host as one message (the GPSTracker sample's queue and
/// flush), so a burst of changes costs each host one call per window, not one per change.
/// </summary>
public interface IPushNotifierGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Publish(Push push);

    /// <summary>Several pushes in one message, in this order (not copied within the silo: callers build the list for the call).</summary>
    [OneWay]
    Task PublishAll([Immutable] IReadOnlyList<Push> pushes);
}

/// <summary>The one way grains send a push: to the notifier on this silo, without waiting for delivery.</summary>
public static class PushPublishing
{
    /// <summary>The notifier (a stateless worker, so key 0 is one activation per silo, not one grain for all).</summary>
    public static IPushNotifierGrain PushNotifier(this IGrainFactory grains) => grains.CachedSingle<IPushNotifierGrain>();

    /// <summary>Hands the push to the notifier; a push that cannot be delivered is dropped, never retried.</summary>
    public static void Publish(this IGrainFactory grains, Push push) => grains.PushNotifier().Publish(push).Ignore();

    /// <summary>Hands several pushes to the notifier in one message (none: nothing is sent).</summary>
    public static void PublishAll(this IGrainFactory grains, IReadOnlyList<Push> pushes)
    {
        if (pushes.Count == 1)
        {
            grains.Publish(pushes[0]);
        }
        else if (pushes.Count > 1)
        {
            grains.PushNotifier().PublishAll(pushes).Ignore();
        }
    }
}

/// <summary>A simulation run moved on, finished, failed or was cancelled: for the compound's committee and staff.</summary>
[GenerateSerializer, Immutable]
public sealed record SimulationProgressPush([property: Id(0)] Domain.Scenarios.SimulationRunSummary Run) : Push;

/// <summary>Something about a charger staff must hear: a command refused or failed, a draw above its profile.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargerAlertPush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] Ocpp.ChargerAlertKind Kind,
    [property: Id(3)] string Message,
    [property: Id(4)] DateTimeOffset At) : Push;
