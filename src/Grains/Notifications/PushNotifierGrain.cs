namespace Parking.Grains.Notifications;

[StatelessWorker(1)]
[Reentrant]
public sealed class PushNotifierGrain : Grain, IPushNotifierGrain
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    private IReadOnlyList<IHubObserver> _observers = [];
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private Task? _refreshing;

    public async Task Publish(Push push)
    {
        // Drivers' notices also go to their inboxes and phones, whether or not a page is open.
        if (Notices.NoticeTexts.Concerns(push))
        {
            GrainFactory.GetGrain<Notices.INoticeRouterGrain>(0).Route(push).Ignore();
        }

        // Real time, not the injected clock: a cache's age is not domain time, and tests move that clock.
        if (_refreshing is null && TimeProvider.System.GetUtcNow() - _refreshedAt > Refresh)
        {
            _refreshing = RefreshObservers();
        }

        if (_refreshing is { } refreshing)
        {
            await refreshing;
        }

        foreach (var observer in _observers)
        {
            observer.Deliver(push).Ignore();
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
