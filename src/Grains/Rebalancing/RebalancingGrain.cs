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
    public List<RebalancingProposalRecord> Proposals { get; set; } = [];

    [Id(1)]
    public int NextNumber { get; set; } = 1;
}

/// <summary>
/// A compound's rebalancing proposals. The solve and the simulations run on the thread pool, never on the
/// grain's scheduler; their progress is kept in memory and their end comes back to the grain as a turn of
/// its own. A proposal found running at activation was cut off by a silo stopping: it is marked failed.
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

    /// <summary>Proposals kept; the oldest decided ones go first.</summary>
    public const int MaxKept = 100;

    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);

    private RebalancingState State => state.State;

    private string CompoundId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interrupted = State.Proposals.Where(p => p.Stage == RebalancingStatus.Running).ToList();
        if (interrupted.Count > 0)
        {
            foreach (var proposal in interrupted)
            {
                Replace(proposal.MoveTo(RebalancingStatus.Failed) with { Note = "The job was cut off (the silo stopped); ask again." });
            }

            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<Outcome<RebalancingProposalRecord>> Request(RebalancingAsk ask, string staffId)
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

        var proposal = new RebalancingProposalRecord(
            string.Create(CultureInfo.InvariantCulture, $"p{State.NextNumber}"), RebalancingLifecycle.Name(RebalancingLifecycle.Initial), staffId, time.GetUtcNow(), ask);
        State.NextNumber++;
        State.Proposals.Add(proposal);
        Trim();
        await state.WriteStateAsync();

        var job = new Job();
        _jobs[proposal.ProposalId] = job;
        DelayDeactivation(TimeSpan.FromMinutes(30));
        _ = RunJob(proposal.ProposalId, ask, live, job);
        return proposal;
    }

    public Task<IReadOnlyList<RebalancingProposalRecord>> List() =>
        Task.FromResult<IReadOnlyList<RebalancingProposalRecord>>([.. State.Proposals.Select(WithProgress).Reverse()]);

    public Task<RebalancingProposalRecord?> Get(string proposalId) =>
        Task.FromResult(Find(proposalId) is { } p ? WithProgress(p) : null);

    public async Task<Outcome<RebalancingProposalRecord>> Edit(string proposalId, LayoutChanges changes, string staffId)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (Ready(proposalId) is { Error: { } error })
        {
            return error;
        }

        var proposal = Find(proposalId)!;
        var live = await GrainFactory.Compound(CompoundId).GetLayout();
        if (live is null)
        {
            return DomainError.NotFound("compound-not-found", $"Compound '{CompoundId}' has no layout.");
        }

        var applied = RebalancingChecks.ValidateEdit(proposal.Ask, live, changes);
        if (applied.Error is { } invalid)
        {
            return invalid;
        }

        // The model's figures are recomputed for the edited layout (an LP: about a second for a compound of 900
        // spaces); a simulation takes minutes, so the simulated effect is only marked stale.
        var (demand, _, _) = await Demand(proposal.Ask, live, CancellationToken.None);
        var after = await Task.Run(() => Rebalancer.Evaluate(applied.Value!, demand, proposal.Rules, SolveOptions(proposal.Ask)));
        var kept = changes.Spaces.Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        var edited = proposal with
        {
            Changes = changes,
            Retypes = [.. proposal.Retypes
                .Select(r => r with { SpaceIds = [.. r.SpaceIds.Where(kept.Contains)] })
                .Where(r => r.SpaceIds.Count > 0)],
            After = RebalancingRecords.ToRecord(after),
            Effect = proposal.Effect is { } effect ? effect with { Stale = true } : null,
            EditedBy = staffId,
            EditedAt = time.GetUtcNow(),
        };
        Replace(edited);
        await state.WriteStateAsync();
        return edited;
    }

    public async Task<Outcome<string>> Accept(string proposalId, string staffId, string? name)
    {
        if (Ready(proposalId) is { Error: { } error })
        {
            return error;
        }

        var proposal = Find(proposalId)!;
        var definition = new ScenarioDefinition(
            string.IsNullOrWhiteSpace(name) ? $"Rebalancing {proposalId}" : name.Trim(),
            RebalancingRecords.Describe(proposal),
            proposal.Changes,
            proposal.Rules);
        var created = await GrainFactory.ScenarioCatalog(CompoundId).Create(definition, staffId, $"rebalancing:{proposalId}");
        if (created.Value is not { } scenario)
        {
            return created.Error!;
        }

        Replace(proposal.MoveTo(RebalancingStatus.Accepted) with { ScenarioId = scenario.ScenarioId, DecidedBy = staffId, DecidedAt = time.GetUtcNow() });
        await state.WriteStateAsync();
        return scenario.ScenarioId;
    }

    public async Task<Outcome<RebalancingProposalRecord>> Reject(string proposalId, string reason, string staffId)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            return DomainError.Invalid("reason", "invalid-reason", "Say why, in 1 to 500 characters.");
        }

        if (Ready(proposalId) is { Error: { } error })
        {
            return error;
        }

        var rejected = Find(proposalId)!.MoveTo(RebalancingStatus.Rejected) with { RejectReason = reason.Trim(), DecidedBy = staffId, DecidedAt = time.GetUtcNow() };
        Replace(rejected);
        await state.WriteStateAsync();
        return rejected;
    }

    public async Task<Outcome<RebalancingProposalRecord>> Cancel(string proposalId, string staffId)
    {
        var proposal = Find(proposalId);
        if (proposal is null)
        {
            return NotFound(proposalId);
        }

        if (proposal.Stage != RebalancingStatus.Running)
        {
            return DomainError.Conflict("proposal-not-running", $"Proposal {proposalId} is {proposal.Status}, not running.");
        }

        if (_jobs.TryGetValue(proposalId, out var job))
        {
            await job.Cancellation.CancelAsync();
        }

        var cancelled = proposal.MoveTo(RebalancingStatus.Cancelled) with { DecidedBy = staffId, DecidedAt = time.GetUtcNow(), Progress = job?.Progress ?? proposal.Progress };
        Replace(cancelled);
        await state.WriteStateAsync();
        return cancelled;
    }

    private async Task RunJob(string proposalId, RebalancingAsk ask, Domain.Layout.CompoundLayout live, Job job)
    {
        RebalancingProposalRecord? done = null;
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
            var proposal = await Task.Run(() => Rebalancer.Propose(live, demand, constraints, SolveOptions(ask), solveProgress, job.Cancellation.Token));
            job.Cancellation.Token.ThrowIfCancellationRequested();
            var policies = new ScenarioPolicies(reservations.Value, charging.Value, shelters.Value, credits.Value, visitors.Value, sharingOptions.Value);
            var effect = await Task.Run(() => SimulatedEffects.Run(live, policies, proposal, ask, time.GetUtcNow(), new Scaled(job, 0.5, 1), job.Cancellation.Token));
            if (effect.Note is { } effectNote)
            {
                note = note is null ? effectNote : $"{note} {effectNote}";
            }

            done = RebalancingRecords.Ready(Find(proposalId)!, proposal, effect.Effect, used, note);
        }
        catch (OperationCanceledException)
        {
            // Cancel already marked it.
        }
