using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Notices;
using Parking.Domain.Sharing;

namespace Parking.Grains.Notices;

[CompoundPlacement]
public sealed class NoticeInboxGrain(
    [PersistentState("notice-inbox", GrainKeys.StorageName)] IPersistentState<NoticeInbox> state,
    IOptions<SharingPolicy> sharing,
    ParkingClock time) : Grain, INoticeInboxGrain
{
    private NoticeInbox Inbox => state.State;

    public async Task Deliver(Notice notice)
    {
        var (compoundId, userId) = CompoundScopedKey.Of(this);
        if (!state.RecordExists && !await PersonalRecords.IsMember(GrainFactory, compoundId, userId))
        {
            return;
        }

        if (!Inbox.Add(notice))
        {
            return;
        }

        var now = time.GetUtcNow();
        var sends = Inbox.Preferences.Sends(notice, now, sharing.Value.UtcOffset);
        var devices = new List<PushSubscriptionKeys>();
        foreach (var device in Inbox.Subscriptions)
        {
            if (!sends)
            {
                Inbox.Record(notice.Id, Held(device.Channel, now));
            }
            else if (Inbox.Claim(notice.Id, device.Channel, now))
            {
                devices.Add(device);
            }
        }

        var relay = GrainFactory.WebhookRelay(notice.CompoundId);
        var relayed = await relay.IsConfigured();
        if (relayed && !sends)
        {
            Inbox.Record(notice.Id, Held(WebhookRelay.Channel, now));
        }

        var toRelay = relayed && sends && Inbox.Claim(notice.Id, WebhookRelay.Channel, now);
        await Write();

        var sender = GrainFactory.NoticeSender();
        foreach (var device in devices)
        {
            sender.SendPush(this.GetPrimaryKeyString(), notice, device).Ignore();
        }

        if (toRelay)
        {
            relay.Relay(notice).Ignore();
        }
    }

    public Task<InboxView> Get() => Task.FromResult(new InboxView([.. Inbox.Entries], Inbox.Preferences, [.. Inbox.Subscriptions]));

    public Task<bool> MarkRead(string noticeId) => Store(Inbox.MarkRead(noticeId));

    public Task<bool> Click(string noticeId, string channel) => Store(Inbox.Click(noticeId, channel, time.GetUtcNow()));

    public async Task RecordDelivery(string noticeId, NoticeDelivery delivery) => await Store(Inbox.Record(noticeId, delivery));

    public async Task SetPreferences(NoticePreferences preferences)
    {
        Inbox.SetPreferences(preferences);
        await Write();
    }

    public async Task Subscribe(PushSubscriptionKeys subscription)
    {
        Inbox.Subscribe(subscription);
        await Write();
    }

    public async Task Depart()
    {
        await state.ClearStateAsync();
        state.State = new NoticeInbox();
        var (compoundId, userId) = CompoundScopedKey.Of(this);
        await GrainFactory.NoticeDirectory(compoundId).Register(userId, null);
    }

    public Task<bool> Unsubscribe(string endpoint) => Store(Inbox.Unsubscribe(endpoint));

    public async Task SetHousehold(string? householdId)
    {
        if (Inbox.SetHousehold(householdId))
        {
            await Write();
            var (compoundId, userId) = CompoundScopedKey.Of(this);
            await GrainFactory.NoticeDirectory(compoundId).Register(userId, householdId);
        }
    }

    public async Task<int> ForgetBefore(DateTimeOffset cutoff)
    {
        var removed = Inbox.Forget(cutoff);
        await Store(removed > 0);
        return removed;
    }

    private static NoticeDelivery Held(string channel, DateTimeOffset now) => new(channel, DeliveryStatus.Held, now, 0, null);

    private async Task<bool> Store(bool changed)
    {
        if (changed)
        {
            await Write();
        }

        return changed;
    }

    private async Task Write()
    {
        var first = !state.RecordExists;
        await state.WriteStateAsync();
        if (first)
        {
            var (compoundId, userId) = CompoundScopedKey.Of(this);
            PersonalRecords.Started(GrainFactory, compoundId, userId);
        }
    }
}
