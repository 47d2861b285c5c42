using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Charging;
using Parking.Domain.Credits;
using Parking.Domain.Scenarios;
using Parking.Domain.Sharing;
using Parking.Domain.Shelters;
using Parking.Domain.Simulation;
using Parking.Grains.History;
using Parking.Grains.Notifications;
using Parking.Planning.Simulation;

namespace Parking.Grains.Scenarios;

public sealed partial class SimulationRunGrain(
    [PersistentState("simulation-run", GrainKeys.StorageName)] IPersistentState<SimulationRunState> state,
    IOptions<ReservationPolicy> reservations,
    IOptions<ChargingPolicy> charging,
    IOptions<ShelterPolicy> shelters,
    IOptions<CreditPolicy> credits,
    IOptions<VisitorPolicy> visitors,
    IOptions<SharingPolicy> sharing,
    IReservationHistory history,
    ParkingClock time,
    ILogger<SimulationRunGrain> logger) : Grain, ISimulationRunGrain, IDisposable
{
    /// <summary>The fewest recorded reservations (in <see cref="RecordedWindow"/>) that calibrate demand; with fewer, a run falls back to synthetic demand.</summary>
    public const int MinRecordedReservations = 20;

    /// <summary>How far back recorded history is read to calibrate demand.</summary>
    public static readonly TimeSpan RecordedWindow = TimeSpan.FromDays(28);

    /// <summary>
    /// Simulations running at once on this silo: each takes a core, and the silo also serves drivers. Others wait,
    /// <c>queued</c>, in the order they came.
    /// </summary>
    private static readonly SemaphoreSlim Workers = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>Runs queued or running at once in one compound (<see cref="SimulationRunState.MaxActivePerCompound"/>).</summary>
    public const int MaxActiveRunsPerCompound = SimulationRunState.MaxActivePerCompound;

    private CancellationTokenSource? _cancellation;

    private SimulationRunState State => state.State;

    private CompoundScopedKey Key => CompoundScopedKey.Of(this);

    private string RunId => Key.LocalId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A run whose worker died with its silo never reports back: say so instead of showing it running forever.
        if (State.Interrupted(time.GetUtcNow()))
        {
            await Finished();
        }
    }

    public async Task<Outcome<SimulationRunSummary>> Start(SimulationOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (State.StartRefused(RunId) is { } exists)
        {
            return exists;
        }

        var catalog = GrainFactory.ScenarioCatalog(Key.CompoundId);
        if (SimulationRunState.AdmissionRefused(await catalog.TryAdmitRun(RunId, MaxActiveRunsPerCompound)) is { } tooMany)
        {
            return tooMany;
        }

        var now = time.GetUtcNow();
        var (prepared, note) = await Prepare(order, now);
        if (prepared.Value is not { } simulation)
        {
            await catalog.ReleaseRun(RunId);
            return prepared.Error!;
        }

        State.Queue(new SimulationRunSummary(
            Key.CompoundId, RunId, order.ScenarioId, order.Version, order.Definition.Name, order.Days, order.Seed, order.Demand,
            SimulationRunStatus.Queued, order.StartedBy, now, null, 0, 0, note));
        await state.WriteStateAsync();
        await Report();

        // Progress reports keep the activation busy, but a run may wait its turn first.
        DelayDeactivation(TimeSpan.FromHours(6));
        _cancellation = new CancellationTokenSource();
        var self = this.AsReference<ISimulationRunGrain>();
        var token = _cancellation.Token;
        _ = Task.Run(() => Work(self, simulation, token), CancellationToken.None);
        return State.Summary!;
    }

    /// <summary>The simulation's input from the live layout, the rules and the demand, or why the order no longer applies.</summary>
    private async Task<(Outcome<SimulationInput> Input, string? Note)> Prepare(SimulationOrder order, DateTimeOffset now)
    {
        var live = await GrainFactory.Compound(Key.CompoundId).GetLayout();
        if (live is null)
        {
            return (DomainError.NotFound("compound-not-found", $"Compound '{Key.CompoundId}' has no layout."), null);
        }

        var (demand, note) = await Demand(order.Demand, now);
        var policies = new ScenarioPolicies(reservations.Value, charging.Value, shelters.Value, credits.Value, visitors.Value, sharing.Value);
        var input = SimulationInput.For(live, policies, order.Version == 0 ? null : order.Definition, demand, now, order.Days, order.Seed);
        if (input.Error is { } error)
        {
            return (SimulationRunState.InputRefused(error), note);
        }

        return (input, note);
    }

    public Task<SimulationRunView?> Get() =>
        Task.FromResult(State.Summary is { } summary ? new SimulationRunView(summary, State.Result) : null);

    public async Task<Outcome<SimulationRunSummary>> Cancel(string by)
    {
        var cancelled = State.Cancel(RunId, by, time.GetUtcNow());
        if (cancelled.Error is { } error)
        {
            return error;
        }

        if (cancelled.Value)
        {
            if (_cancellation is { } cancellation)
            {
                await cancellation.CancelAsync();
            }

            await Finished();
        }

        return State.Summary!;
    }

    public async Task Progressed(int day, double fraction)
    {
        if (State.Progressed(day, fraction))
        {
            await Report();
        }
    }

    public async Task Running()
    {
        if (State.Running())
        {
            await state.WriteStateAsync();
            await Report();
        }
    }

    public async Task Completed(SimulationResult result)
    {
        if (State.Completed(result, time.GetUtcNow()))
        {
            await Finished();
        }
    }

    public async Task Failed(string reason)
    {
        if (State.Failed(reason, time.GetUtcNow()))
        {
            await Finished();
        }
    }

    /// <summary>The worker, on the thread pool: waits for a free core on this silo, runs the simulation, reports back through the grain.</summary>
    private async Task Work(ISimulationRunGrain self, SimulationInput input, CancellationToken token)
    {
        var entered = false;
        try
        {
            await Workers.WaitAsync(token);
            entered = true;
            await self.Running();
            var progress = new Reporter(p => self.Progressed(p.Day, p.Percent / 100).Ignore());
            var result = Simulator.Run(input, progress, token);
            await self.Completed(result);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cancel recorded the state already.
        }
        catch (Exception exception)
        {
            LogRunFailed(exception, Key.CompoundId, RunId);
            await self.Failed($"The simulation failed: {exception.Message}");
        }
        finally
        {
            if (entered)
            {
                Workers.Release();
            }
        }
    }

    private async Task<(DemandModel Demand, string? Note)> Demand(SimulationDemandSettings settings, DateTimeOffset now)
    {
        var parameters = settings.ToParameters();
        if (settings.Source != SimulationDemandSettings.Recorded)
        {
            return (DemandModel.Synthetic(parameters), null);
        }

        var events = await history.Query(Key.CompoundId, now - RecordedWindow, now, lotId: null);
        var reservationCount = events.Select(e => e.ReservationId).Distinct(StringComparer.Ordinal).Count();
        if (reservationCount < MinRecordedReservations)
        {
            return (DemandModel.Synthetic(parameters), string.Create(
                CultureInfo.InvariantCulture,
                $"Recorded history holds {reservationCount} reservations of the last {RecordedWindow.TotalDays} days, fewer than {MinRecordedReservations}: synthetic demand was simulated instead."));
        }

        return (DemandModel.Calibrate(events, baseline: parameters, utcOffset: sharing.Value.UtcOffset), string.Create(
            CultureInfo.InvariantCulture,
            $"Demand calibrated from {reservationCount} recorded reservations of the last {RecordedWindow.TotalDays} days."));
    }

    /// <summary>The run ended (its state says how): the worker's token goes, the end is stored and told.</summary>
    private async Task Finished()
    {
        _cancellation?.Dispose();
        _cancellation = null;
        await state.WriteStateAsync();
        await Report();
    }

    /// <summary>Tells the catalog and the compound's committee and staff where the run stands.</summary>
    private async Task Report()
    {
        var summary = State.Summary!;
        await GrainFactory.ScenarioCatalog(Key.CompoundId).RunUpdated(summary);
        GrainFactory.Publish(new SimulationProgressPush(summary));
    }

    public void Dispose() => _cancellation?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulation run {RunId} of compound {CompoundId} failed")]
    private partial void LogRunFailed(Exception exception, string compoundId, string runId);

    /// <summary>Reports synchronously on the simulator's thread (no synchronization context to post to).</summary>
    private sealed class Reporter(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => report(value);
    }
}
