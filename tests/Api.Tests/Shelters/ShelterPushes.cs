using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;

namespace Parking.Api.Tests.Shelters;

/// <summary>Records the shelter pushes a hub connection gets, so a test can wait for the one it expects.</summary>
public sealed class ShelterPushes
{
    private readonly Lock _gate = new();
    private readonly List<object> _received = [];
    private readonly List<(Func<object, bool> Match, TaskCompletionSource<object> Arrived)> _waiters = [];

    private ShelterPushes(HubConnection connection)
    {
        connection.On<ShelterDto>(nameof(IParkingClient.ShelterChanged), Record);
        connection.On<ShelterSessionDto>(nameof(IParkingClient.ShelterSessionChanged), Record);
        connection.On<ShelterAlarmDto>(nameof(IParkingClient.ShelterAlarm), Record);
        connection.On<ShelterCommandFailedDto>(nameof(IParkingClient.ShelterCommandFailed), Record);
    }

    public static ShelterPushes On(HubClient client) => new(client.Connection);

    public IReadOnlyList<T> Received<T>()
    {
        lock (_gate)
        {
            return [.. _received.OfType<T>()];
        }
    }

    public async Task<T> WaitFor<T>(Func<T, bool> match, string what)
    {
        var waiter = (Match: (Func<object, bool>)(o => o is T t && match(t)), Arrived: new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_received.FirstOrDefault(waiter.Match) is { } seen)
            {
                return (T)seen;
            }

            _waiters.Add(waiter);
        }

        try
        {
            return (T)await waiter.Arrived.Task.WaitAsync(HubClient.PushTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No push within {HubClient.PushTimeout.TotalSeconds} s: {what}. Received: {string.Join("; ", Received<object>())}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private void Record(object push)
    {
        lock (_gate)
        {
            _received.Add(push);
            foreach (var waiter in _waiters.Where(w => w.Match(push)))
            {
                waiter.Arrived.TrySetResult(push);
            }
        }
    }
}
