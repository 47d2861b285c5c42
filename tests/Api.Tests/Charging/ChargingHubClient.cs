using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;

namespace Parking.Api.Tests.Charging;

/// <summary>The real SignalR client, recording charging notices and watched areas' changes.</summary>
public sealed class ChargingHubClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ChargingNoticeDto> _notices = [];
    private readonly List<ChargingPlanDto> _areas = [];

    private ChargingHubClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<ChargingNoticeDto>(nameof(IParkingClient.ChargingNotice), n => { lock (_gate) { _notices.Add(n); } });
        connection.On<ChargingPlanDto>(nameof(IParkingClient.ChargingAreaChanged), a => { lock (_gate) { _areas.Add(a); } });
    }

    public HubConnection Connection { get; }

    public static async Task<ChargingHubClient> ConnectAsync(ParkingHost host, string userId)
    {
        var client = new ChargingHubClient(HubClient.Build(host.Factory.BaseAddress, await host.TokenFor(userId)));
        await HubClient.StartAsync(client.Connection);
        return client;
    }

    public IReadOnlyList<ChargingNoticeDto> Notices
    {
        get
        {
            lock (_gate)
            {
                return [.. _notices];
            }
        }
    }

    public Task<ChargingPlanDto> WatchAreaAsync(string areaId) =>
        Connection.InvokeAsync<ChargingPlanDto>(ParkingHub.WatchChargingArea, ParkingHost.Compound, areaId);

    public Task<ChargingNoticeDto> WaitForNotice(Func<ChargingNoticeDto, bool> match, string what) => WaitFor(_notices, match, what);

    public Task<ChargingPlanDto> WaitForArea(Func<ChargingPlanDto, bool> match, string what) => WaitFor(_areas, match, what);

    private async Task<T> WaitFor<T>(List<T> received, Func<T, bool> match, string what)
    {
        var deadline = DateTimeOffset.UtcNow + HubClient.PushTimeout;
        while (true)
        {
            lock (_gate)
            {
                if (received.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                lock (_gate)
                {
                    throw new TimeoutException($"No push within {HubClient.PushTimeout.TotalSeconds} s: {what}. Received {received.Count}: {string.Join("; ", received)}");
                }
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
