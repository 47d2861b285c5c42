using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// The real SignalR .NET client over WebSockets, recording every push it gets so a test can wait for
/// the one it expects (whenever it arrived, before or after the wait began).
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    public static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<object> _received = [];
    private readonly List<Waiter> _waiters = [];
    private readonly List<LotChangeDto[]> _lotBatches = [];

    private HubClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<LotChangeDto[]>(nameof(IParkingClient.LotChanges), changes =>
        {
            // A batch is one lot's consecutive changes; kept as it came, and recorded one by one, as a page takes them.
            lock (_gate)
            {
                _lotBatches.Add(changes);
            }

            foreach (var change in changes)
            {
                Record(change);
            }
        });
        connection.On<ReservationDto>(nameof(IParkingClient.ReservationChanged), Record);
        connection.On<DriverNoticeDto>(nameof(IParkingClient.DriverNotice), Record);
        connection.On<OverstayDto>(nameof(IParkingClient.Overstay), Record);
        connection.On<ChargerAlertDto>(nameof(IParkingClient.ChargerAlert), Record);
        connection.On<ImportJobDto>(nameof(IParkingClient.ImportProgress), Record);
    }

    public HubConnection Connection { get; }

    /// <summary>The LotChanges messages received, each as it came.</summary>
    public IReadOnlyList<LotChangeDto[]> LotBatches
    {
        get
        {
            lock (_gate)
            {
                return [.. _lotBatches];
            }
        }
    }

    /// <param name="messagePack">Speak the MessagePack hub protocol instead of JSON (the web app's).</param>
    public static HubConnection Build(Uri baseAddress, string? token, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, ParkingHub.Path), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder.Build();
    }

    /// <summary>
    /// Starts the connection and returns once the server has set it up: the client's start ends with the server's
    /// handshake answer, which the server sends before it registers the connection and runs the hub's
    /// <c>OnConnectedAsync</c> (which joins the user's groups), so a push sent right after the start could find the
    /// connection in none of them. A hub call is answered only after both, so one round trip closes the gap.
    /// </summary>
    public static async Task StartAsync(HubConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.StartAsync();
        await connection.InvokeAsync(ParkingHub.UnwatchImport, "no-such-job");
    }

    public static async Task<HubClient> ConnectAsync(Uri baseAddress, string token, bool messagePack = false)
    {
        var client = new HubClient(Build(baseAddress, token, messagePack));
        try
        {
            await StartAsync(client.Connection);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public Task<LotOccupancyDto> WatchLotAsync(string lotId, string compoundId = ParkingHost.Compound) =>
        Connection.InvokeAsync<LotOccupancyDto>(ParkingHub.WatchLot, compoundId, lotId);

    public Task<LotChangeDto> WaitForLotChangeAsync(Func<LotChangeDto, bool> match, string what) => WaitFor(match, what);

    public Task<ReservationDto> WaitForReservationAsync(Func<ReservationDto, bool> match, string what) => WaitFor(match, what);

    public Task<OverstayDto> WaitForOverstayAsync(Func<OverstayDto, bool> match, string what) => WaitFor(match, what);

    public Task<ChargerAlertDto> WaitForChargerAlertAsync(Func<ChargerAlertDto, bool> match, string what) => WaitFor(match, what);

    public Task<ImportJobDto> WaitForImportAsync(Func<ImportJobDto, bool> match, string what) => WaitFor(match, what);

    public Task<DriverNoticeDto> WaitForDriverNoticeAsync(Func<DriverNoticeDto, bool> match, string what) => WaitFor(match, what);

    public IReadOnlyList<T> Received<T>()
    {
        lock (_gate)
        {
            return [.. _received.OfType<T>()];
        }
    }

    private async Task<T> WaitFor<T>(Func<T, bool> match, string what)
    {
        var waiter = new Waiter(o => o is T t && match(t));
        lock (_gate)
        {
            var seen = _received.FirstOrDefault(waiter.Match);
            if (seen is not null)
            {
                return (T)seen;
            }

            _waiters.Add(waiter);
        }

        try
        {
            return (T)await waiter.Arrived.Task.WaitAsync(PushTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No push within {PushTimeout.TotalSeconds} s: {what}. Received: {string.Join("; ", Received<object>())}");
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

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private sealed class Waiter(Func<object, bool> match)
    {
        public Func<object, bool> Match { get; } = match;

        public TaskCompletionSource<object> Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
