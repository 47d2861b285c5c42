using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Parking.Domain.Voting;
using Parking.Grains.Notifications;

namespace Parking.Grains.Voting;

/// <summary>
/// The only writer of one proposal's ballots: every cast and change passes through this activation one at a
/// time, is stored, then pushed (the figures) to everyone watching the proposal. A timer on the domain clock
/// wakes it when voting opens and when it closes, when the result is frozen and pushed; a reminder is held
/// until then, in case the grain was deactivated or its silo died. A read after the close freezes it too.
/// </summary>
public sealed partial class ProposalGrain(
    [PersistentState("proposal", GrainKeys.StorageName)] IPersistentState<ProposalState> state,
    ParkingClock time,
    ILogger<ProposalGrain> logger) : Grain, IProposalGrain, IRemindable
{
    private const string CloseReminder = "proposal-close";

    private DeadlineWake? _wake;

    private ProposalState Vote => state.State;

    private DateTimeOffset Now => time.GetUtcNow();

    private DeadlineWake Deadline => _wake ??= new DeadlineWake(this, time, CloseReminder);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Vote.Exists)
        {
            await Deadline.LoadReminder(cancellationToken);
            await Schedule();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    public async Task<Outcome<ProposalView>> Create(ProposalDraft draft, string createdBy)
    {
        var (compoundId, proposalId) = CompoundScopedKey.Of(this);
        var households = await GrainFactory.Compound(compoundId).GetHouseholds();
        var outcome = Vote.Create(compoundId, proposalId, draft, households, createdBy, Now);
        if (!outcome.IsSuccess)
        {
            return outcome.Error!;
        }

        await Commit();
        LogCreated(this.GetPrimaryKeyString(), outcome.Value!.Matter, Vote.Electorate.Count, outcome.Value.Opens, outcome.Value.Closes);
        return View();
    }

    public async Task<ProposalView?> Get()
    {
        if (!Vote.Exists)
        {
            return null;
        }

        await CloseIfDue();
        return View();
    }

    public Task<Outcome<Ballot>> Cast(Voter voter, BallotChoice choice) => Change(now => Vote.Cast(voter, choice, now));

    public Task<Outcome<Ballot>> Change(Voter voter, BallotChoice choice) => Change(now => Vote.Change(voter, choice, now));

    public async Task<Outcome<HouseholdBallot>> GetBallot(string householdId)
    {
        if (!Vote.Exists)
        {
            return NotFound();
        }

        await CloseIfDue();
        return new HouseholdBallot(householdId, Vote.Ballots.GetValueOrDefault(householdId), Vote.HistoryOf(householdId));
    }

    public async Task<Outcome<IReadOnlyList<BallotAuditEntry>>> GetAudit()
    {
        if (!Vote.Exists)
        {
            return NotFound();
        }

        await CloseIfDue();
        return new Outcome<IReadOnlyList<BallotAuditEntry>>([.. Vote.Audit], null);
    }

    public async Task Wake()
    {
        if (!Vote.Exists)
        {
            return;
        }

        if (!await CloseIfDue())
        {
            // Opening: nothing to store, but watchers see the status turn to open.
            Publish();
            await Schedule();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!Vote.Exists || Vote.Final is not null)
        {
            await Deadline.Forget();
            return;
        }

        await Wake();
    }

    private static DomainError NotFound() => DomainError.NotFound("proposal-not-found", "No such proposal.");

    private async Task<Outcome<Ballot>> Change(Func<DateTimeOffset, Outcome<Ballot>> command)
    {
        if (!Vote.Exists)
        {
            return NotFound();
        }

        // A period that has ended is closed (and frozen) before the ballot is judged, whether or not the timer fired.
        await CloseIfDue();
        var outcome = command(Now);
        if (outcome.IsSuccess)
        {
            await Commit();
        }

        return outcome;
    }

    /// <summary>Freezes the result if the period has ended; true when this call did.</summary>
    private async Task<bool> CloseIfDue()
    {
        if (!Vote.Close(Now))
        {
            return false;
        }

        await Commit();
        var result = Vote.Final!;
        LogClosed(this.GetPrimaryKeyString(), result.Status, result.Failure, result.Tally.ParticipatingOwners, result.Tally.TotalOwners);
        return true;
    }

    private async Task Commit()
    {
        await state.WriteOrDeactivateAsync(this, exception => LogWriteFailed(exception, this.GetPrimaryKeyString()));

        Publish();
        await Schedule();
    }

    private ProposalView View() => new(Vote.Proposal!, Vote.Result(Now), Vote.Version);

    private void Publish() => GrainFactory.Publish(new ProposalChangedPush(View()));

    private Task Schedule()
    {
        var self = this.AsReference<IProposalGrain>();
        return Deadline.Schedule(Vote.NextDeadline(Now), () => self.Wake());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proposal {ProposalKey} ({Matter}) put to {Households} households, voting {Opens} to {Closes}")]
    private partial void LogCreated(string proposalKey, VoteMatter matter, int households, DateTimeOffset opens, DateTimeOffset closes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proposal {ProposalKey} closed: {Status} ({Failure}), {Participating} of {Households} households took part")]
    private partial void LogClosed(string proposalKey, VoteStatus status, VoteFailure? failure, int participating, int households);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store proposal {ProposalKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string proposalKey);
}
