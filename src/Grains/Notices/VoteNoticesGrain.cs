using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Sharing;
using Parking.Domain.Voting;
using Parking.Grains.Voting;

namespace Parking.Grains.Notices;

/// <summary>
/// Tells the owners of a compound once that a vote opened, and once, before it closes, that it is closing
/// (key: compound/proposal). It follows the proposal from its pushes, so a ballot costs it one call.
/// </summary>
public interface IVoteNoticesGrain : IGrainWithStringKey
{
    Task Observe(ProposalView view);

    Task Wake();
}

[GenerateSerializer]
public sealed class VoteNoticesState
{
    [Id(0)]
    public ProposalView? Latest { get; set; }

    [Id(1)]
    public bool OpenedSent { get; set; }

    [Id(2)]
    public bool ClosingSent { get; set; }
}

public sealed class VoteNoticesGrain(
    [PersistentState("vote-notices", GrainKeys.StorageName)] IPersistentState<VoteNoticesState> state,
    IOptions<SharingPolicy> sharing,
    ParkingClock time) : Grain, IVoteNoticesGrain, IRemindable
{
    /// <summary>How long before the close the reminder goes out: a day, or a quarter of a shorter vote.</summary>
    public static TimeSpan ClosingLead(Proposal proposal) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromDays(1).Ticks, (proposal.Closes - proposal.Opens).Ticks / 4));

    private DeadlineWake? _wake;

    private DeadlineWake Deadline => _wake ??= new DeadlineWake(this, time, "vote-closing");

    private VoteNoticesState Notices => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Deadline.LoadReminder(cancellationToken);
        await Schedule();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    public async Task Observe(ProposalView view)
    {
        if (Notices.Latest is { } latest && latest.Version > view.Version)
        {
            return;
        }

        Notices.Latest = view;
        if (view.Result.Status == VoteStatus.Open && !Notices.OpenedSent)
        {
            Notices.OpenedSent = true;
            await Tell((v, user, now, offset) => NoticeTexts.VoteOpened(v, user, now, offset));
        }

        await state.WriteStateAsync();
        await Schedule();
    }

    public async Task Wake()
    {
        if (Notices.Latest is not { } view || Notices.ClosingSent || view.Result.IsClosed)
        {
            await Schedule();
            return;
        }

        var now = time.GetUtcNow();
        if (now >= view.Proposal.Closes - ClosingLead(view.Proposal) && now < view.Proposal.Closes)
        {
            Notices.ClosingSent = true;
            await Tell((v, user, at, offset) => NoticeTexts.VoteClosing(v, user, at, offset));
            await state.WriteStateAsync();
        }

        await Schedule();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Notices.ClosingSent || Notices.Latest is null || Notices.Latest.Result.IsClosed)
        {
            await Deadline.Forget();
            return;
        }

        await Wake();
    }

    private async Task Tell(Func<ProposalView, string, DateTimeOffset, TimeSpan, Parking.Domain.Notices.Notice> make)
    {
        var view = Notices.Latest!;
        var members = await GrainFactory.NoticeDirectory(view.Proposal.CompoundId).HouseholdMembers();
        var now = time.GetUtcNow();
        foreach (var user in members)
        {
            GrainFactory.NoticeInbox(view.Proposal.CompoundId, user).Deliver(make(view, user, now, sharing.Value.UtcOffset)).Ignore();
        }
    }

    private Task Schedule()
    {
        var self = this.AsReference<IVoteNoticesGrain>();
        DateTimeOffset? due = Notices.Latest is { } view && !Notices.ClosingSent && !view.Result.IsClosed
            ? view.Proposal.Closes - ClosingLead(view.Proposal)
            : null;
        return Deadline.Schedule(due, () => self.Wake());
    }
}
