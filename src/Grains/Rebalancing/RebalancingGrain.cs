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

[GenerateSerializer]
public sealed class RebalancingState
{
    [Id(0)]
    internal List<RebalancingSuggestion> _suggestions = [];

    /// <summary>The suggestions kept, oldest first.</summary>
    public IReadOnlyList<RebalancingSuggestion> Suggestions => _suggestions;

    /// <summary>The suggestion <paramref name="suggestionId"/>, or null.</summary>
    public RebalancingSuggestion? Find(string suggestionId) => _suggestions.FirstOrDefault(p => p.SuggestionId == suggestionId);

    /// <summary>A new suggestion; beyond <paramref name="kept"/>, the oldest that is not running goes.</summary>
    public void Add(RebalancingSuggestion suggestion, int kept)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        _suggestions.Add(suggestion);
        while (_suggestions.Count > kept && _suggestions.FindIndex(p => p.Status != RebalancingStatus.Running) is var oldest and >= 0)
        {
            _suggestions.RemoveAt(oldest);
        }
    }

    /// <summary>A kept suggestion moved on: <paramref name="suggestion"/> takes the place of the one with its id.</summary>
    public void Replace(RebalancingSuggestion suggestion)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        var index = _suggestions.FindIndex(p => p.SuggestionId == suggestion.SuggestionId);
        _suggestions[index] = suggestion;
    }

    [Id(1)]
    public int NextNumber { get; set; } = 1;
}

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
    /// <summary>Jobs at once per compound: the machine's cores are shared with the live planners.</summary>
    public const int MaxRunning = 2;

    // Error codes and messages keep the word "proposal": clients read them (and the routes say proposals).

    /// <summary>Suggestions kept; the oldest decided ones go first.</summary>
    public const int MaxKept = 100;

    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);

    private RebalancingState State => state.State;

    private string CompoundId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interrupted = State.Suggestions.Where(p => p.Status == RebalancingStatus.Running).ToList();
        if (interrupted.Count > 0)
        {
            foreach (var suggestion in interrupted)
            {
                Replace(suggestion.MoveTo(RebalancingStatus.Failed) with { Note = "The job was cut off (the silo stopped); ask again." });
            }

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

        if (_jobs.Count >= MaxRunning)
        {
            return DomainError.Conflict("rebalancing-busy", $"{MaxRunning} proposals are being worked out already; wait for one to finish or cancel it.");
        }

        var suggestion = new RebalancingSuggestion(
            string.Create(CultureInfo.InvariantCulture, $"p{State.NextNumber}"), RebalancingLifecycle.Initial, staffId, time.GetUtcNow(), ask);
        State.NextNumber++;
        State.Add(suggestion, MaxKept);
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
        if (Ready(suggestionId) is { Error: { } error })
        {
            return error;
        }

        var suggestion = Find(suggestionId)!;
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
        var kept = changes.Spaces.Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        var edited = suggestion with
        {
            Changes = changes,
            Retypes = [.. suggestion.Retypes
                .Select(r => r with { SpaceIds = [.. r.SpaceIds.Where(kept.Contains)] })
                .Where(r => r.SpaceIds.Count > 0)],
            After = after,
            Effect = suggestion.Effect is { } effect ? effect with { Stale = true } : null,
            EditedBy = staffId,
            EditedAt = time.GetUtcNow(),
        };
        Replace(edited);
        await state.WriteStateAsync();
        return edited;
    }

    public async Task<Outcome<string>> Accept(string suggestionId, string staffId, string? name)
    {
        if (Ready(suggestionId) is { Error: { } error })
        {
            return error;
        }

        var suggestion = Find(suggestionId)!;
        var definition = new ScenarioDefinition(
            string.IsNullOrWhiteSpace(name) ? $"Rebalancing {suggestionId}" : name.Trim(),
            RebalancingRecords.Describe(suggestion),
            suggestion.Changes,
            suggestion.Rules);
        var created = await GrainFactory.ScenarioCatalog(CompoundId).Create(definition, staffId, $"rebalancing:{suggestionId}");
        if (created.Value is not { } scenario)
        {
            return created.Error!;
        }

        Replace(suggestion.MoveTo(RebalancingStatus.Accepted) with { ScenarioId = scenario.ScenarioId, DecidedBy = staffId, DecidedAt = time.GetUtcNow() });
        await state.WriteStateAsync();
        return scenario.ScenarioId;
    }

    public async Task<Outcome<RebalancingSuggestion>> Reject(string suggestionId, string reason, string staffId)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            return DomainError.Invalid("reason", "invalid-reason", "Say why, in 1 to 500 characters.");
        }

        if (Ready(suggestionId) is { Error: { } error })
        {
            return error;
        }

        var rejected = Find(suggestionId)!.MoveTo(RebalancingStatus.Rejected) with { RejectReason = reason.Trim(), DecidedBy = staffId, DecidedAt = time.GetUtcNow() };
        Replace(rejected);
        await state.WriteStateAsync();
        return rejected;
    }

    public async Task<Outcome<RebalancingSuggestion>> Cancel(string suggestionId, string staffId)
    {
        var suggestion = Find(suggestionId);
        if (suggestion is null)
        {
            return NotFound(suggestionId);
        }

        if (suggestion.Status != RebalancingStatus.Running)
        {
            return DomainError.Conflict("proposal-not-running", $"Proposal {suggestionId} is {RebalancingLifecycle.Name(suggestion.Status)}, not running.");
        }

        if (_jobs.TryGetValue(suggestionId, out var job))
        {
            await job.Cancellation.CancelAsync();
        }

        var cancelled = suggestion.MoveTo(RebalancingStatus.Cancelled) with { DecidedBy = staffId, DecidedAt = time.GetUtcNow(), Progress = job?.Progress ?? suggestion.Progress };
        Replace(cancelled);
        await state.WriteStateAsync();
        return cancelled;
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

        if (done is not null && Find(suggestionId) is { Status: RebalancingStatus.Running })
        {
            Replace(done with { Progress = 1 });
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

    private Outcome<RebalancingSuggestion> Ready(string suggestionId)
    {
        var suggestion = Find(suggestionId);
        if (suggestion is null)
        {
            return NotFound(suggestionId);
        }

        return RebalancingLifecycle.CanBeDecided(suggestion.Status)
            ? suggestion
            : DomainError.Conflict("proposal-not-ready", $"Proposal {suggestionId} is {RebalancingLifecycle.Name(suggestion.Status)}; only a ready proposal can be edited, accepted or rejected.");
    }

    private static DomainError NotFound(string suggestionId) =>
        DomainError.NotFound("proposal-not-found", $"No rebalancing proposal '{suggestionId}' in this compound.");

    private RebalancingSuggestion? Find(string suggestionId) => State.Find(suggestionId);

    private RebalancingSuggestion WithProgress(RebalancingSuggestion suggestion) =>
        _jobs.TryGetValue(suggestion.SuggestionId, out var job) && suggestion.Status == RebalancingStatus.Running ? suggestion with { Progress = job.Progress } : suggestion;

    private void Replace(RebalancingSuggestion suggestion) => State.Replace(suggestion);

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
