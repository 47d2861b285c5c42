using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parking.Grains.Notifications;

namespace Parking.Api.Hubs;

/// <summary>
/// Keeps this host's observer in the cluster's hub directory: registers it at start, refreshes it well
/// within the directory's expiry (entries of dead hosts fall out), and removes it at a clean stop.
/// </summary>
public sealed partial class HubObserverRegistration(
    IGrainFactory grains,
    HubObserver observer,
    LocalHubObserver local,
    IHostApplicationLifetime lifetime,
    ILogger<HubObserverRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan Refresh = HubDirectoryGrain.Expiry / 3;

    private readonly string _hostId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private IHubObserver? _reference;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = grains.CreateObjectReference<IHubObserver>(observer);
        _reference = reference;

        // This silo's notifier calls this host's observer directly (same process) once the directory lists it.
        local.Set(reference, observer);
        using var timer = new PeriodicTimer(Refresh);
        do
        {
            // Once the host's stop has begun the entry is about to be removed: no renewal races the removal, and no call
            // goes to a silo that may already be leaving.
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await grains.HubDirectory().Register(_hostId, reference);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRegistrationFailed(exception, _hostId);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // The host may stop its services more than once; only the first stop unregisters.
        if (Interlocked.Exchange(ref _reference, null) is not { } reference)
        {
            return;
        }

        try
        {
            await grains.HubDirectory().Unregister(_hostId).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Past the host's stop deadline the entry is left to expire (a minute): a slow stop, not a fault.
            LogLeftToExpire(_hostId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Failing here would turn a stop into a crash; the entry expires by itself.
            LogRegistrationFailed(exception, _hostId);
        }

        local.Clear(reference);
        grains.DeleteObjectReference<IHubObserver>(reference);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update hub directory entry for host {HostId}")]
    private partial void LogRegistrationFailed(Exception exception, string hostId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The stop's deadline passed before the hub directory entry of host {HostId} was removed; it expires by itself")]
    private partial void LogLeftToExpire(string hostId);
}