#pragma warning disable CA1031 // Whatever went wrong, the proposal must end as failed rather than stay running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogJobFailed(ex, CompoundId, proposalId);
            done = Find(proposalId)!.MoveTo(RebalancingStatus.Failed) with { Note = ex.Message };
        }
        finally
        {
            _jobs.Remove(proposalId);
            job.Cancellation.Dispose();
        }

        if (done is not null && Find(proposalId) is { Stage: RebalancingStatus.Running })
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

    private Outcome<RebalancingProposalRecord> Ready(string proposalId)
    {
        var proposal = Find(proposalId);
        if (proposal is null)
        {
            return NotFound(proposalId);
        }

        return RebalancingLifecycle.CanBeDecided(proposal.Stage)
            ? proposal
            : DomainError.Conflict("proposal-not-ready", $"Proposal {proposalId} is {proposal.Status}; only a ready proposal can be edited, accepted or rejected.");
    }

    private static DomainError NotFound(string proposalId) =>
        DomainError.NotFound("proposal-not-found", $"No rebalancing proposal '{proposalId}' in this compound.");

    private RebalancingProposalRecord? Find(string proposalId) => State.Proposals.FirstOrDefault(p => p.ProposalId == proposalId);

    private RebalancingProposalRecord WithProgress(RebalancingProposalRecord proposal) =>
        _jobs.TryGetValue(proposal.ProposalId, out var job) && proposal.Stage == RebalancingStatus.Running ? proposal with { Progress = job.Progress } : proposal;

    private void Replace(RebalancingProposalRecord proposal)
    {
        var index = State.Proposals.FindIndex(p => p.ProposalId == proposal.ProposalId);
        State.Proposals[index] = proposal;
    }

    private void Trim()
    {
        while (State.Proposals.Count > MaxKept && State.Proposals.FindIndex(p => p.Stage != RebalancingStatus.Running) is var oldest and >= 0)
        {
            State.Proposals.RemoveAt(oldest);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebalancing proposal {ProposalId} of {CompoundId} failed")]
    private partial void LogJobFailed(Exception exception, string compoundId, string proposalId);

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
