using Parking.Domain.Notices;

namespace Parking.Grains.Notices;

/// <summary>What a user's inbox holds: their notices (newest last) with each channel's record, preferences and devices.</summary>
[GenerateSerializer, Immutable]
public sealed record InboxView(
    [property: Id(0)] IReadOnlyList<InboxEntry> Entries,
    [property: Id(1)] NoticePreferences Preferences,
    [property: Id(2)] IReadOnlyList<PushSubscriptionKeys> Subscriptions);

/// <summary>
/// One user's notices (key: compound/user). It takes each notice once, keeps it in the bounded inbox, and
/// hands it once to each outside channel the user's preferences allow now: every subscribed device by Web
/// Push, and the compound's webhook relay. The channels report back what happened.
/// </summary>
public interface INoticeInboxGrain : IPersonalHistory
{
    Task Deliver(Notice notice);

    [ReadOnly]
    Task<InboxView> Get();

    Task<bool> MarkRead(string noticeId);

    Task<bool> Click(string noticeId, string channel);

    Task RecordDelivery(string noticeId, NoticeDelivery delivery);

    Task SetPreferences(NoticePreferences preferences);

    Task Subscribe(PushSubscriptionKeys subscription);

    Task<bool> Unsubscribe(string endpoint);

    /// <summary>The household the user's token names, so vote notices can reach them.</summary>
    Task SetHousehold(string? householdId);

    /// <summary>
    /// The person left the compound: their notices, devices and preferences are removed, and so is their entry in the
    /// compound's notice directory. A notice that arrives later is dropped (<see cref="PersonalRecords"/>).
    /// </summary>
    Task Depart();
}

/// <summary>Turns pushes into notices and delivers them (a stateless worker: one per silo that publishes).</summary>
public interface INoticeRouterGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Route(Notifications.Push push);
}

/// <summary>Sends over the network, with retries, and reports each outcome back to the inbox or the relay.</summary>
public interface INoticeSenderGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task SendPush(string inboxKey, Notice notice, PushSubscriptionKeys subscription);

    [OneWay]
    Task SendWebhook(string compoundId, WebhookTarget target, Notice notice);
}

/// <summary>Who in a compound can hear of a household matter (key: compound): the users of each household seen so far.</summary>
public interface INoticeDirectoryGrain : IGrainWithStringKey
{
    Task Register(string userId, string? householdId);

    [ReadOnly]
    Task<IReadOnlyList<string>> HouseholdMembers();
}

/// <summary>The Web Push VAPID key pair of this deployment, made once and stored, when configuration names none (key 0).</summary>
public interface IVapidKeysGrain : IGrainWithIntegerKey
{
    Task<VapidKeys> Get();
}

[GenerateSerializer, Immutable]
public sealed record VapidKeys([property: Id(0)] string PublicKey, [property: Id(1)] string PrivateKey);
