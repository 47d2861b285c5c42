using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Charging;
using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Parking.Domain.Scenarios;
using Parking.Domain.Sharing;
using Parking.Domain.Shelters;
using Parking.Grains.History;
using Parking.Planning.Rebalancing;

namespace Parking.Grains.Rebalancing;

/// <summary>
/// A compound's rebalancing suggestions. The solve and the simulations run on the thread pool, never on the
/// grain's scheduler; their progress is kept in memory and their end comes back to the grain as a turn of
/// its own. A suggestion found running at activation was cut off by a silo stopping: it is marked failed.
/// </summary>
public sealed partial class RebalancingGrain(
    [PersistentState("rebalancing", GrainKeys.StorageName)] IPersistentState<RebalancingState> state,
    IReservationHistory history,
    IOptions<ReservationPolicy> reservations,
    IOptions<ChargingPolicy> charging,
    IOptions<ShelterPolicy> shelters,
    IOptions<CreditPolicy> credits,
    IOptions<VisitorPolicy> visitors,
    IOptions<SharingPolicy> sharingOptions,
    ParkingClock time,
    ILogger<RebalancingGrain> logger) : Grain, IRebalancingGrain
{
    /// <summary>Jobs at once per compound (<see cref="RebalancingState.MaxRunning"/>).</summary>
    public const int MaxRunning = RebalancingState.MaxRunning;

    // Error codes and messages keep the word "proposal": clients read them (and the routes say proposals).

    /// <summary>Suggestions kept; the oldest decided ones go first.</summary>
    public const int MaxKept = 100;

    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);

    private RebalancingState State => state.State;

    private string CompoundId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.FailInterrupted() > 0)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<Outcome<RebalancingSuggestion>> Request(RebalancingAsk ask, string staffId)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var live = await GrainFactory.Compound(CompoundId).GetLayout();
        if (live is null)
        {
            return DomainError.NotFound("compound-not-found", $"Compound '{CompoundId}' has no layout.");
        }

        if (RebalancingChecks.Validate(ask, live) is { } invalid)
        {
            return invalid;
        }

        if (RebalancingState.BusyRefused(_jobs.Count) is { } busy)
        {
            return busy;
        }

        var suggestion = State.Open(ask, staffId, time.GetUtcNow(), MaxKept);
        await state.WriteStateAsync();

        var job = new Job();
        _jobs[suggestion.SuggestionId] = job;
        DelayDeactivation(TimeSpan.FromMinutes(30));
        _ = RunJob(suggestion.SuggestionId, ask, live, job);
        return suggestion;
    }

    public Task<IReadOnlyList<RebalancingSuggestion>> List() =>
        Task.FromResult<IReadOnlyList<RebalancingSuggestion>>([.. State.Suggestions.Select(WithProgress).Reverse()]);

    public Task<RebalancingSuggestion?> Get(string suggestionId) =>
        Task.FromResult(Find(suggestionId) is { } p ? WithProgress(p) : null);

    public async Task<Outcome<RebalancingSuggestion>> Edit(string suggestionId, LayoutChanges changes, string staffId)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var ready = State.Decidable(suggestionId);
        if (ready.Value is not { } suggestion)
        {
            return ready;
        }

        var live = await GrainFactory.Compound(CompoundId).GetLayout();
        if (live is null)
        {
            return DomainError.NotFound("compound-not-found", $"Compound '{CompoundId}' has no layout.");
        }

        var applied = RebalancingChecks.ValidateEdit(suggestion.Ask, live, changes);
        if (applied.Error is { } invalid)
        {
            return invalid;
        }

        // The model's figures are recomputed for the edited layout (an LP: about a second for a compound of 900
        // spaces); a simulation takes minutes, so the simulated effect is only marked stale.
        var (demand, _, _) = await Demand(suggestion.Ask, live, CancellationToken.None);
        var after = await Task.Run(() => Rebalancer.Evaluate(applied.Value!, demand, suggestion.Rules, SolveOptions(suggestion.Ask)));
        return await Store(State.Edit(suggestionId, changes, after, staffId, time.GetUtcNow()));
    }

    public async Task<Outcome<string>> Accept(string suggestionId, string staffId, string? name)
    {
        var ready = State.Decidable(suggestionId);
        if (ready.Value is not { } suggestion)
        {
            return ready.Error!;
        }

        var definition = new ScenarioDefinition(
            string.IsNullOrWhiteSpace(name) ? $"Rebalancing {suggestionId}" : name.Trim(),
            suggestion.Describe(),
            suggestion.Changes,
            suggestion.Rules);
        var created = await GrainFactory.ScenarioCatalog(CompoundId).Create(definition, staffId, $"rebalancing:{suggestionId}");
        if (created.Value is not { } scenario)
        {
            return created.Error!;
        }

        State.Accept(suggestionId, scenario.ScenarioId, staffId, time.GetUtcNow());
        await state.WriteStateAsync();
        return scenario.ScenarioId;
    }

    public Task<Outcome<RebalancingSuggestion>> Reject(string suggestionId, string reason, string staffId) =>
        Store(State.Reject(suggestionId, reason, staffId, time.GetUtcNow()));

    public async Task<Outcome<RebalancingSuggestion>> Cancel(string suggestionId, string staffId)
    {
        if (State.Cancellable(suggestionId).Error is { } refused)
        {
            return refused;
        }

        if (_jobs.TryGetValue(suggestionId, out var job))
        {
            await job.Cancellation.CancelAsync();
        }

        return await Store(State.Cancel(suggestionId, staffId, time.GetUtcNow(), job?.Progress));
    }

    private async Task RunJob(string suggestionId, RebalancingAsk ask, Domain.Layout.CompoundLayout live, Job job)
    {
        RebalancingSuggestion? done = null;
        try
        {
            var (demand, used, note) = await Demand(ask, live, job.Cancellation.Token);
            var constraints = new RebalancingConstraints
            {
                FixedSpaceIds = ask.FixedSpaceIds.ToHashSet(StringComparer.Ordinal),
                MaxSpaceChanges = ask.MaxSpaceChanges,
                MaxNewChargers = ask.MaxNewChargers,
                KindsNotToTouch = ask.KindsNotToTouch.ToHashSet(),
                ConsiderSharing = ask.ConsiderSharing,
                SharingOwnersShare = ask.SharingOwnersShare,
            };
            var solveProgress = new Scaled(job, 0, 0.5);
            var suggestion = await Task.Run(() => Rebalancer.Suggest(live, demand, constraints, SolveOptions(ask), solveProgress, job.Cancellation.Token));
            job.Cancellation.Token.ThrowIfCancellationRequested();
            var policies = new ScenarioPolicies(reservations.Value, charging.Value, shelters.Value, credits.Value, visitors.Value, sharingOptions.Value);
            var effect = await Task.Run(() => SimulatedEffects.Run(live, policies, suggestion, ask, time.GetUtcNow(), new Scaled(job, 0.5, 1), job.Cancellation.Token));
            if (effect.Note is { } effectNote)
            {
                note = note is null ? effectNote : $"{note} {effectNote}";
            }

            done = RebalancingRecords.Ready(Find(suggestionId)!, suggestion, effect.Effect, used, note);
        }
        catch (OperationCanceledException)
        {
            // Cancel already marked it.
        }
#pragma warning disable CA1031 // Whatever went wrong, the suggestion must end as failed rather than stay running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogJobFailed(ex, CompoundId, suggestionId);
            done = Find(suggestionId)!.MoveTo(RebalancingStatus.Failed) with { Note = ex.Message };
        }
        finally
        {
            _jobs.Remove(suggestionId);
            job.Cancellation.Dispose();
        }

        if (done is not null && State.Finished(done))
        {
            await state.WriteStateAsync();
        }
    }

    private async Task<(RebalancingDemand Demand, string Used, string? Note)> Demand(RebalancingAsk ask, Domain.Layout.CompoundLayout live, CancellationToken cancellationToken)
    {
        var synthetic = new SyntheticDemandParameters { Seed = ask.Seed };
        synthetic = synthetic with
        {
            CarsPerHousehold = ask.CarsPerHousehold ?? synthetic.CarsPerHousehold,
            EvShare = ask.EvShare ?? synthetic.EvShare,
        };
        if (ask.DemandSource != RebalancingAsk.Recorded)
        {
            return (RebalancingDemand.Synthetic(live, synthetic), RebalancingAsk.Synthetic, null);
        }

        var to = time.GetUtcNow();
        var from = to.AddDays(-ask.HistoryDays);
        var events = await history.Query(CompoundId, from, to, null, cancellationToken);
        if (events.Count == 0)
        {
            return (RebalancingDemand.Synthetic(live, synthetic), RebalancingAsk.Synthetic,
                string.Create(CultureInfo.InvariantCulture, $"No reservations were recorded in the last {ask.HistoryDays} days: synthetic demand was used."));
        }

        return (RebalancingDemand.FromHistory(live, events, from, to, sharingOptions.Value.UtcOffset), RebalancingAsk.Recorded, null);
    }

    private static RebalancingSolveOptions SolveOptions(RebalancingAsk ask) => new() { TimeLimit = TimeSpan.FromSeconds(ask.TimeLimitSeconds), RandomSeed = ask.Seed };

    /// <summary>Stores the suggestions when the decision changed them (it succeeded); a refusal changed nothing.</summary>
    private async Task<Outcome<RebalancingSuggestion>> Store(Outcome<RebalancingSuggestion> outcome)
    {
        if (outcome.IsSuccess)
        {
            await state.WriteStateAsync();
        }

        return outcome;
    }

    private RebalancingSuggestion? Find(string suggestionId) => State.Find(suggestionId);

    private RebalancingSuggestion WithProgress(RebalancingSuggestion suggestion) =>
        _jobs.TryGetValue(suggestion.SuggestionId, out var job) && suggestion.Status == RebalancingStatus.Running ? suggestion with { Progress = job.Progress } : suggestion;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebalancing suggestion {SuggestionId} of {CompoundId} failed")]
    private partial void LogJobFailed(Exception exception, string compoundId, string suggestionId);

    private sealed class Job
    {
        private double _progress;

        public CancellationTokenSource Cancellation { get; } = new();

        public double Progress
        {
            get => Volatile.Read(ref _progress);
            set => Volatile.Write(ref _progress, value);
        }
    }

    /// <summary>Maps a step's own 0–1 progress into its part of the job's.</summary>
    private sealed class Scaled(Job job, double from, double to) : IProgress<double>
    {
        public void Report(double value) => job.Progress = from + ((to - from) * Math.Clamp(value, 0, 1));
    }
}
