using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;

namespace Parking.Api.Tests.Voting;

/// <summary>Records the proposal pushes a hub connection gets, so a test can wait for the one it expects.</summary>
public sealed class VotePushes
{
    private readonly Lock _gate = new();
    private readonly List<ProposalDto> _received = [];
    private readonly List<(Func<ProposalDto, bool> Match, TaskCompletionSource<ProposalDto> Arrived)> _waiters = [];

    private VotePushes(HubConnection connection) =>
        connection.On<ProposalDto>(nameof(IParkingClient.ProposalChanged), Record);

    public static VotePushes On(HubClient client) => new(client.Connection);

    public IReadOnlyList<ProposalDto> Received()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    public async Task<ProposalDto> WaitFor(Func<ProposalDto, bool> match, string what)
    {
        var waiter = (Match: match, Arrived: new TaskCompletionSource<ProposalDto>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_received.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Arrived.Task.WaitAsync(HubClient.PushTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No push within {HubClient.PushTimeout.TotalSeconds} s: {what}. Received: {string.Join("; ", Received())}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private void Record(ProposalDto push)
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
