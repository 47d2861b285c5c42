using Microsoft.Extensions.Options;
using Parking.Domain.Sharing;
using Parking.Grains.Notifications;
using Parking.Grains.Voting;

namespace Parking.Grains.Notices;

[StatelessWorker]
[Reentrant]
public sealed class NoticeRouterGrain(IOptions<SharingPolicy> sharing, ParkingClock time) : Grain, INoticeRouterGrain
{
    public Task Route(Push push)
    {
        foreach (var notice in NoticeTexts.From(push, time.GetUtcNow(), sharing.Value.UtcOffset))
        {
            GrainFactory.NoticeInbox(notice.CompoundId, notice.UserId).Deliver(notice).Ignore();
        }

        switch (push)
        {
            case ProposalChangedPush proposal:
                var p = proposal.View.Proposal;
                GrainFactory.VoteNotices(p.CompoundId, p.ProposalId).Observe(proposal.View).Ignore();
                break;
        }

        return Task.CompletedTask;
    }
}

public static class NoticeGrainKeys
{
    public static INoticeInboxGrain NoticeInbox(this IGrainFactory grains, string compoundId, string userId) =>
        grains.GetGrain<INoticeInboxGrain>(GrainKeys.Of(compoundId, userId));

    public static IWebhookRelayGrain WebhookRelay(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IWebhookRelayGrain>(compoundId);
}
