namespace Parking.Grains.Notifications;

[StatelessWorker(1)]
[Reentrant]
public sealed class PushNotifierGrain : Grain, IPushNotifierGrain
{
    /// <summary>How long pushes gather before they go out together: short beside a person's patience, long beside a burst.</summary>
    public static readonly TimeSpan FlushWindow = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    private IReadOnlyList<IHubObserver> _observers = [];
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private Task? _refreshing;
    private List<Push> _queue = [];
    private bool _flushScheduled;

    public Task Publish(Push push)
    {
        // Drivers' notices also go to their inboxes and phones, whether or not a page is open.
        if (Notices.NoticeTexts.Concerns(push))
        {
            GrainFactory.GetGrain<Notices.INoticeRouterGrain>(0).Route(push).Ignore();
        }

        _queue.Add(push);
        if (!_flushScheduled)
        {
            _flushScheduled = true;
            FlushLater().Ignore();
        }

        return Task.CompletedTask;
    }

    private async Task FlushLater()
    {
        try
        {
            await Task.Delay(FlushWindow);

            // Real time, not the injected clock: a cache's age is not domain time, and tests move that clock.
            if (_refreshing is null && TimeProvider.System.GetUtcNow() - _refreshedAt > Refresh)
            {
                _refreshing = RefreshObservers();
            }

            if (_refreshing is { } refreshing)
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
            foreach (var observer in _observers)
            {
                observer.Deliver(batch).Ignore();
            }
        }
    }

    private async Task RefreshObservers()
    {
        try
        {
            _observers = await GrainFactory.GetGrain<IHubDirectoryGrain>(0).GetObservers();
            _refreshedAt = TimeProvider.System.GetUtcNow();
        }
        finally
        {
            _refreshing = null;
        }
    }
}
