using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Parking.Grains.Notifications;

[StatelessWorker(1)]
[Reentrant]
public sealed partial class PushNotifierGrain(
    IOptions<HubPushOptions> options,
    LocalHubObserver local,
    IClusterMembershipService membership,
    PushWindowClock windowClock,
    ILogger<PushNotifierGrain> logger)
    : Grain, IPushNotifierGrain
{
    /// <summary>The clock of the window: when each lot's batch left and how long a change waits for the rest of it.</summary>
    private readonly TimeProvider _clock = windowClock.Time;

    /// <summary>How often at most a batch leaves (<see cref="HubPushOptions.FlushWindow"/>).</summary>
    private readonly TimeSpan _flushWindow = options.Value.FlushWindow;

    /// <summary>The real clock when lot changes are to carry their stage times (a bench's setting), otherwise none.</summary>
    private readonly TimeProvider? _stageClock = options.Value.StageTimes ? TimeProvider.System : null;

    /// <summary>The notifier's copy of the hub directory (made on first use: it reads through this grain's factory).</summary>
    private HubDirectoryCopy? _directory;

    /// <summary>Whom the batches go to, worked out from the directory's copy once per copy, not per batch.</summary>
    private Recipients _recipients = Recipients.None;

    /// <summary>
    /// Every push, in order, for the host in this silo's own process: they leave on this activation's next turn. That
    /// host gathers by itself what comes while it is sending (each lot's changes become one message per round), so a
    /// window would only add its wait: it coalesces exactly while a send is in flight.
    /// </summary>
    private List<Push> _local = [];
    private bool _localScheduled;

    /// <summary>Pushes for the other hosts that leave on this activation's next turn: changes of quiet lots, and what goes with them.</summary>
    private List<Push> _now = [];
    private bool _nowScheduled;

    /// <summary>Pushes that wait for the rest of a window: changes of lots that had a batch within the last window.</summary>
    private List<Push> _later = [];
    private bool _laterScheduled;

    /// <summary>The lots with a change in <see cref="_later"/>: their next changes join it, so each lot's changes keep their order.</summary>
    private readonly HashSet<(string CompoundId, string LotId)> _laterLots = [];

    /// <summary>Whether <see cref="_later"/> holds a push that is not a lot's: then every such push joins it, keeping their order.</summary>
    private bool _laterHoldsOthers;

    /// <summary>When each lot's last batch left (a timestamp of <see cref="_clock"/>); lots quiet for a window are let go.</summary>
    private readonly Dictionary<(string CompoundId, string LotId), long> _lotFlushedAt = [];

    /// <summary>How many lots <see cref="_lotFlushedAt"/> held after it was last pruned: it is pruned again at twice as many.</summary>
    private int _prunedTo;

    public Task PublishAll(IReadOnlyList<Push> pushes)
    {
        // What a lot's change carries along (a driver's reservation) leaves with it, after it, as the lot published them.
        var withLater = false;
        foreach (var push in pushes)
        {
            withLater = Publish(push, withLater);
        }

        return Task.CompletedTask;
    }

    public Task Publish(Push push)
    {
        Publish(push, alongsideLater: false);
        return Task.CompletedTask;
    }

    /// <summary>Queues <paramref name="push"/> now or for later; true when it went to the later batch.</summary>
    private bool Publish(Push push, bool alongsideLater)
    {
        // Drivers' notices also go to their inboxes and phones, whether or not a page is open.
        if (Notices.NoticeTexts.Concerns(push))
        {
            GrainFactory.NoticeRouter().Route(push).Ignore();
        }

        _local.Add(push);
        if (!_localScheduled)
        {
            _localScheduled = true;
            FlushLocal().Ignore();
        }

        var later = Lot(push) is { } lot
            ? _laterLots.Contains(lot) || (_lotFlushedAt.TryGetValue(lot, out var flushedAt) && FlushDelay(_clock.GetElapsedTime(flushedAt), _flushWindow) > TimeSpan.Zero)
            : alongsideLater || _laterHoldsOthers;
        if (!later)
        {
            _now.Add(push);
            if (!_nowScheduled)
            {
                _nowScheduled = true;
                FlushLater(TimeSpan.Zero, later: false).Ignore();
            }

            return false;
        }

        _later.Add(push);
        if (Lot(push) is { } waiting)
        {
            _laterLots.Add(waiting);
        }
        else
        {
            _laterHoldsOthers = true;
        }

        if (!_laterScheduled)
        {
            _laterScheduled = true;

            // The rest of the window of the lot that made the batch wait; a lot that joins it leaves with it.
            var delay = Lot(push) is { } first && _lotFlushedAt.TryGetValue(first, out var since)
                ? FlushDelay(_clock.GetElapsedTime(since), _flushWindow)
                : _flushWindow;
            FlushLater(delay, later: true).Ignore();
        }

        return true;
    }

    /// <summary>
    /// How long a lot's change waits when the lot's last batch left <paramref name="sinceLastFlush"/> ago: the rest of
    /// the window, so that a lot's changes leave at most one batch per window however busy the lot is, and nothing
    /// once a whole window has passed, so that a quiet lot's change goes out at once instead of waiting a window for
    /// company that is not coming.
    /// </summary>
    public static TimeSpan FlushDelay(TimeSpan sinceLastFlush, TimeSpan window) =>
        sinceLastFlush >= window ? TimeSpan.Zero : window - sinceLastFlush;

    /// <summary>The lot a push goes to the watchers of, or none for every other push.</summary>
    private static (string CompoundId, string LotId)? Lot(Push push) => push switch
    {
        LotChangedPush c => (c.CompoundId, c.LotId),
        LotRestartedPush r => (r.CompoundId, r.LotId),
        _ => null,
    };

    private async Task FlushLater(TimeSpan delay, bool later)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _clock);
            }
            else
            {
                // Behind the calls already queued to this activation: pushes published together still go together.
                await Task.Yield();
            }

            await Directory.Fresh();
        }
        finally
        {
            // Everything queued so far goes in this batch; what arrives from now on is queued anew.
            List<Push> batch;
            if (later)
            {
                (batch, _later) = (_later, []);
                _laterScheduled = false;
                _laterLots.Clear();
                _laterHoldsOthers = false;
            }
            else
            {
                (batch, _now) = (_now, []);
                _nowScheduled = false;
            }

            var others = Current().Others;
            if (others.Count > 0)
            {
                LotChangedPush.StampFlushed(batch, _stageClock);
            }

            // After the stamp: each lot's next window counts from no earlier than the time this batch carries.
            Flushed(batch, _clock.GetTimestamp());
            foreach (var observer in others)
            {
                // The other hosts through the cluster; this process's own gets every push from FlushLocal. A call that
                // fails at once (as one to the host of a silo declared dead did, in DeadHubHostTests) must not keep
                // the batch from the hosts after it in the list.
                try
                {
                    observer.Deliver(batch).Ignore();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogDeliverFailed(exception, observer.GetGrainId());
                }
            }
        }
    }

    private HubDirectoryCopy Directory => _directory ??= new HubDirectoryCopy(
        () => GrainFactory.HubDirectory().GetObservers(),
        TimeProvider.System)
    {
        Failed = LogRefreshFailed,
    };

    /// <summary>
    /// Hands every push queued so far to the host in this process, on the next turn: by a direct call (it takes the batch
    /// and returns), once the directory lists it, as any other host.
    /// </summary>
    private async Task FlushLocal()
    {
        try
        {
            // Behind the calls already queued to this activation: pushes published together still go together.
            await Task.Yield();
            await Directory.Fresh();
        }
        finally
        {
            (var batch, _local) = (_local, []);
            _localScheduled = false;
            if (local.Instance is { } host && Current().ListsLocal)
            {
                LotChangedPush.StampFlushed(batch, _stageClock);
                host.Deliver(batch).Ignore();
            }
        }
    }

    /// <summary>Notes when the batch's lots last left; lots quiet for a whole window are forgotten once there are many.</summary>
    private void Flushed(List<Push> batch, long at)
    {
        foreach (var push in batch)
        {
            if (Lot(push) is { } lot)
            {
                _lotFlushedAt[lot] = at;
            }
        }

        if (_lotFlushedAt.Count > Math.Max(64, 2 * _prunedTo))
        {
            foreach (var (lot, flushedAt) in _lotFlushedAt)
            {
                if (_clock.GetElapsedTime(flushedAt, at) >= _flushWindow)
                {
                    _lotFlushedAt.Remove(lot);
                }
            }

            _prunedTo = _lotFlushedAt.Count;
        }
    }

    /// <summary>
    /// Whom the batches go to by the current copy of the directory: the hosts of other processes, except those whose
    /// silo the cluster has declared dead (a dead host's observer cannot answer, and each one-way call to it was
    /// retried by the runtime in vain until the host's lease ran out, a minute later), and whether the copy lists this
    /// process's own host. Worked out again only when the copy, the cluster's membership or this process's host
    /// changes, so a batch costs no pass over the directory.
    /// </summary>
    private Recipients Current()
    {
        var snapshot = membership.CurrentSnapshot;
        var localEntry = local.Token;
        var observers = Directory.Observers;
        var cached = _recipients;
        if (ReferenceEquals(cached.Copy, observers) && cached.Membership == snapshot.Version && ReferenceEquals(cached.LocalEntry, localEntry))
        {
            return cached;
        }

        var others = new List<IHubObserver>(observers.Count);
        var listsLocal = false;
        foreach (var observer in observers)
        {
            if (local.IsLocal(observer))
            {
                listsLocal = true;
            }
            else if (HubHostSilo.Of(observer) is not { } silo || snapshot.GetSiloStatus(silo) != SiloStatus.Dead)
            {
                others.Add(observer);
            }
        }

        _recipients = new Recipients(observers, snapshot.Version, localEntry, others, listsLocal);
        return _recipients;
    }

    private sealed record Recipients(
        IReadOnlyList<IHubObserver> Copy,
        MembershipVersion Membership,
        object? LocalEntry,
        IReadOnlyList<IHubObserver> Others,
        bool ListsLocal)
    {
        public static readonly Recipients None = new([], MembershipVersion.MinValue, null, [], false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send a batch of pushes to hub host {Host}; the other hosts still get it")]
    private partial void LogDeliverFailed(Exception exception, GrainId host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the hub directory; pushes go to the hosts known before")]
    private partial void LogRefreshFailed(Exception exception);
}
