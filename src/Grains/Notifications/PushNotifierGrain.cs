using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parking.Grains.Notifications;

[StatelessWorker(1)]
[Reentrant]
public sealed partial class PushNotifierGrain(IOptions<HubPushOptions> options, LocalHubObserver local, ILogger<PushNotifierGrain> logger)
    : Grain, IPushNotifierGrain
{
    /// <summary>How often at most a batch leaves (<see cref="HubPushOptions.FlushWindow"/>).</summary>
    private readonly TimeSpan _flushWindow = options.Value.FlushWindow;

    /// <summary>The oldest copy of the hub directory a batch is sent with: older, the batch waits for a fresh one.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    /// <summary>
    /// From this age the copy is renewed in the background while batches still go out with it, so under a steady flow
    /// no batch waits for the directory (a batch that waited for it was the slowest 1 % of pushes: one per refresh).
    /// </summary>
    private static readonly TimeSpan RenewAfter = TimeSpan.FromSeconds(1.5);

    /// <summary>The real clock when lot changes are to carry their stage times (a bench's setting), otherwise none.</summary>
    private readonly TimeProvider? _stageClock = options.Value.StageTimes ? TimeProvider.System : null;

    private IReadOnlyList<IHubObserver> _observers = [];

    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private Task? _refreshing;
    private List<Push> _queue = [];
    private bool _flushScheduled;

    /// <summary>When the last batch left (a <see cref="Stopwatch"/> timestamp), or 0 before the first.</summary>
    private long _lastFlush;

    public Task PublishAll(IReadOnlyList<Push> pushes)
    {
        foreach (var push in pushes)
        {
            Publish(push);
        }

        return Task.CompletedTask;
    }

    public Task Publish(Push push)
    {
        // Drivers' notices also go to their inboxes and phones, whether or not a page is open.
        if (Notices.NoticeTexts.Concerns(push))
        {
            GrainFactory.NoticeRouter().Route(push).Ignore();
        }

        _queue.Add(push);
        if (!_flushScheduled)
        {
            _flushScheduled = true;
            FlushLater(_lastFlush == 0 ? TimeSpan.Zero : FlushDelay(Stopwatch.GetElapsedTime(_lastFlush), _flushWindow)).Ignore();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// How long a batch begun now gathers: the rest of the window since the last batch left, so that batches leave at
    /// most one per window however busy the lots are, and nothing once a whole window has passed, so that a change after
    /// a quiet spell goes out at once instead of waiting a window for company that is not coming.
    /// </summary>
    public static TimeSpan FlushDelay(TimeSpan sinceLastFlush, TimeSpan window) =>
        sinceLastFlush >= window ? TimeSpan.Zero : window - sinceLastFlush;

    private async Task FlushLater(TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }
            else
            {
                // Behind the calls already queued to this activation: pushes published together still go together.
                await Task.Yield();
            }

            // Real time, not the injected clock: a cache's age is not domain time, and tests move that clock.
            var age = TimeProvider.System.GetUtcNow() - _refreshedAt;
            if (_refreshing is null && age > RenewAfter)
            {
                _refreshing = RefreshObservers();
            }

            if (age > Refresh && _refreshing is { } refreshing)
            {
                await refreshing;
            }
        }
        finally
        {
            // Everything queued so far goes in this batch; what arrives from now on schedules the next one.
            var batch = _queue;
            _queue = [];
            _flushScheduled = false;
            LotChangedPush.StampFlushed(batch, _stageClock);

            // After the stamp: the next batch's window counts from no earlier than the time this batch carries.
            _lastFlush = Stopwatch.GetTimestamp();
            foreach (var observer in _observers)
            {
                // This process's host by a direct call (it takes the batch and returns), the others through the cluster.
                local.For(observer).Deliver(batch).Ignore();
            }
        }
    }

    private async Task RefreshObservers()
    {
        // The copy is as old as the question: a host that registers while it is asked may be missing from the answer.
        var askedAt = TimeProvider.System.GetUtcNow();
        try
        {
            _observers = await GrainFactory.HubDirectory().GetObservers();
            _refreshedAt = askedAt;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Batches keep going to the hosts known so far; the next batch asks again.
            LogRefreshFailed(exception);
        }
        finally
        {
            _refreshing = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the hub directory; pushes go to the hosts known before")]
    private partial void LogRefreshFailed(Exception exception);
}
