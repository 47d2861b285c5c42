using Microsoft.AspNetCore.SignalR.Client;

namespace Parking.Web.Services;

/// <summary>The live channel's state as a page shows it.</summary>
public enum LinkState
{
    /// <summary>Not started (signed out) or connecting for the first time.</summary>
    Offline,
    Connected,

    /// <summary>Was connected and lost the connection; retrying.</summary>
    Reconnecting,
}

/// <summary>
/// The app's one SignalR connection to <c>/hubs/parking</c>, with the session's token. It retries for
/// ever after a loss; pages listen to <see cref="Reconnected"/> to re-watch their lots and re-fetch
/// what they show, since pushes sent while the connection was down are not replayed.
/// </summary>
public sealed class LiveConnection(Uri hubUrl, Session session) : IAsyncDisposable
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private HubConnection? _connection;

    public LinkState State { get; private set; } = LinkState.Offline;

    public event Action? StateChanged;

    public event Func<LotChangeDto, Task>? LotChanged;

    public event Func<ReservationDto, Task>? ReservationChanged;

    public event Func<DriverNoticeDto, Task>? DriverNotice;

    public event Func<ChargingNoticeDto, Task>? ChargingNotice;

    public event Func<ChargingPlanDto, Task>? ChargingAreaChanged;

    public event Func<ShelterDto, Task>? ShelterChanged;

    public event Func<ShelterAlarmDto, Task>? ShelterAlarm;

    public event Func<ShelterCommandFailedDto, Task>? ShelterCommandFailed;

    public event Func<GateReviewDto, Task>? GateReview;

    public event Func<OverstayDto, Task>? Overstay;

    public event Func<SimulationRunDto, Task>? SimulationProgress;
    public event Func<ProposalDto, Task>? ProposalChanged;

    public event Func<ImportJobDto, Task>? ImportProgress;

    public event Func<Task>? Reconnected;

    public event Func<ShelterSessionDto, Task>? ShelterSessionChanged;

    /// <summary>Connects if not yet connected; safe to call from every page.</summary>
    public async Task EnsureStartedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_connection is not null || !session.IsSignedIn)
            {
                return;
            }

            var connection = new HubConnectionBuilder()
                .WithUrl(hubUrl, o => o.AccessTokenProvider = () => Task.FromResult(session.Token))
                .WithAutomaticReconnect(new ForeverRetry())
                .Build();
            connection.On<LotChangeDto[]>(nameof(IParkingClient.LotChanges), async changes =>
            {
                // One message per lot per batch; the pages take the changes one by one, in order.
                foreach (var change in changes)
                {
                    await (LotChanged?.Invoke(change) ?? Task.CompletedTask);
                }
            });
            connection.On<ReservationDto>(nameof(IParkingClient.ReservationChanged), r => ReservationChanged?.Invoke(r) ?? Task.CompletedTask);
            connection.On<DriverNoticeDto>(nameof(IParkingClient.DriverNotice), n => DriverNotice?.Invoke(n) ?? Task.CompletedTask);
            connection.On<ChargingNoticeDto>(nameof(IParkingClient.ChargingNotice), n => ChargingNotice?.Invoke(n) ?? Task.CompletedTask);
            connection.On<ChargingPlanDto>(nameof(IParkingClient.ChargingAreaChanged), a => ChargingAreaChanged?.Invoke(a) ?? Task.CompletedTask);
            connection.On<ShelterSessionDto>(nameof(IParkingClient.ShelterSessionChanged), x => ShelterSessionChanged?.Invoke(x) ?? Task.CompletedTask);
            connection.On<ShelterDto>(nameof(IParkingClient.ShelterChanged), x => ShelterChanged?.Invoke(x) ?? Task.CompletedTask);
            connection.On<ShelterAlarmDto>(nameof(IParkingClient.ShelterAlarm), a => ShelterAlarm?.Invoke(a) ?? Task.CompletedTask);
            connection.On<ShelterCommandFailedDto>(nameof(IParkingClient.ShelterCommandFailed), f => ShelterCommandFailed?.Invoke(f) ?? Task.CompletedTask);
            connection.On<GateReviewDto>(nameof(IParkingClient.GateReview), r => GateReview?.Invoke(r) ?? Task.CompletedTask);
            connection.On<OverstayDto>(nameof(IParkingClient.Overstay), o => Overstay?.Invoke(o) ?? Task.CompletedTask);
            connection.On<SimulationRunDto>(nameof(IParkingClient.SimulationProgress), r => SimulationProgress?.Invoke(r) ?? Task.CompletedTask);
            connection.On<ProposalDto>(nameof(IParkingClient.ProposalChanged), p => ProposalChanged?.Invoke(p) ?? Task.CompletedTask);
            connection.On<ImportJobDto>(nameof(IParkingClient.ImportProgress), j => ImportProgress?.Invoke(j) ?? Task.CompletedTask);
            connection.Reconnecting += _ => SetState(LinkState.Reconnecting);
            connection.Reconnected += async _ =>
            {
                await SetState(LinkState.Connected);
                if (Reconnected is { } handlers)
                {
                    foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
                    {
                        await handler();
                    }
                }
            };
            connection.Closed += _ => SetState(LinkState.Offline);
            _connection = connection;
            await StartWithRetryAsync(connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<LotOccupancyDto> WatchLotAsync(string lotId)
    {
        await EnsureStartedAsync();
        return await Connection.InvokeAsync<LotOccupancyDto>(ParkingHub.WatchLot, session.User!.CompoundId, lotId);
    }

    public async Task<ChargingPlanDto> WatchChargingAreaAsync(string areaId)
    {
        await EnsureStartedAsync();
        return await Connection.InvokeAsync<ChargingPlanDto>(ParkingHub.WatchChargingArea, session.User!.CompoundId, areaId);
    }

    public async Task UnwatchChargingAreaAsync(string areaId)
    {
        if (_connection is { State: HubConnectionState.Connected } connection && session.User is { } user)
        {
            await connection.InvokeAsync(ParkingHub.UnwatchChargingArea, user.CompoundId, areaId);
        }
    }

    public async Task<ShelterDto> WatchShelterAsync(string shelterId)
    {
        await EnsureStartedAsync();
        return await Connection.InvokeAsync<ShelterDto>(ParkingHub.WatchShelter, session.User!.CompoundId, shelterId);
    }

    public async Task UnwatchShelterAsync(string shelterId)
    {
        if (_connection is { State: HubConnectionState.Connected } connection && session.User is { } user)
        {
            await connection.InvokeAsync(ParkingHub.UnwatchShelter, user.CompoundId, shelterId);
        }
    }

    public async Task<ProposalDto> WatchProposalAsync(string proposalId)
    {
        await EnsureStartedAsync();
        return await Connection.InvokeAsync<ProposalDto>(ParkingHub.WatchProposal, session.User!.CompoundId, proposalId);
    }

    public async Task UnwatchProposalAsync(string proposalId)
    {
        if (_connection is { State: HubConnectionState.Connected } connection && session.User is { } user)
        {
            await connection.InvokeAsync(ParkingHub.UnwatchProposal, user.CompoundId, proposalId);
        }
    }

    /// <summary>Starts hearing an import job's progress (<see cref="ImportProgress"/>); returns the job as it is now.</summary>
    public async Task<ImportJobDto> WatchImportAsync(string jobId)
    {
        await EnsureStartedAsync();
        return await Connection.InvokeAsync<ImportJobDto>(ParkingHub.WatchImport, jobId);
    }

    public async Task UnwatchImportAsync(string jobId)
    {
        if (_connection is { State: HubConnectionState.Connected } connection)
        {
            await connection.InvokeAsync(ParkingHub.UnwatchImport, jobId);
        }
    }

    public async Task UnwatchLotAsync(string lotId)
    {
        if (_connection is { State: HubConnectionState.Connected } connection && session.User is { } user)
        {
            await connection.InvokeAsync(ParkingHub.UnwatchLot, user.CompoundId, lotId);
        }
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            await connection.DisposeAsync();
        }

        await SetState(LinkState.Offline);
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private HubConnection Connection => _connection ?? throw new InvalidOperationException("The live connection is not started.");

    private async Task StartWithRetryAsync(HubConnection connection)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await connection.StartAsync();
                await SetState(LinkState.Connected);
                return;
            }
            catch (HttpRequestException) when (attempt < 5)
            {
                await Task.Delay(Backoff[Math.Min(attempt, Backoff.Length - 1)]);
            }
        }
    }

    private Task SetState(LinkState state)
    {
        State = state;
        StateChanged?.Invoke();
        return Task.CompletedTask;
    }

    private sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            Backoff[(int)Math.Min(retryContext.PreviousRetryCount, Backoff.Length - 1)];
    }
}
