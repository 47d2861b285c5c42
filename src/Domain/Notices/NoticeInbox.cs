namespace Parking.Domain.Notices;

/// <summary>
/// One user's notices, newest last, bounded to <see cref="Capacity"/>; their preferences and their devices'
/// push subscriptions. A notice id seen before (kept in <see cref="RecentIds"/> beyond the inbox's bound) is
/// refused, so an event delivered twice makes one notice. Each channel's delivery is recorded once: a
/// channel already sent or pending is never handed the notice again. The state of the inbox grain.
/// </summary>
[GenerateSerializer]
public sealed class NoticeInbox
{
    public const int Capacity = 100;
    public const int IdsRemembered = 1000;
    public const int MaximumSubscriptions = 10;

    // Stored fields are internal, not private: their codec is generated in Parking.Grains
    // (InternalsVisibleTo), and a generator cannot see another assembly's private members.
    [Id(0)]
    internal List<InboxEntry> _entries = [];

    [Id(1)]
    internal List<string> _recentIds = [];

    [Id(2)]
    internal List<PushSubscriptionKeys> _subscriptions = [];

    [Id(3)]
    public NoticePreferences Preferences { get; internal set; } = NoticePreferences.Default;

    /// <summary>The user's household, as their token last said: vote notices go to households.</summary>
    [Id(4)]
    public string? HouseholdId { get; internal set; }

    public IReadOnlyList<InboxEntry> Entries => _entries;

    public IReadOnlyList<string> RecentIds => _recentIds;

    public IReadOnlyList<PushSubscriptionKeys> Subscriptions => _subscriptions;

    public int Unread => _entries.Count(e => !e.Read);

    /// <summary>Adds a notice unless its id was seen before; the oldest entry goes when the inbox is full.</summary>
    public bool Add(Notice notice)
    {
        if (_recentIds.Contains(notice.Id, StringComparer.Ordinal))
        {
            return false;
        }

        _recentIds.Add(notice.Id);
        if (_recentIds.Count > IdsRemembered)
        {
            _recentIds.RemoveRange(0, _recentIds.Count - IdsRemembered);
        }

        _entries.Add(new InboxEntry(notice, false, []));
        if (_entries.Count > Capacity)
        {
            _entries.RemoveRange(0, _entries.Count - Capacity);
        }

        return true;
    }

    /// <summary>Drops the notices made before <paramref name="cutoff"/> (the compound's retention period); returns how many.</summary>
    public int Forget(DateTimeOffset cutoff) => _entries.RemoveAll(e => e.Notice.CreatedAt < cutoff);

    public InboxEntry? Find(string noticeId) => _entries.FirstOrDefault(e => e.Notice.Id == noticeId);

    /// <summary>
    /// Claims <paramref name="channel"/> for the notice: true (and a pending record) the first time, false when
    /// the channel already has it, so a retry or a repeated event never sends it twice.
    /// </summary>
    public bool Claim(string noticeId, string channel, DateTimeOffset now)
    {
        var index = IndexOf(noticeId);
        if (index < 0 || _entries[index].Deliveries.Any(d => d.Channel == channel))
        {
            return false;
        }

        Set(index, new NoticeDelivery(channel, DeliveryStatus.Pending, now, 0, null));
        return true;
    }

    /// <summary>Records a channel's outcome. A click stays a click; a late failure never overwrites a success.</summary>
    public bool Record(string noticeId, NoticeDelivery delivery)
    {
        var index = IndexOf(noticeId);
        if (index < 0)
        {
            return false;
        }

        var before = _entries[index].Deliveries.FirstOrDefault(d => d.Channel == delivery.Channel);
        if (before is { Status: DeliveryStatus.Clicked }
            || (before is { Status: DeliveryStatus.Sent } && delivery.Status is DeliveryStatus.Failed or DeliveryStatus.Pending))
        {
            return false;
        }

        Set(index, delivery);
        return true;
    }

    /// <summary>The user opened the notice from a channel (a push on a device, the webhook's link, the inbox): it is read too.</summary>
    public bool Click(string noticeId, string channel, DateTimeOffset now)
    {
        var index = IndexOf(noticeId);
        if (index < 0)
        {
            return false;
        }

        var attempts = _entries[index].Deliveries.FirstOrDefault(d => d.Channel == channel)?.Attempts ?? 0;
        Set(index, new NoticeDelivery(channel, DeliveryStatus.Clicked, now, attempts, null));
        _entries[index] = _entries[index] with { Read = true };
        return true;
    }

    public bool MarkRead(string noticeId)
    {
        var index = IndexOf(noticeId);
        if (index < 0 || _entries[index].Read)
        {
            return false;
        }

        _entries[index] = _entries[index] with { Read = true };
        return true;
    }

    public void SetPreferences(NoticePreferences preferences) => Preferences = preferences;

    public bool SetHousehold(string? householdId)
    {
        if (householdId == HouseholdId)
        {
            return false;
        }

        HouseholdId = householdId;
        return true;
    }

    /// <summary>Adds or refreshes a device's subscription; the oldest device goes past <see cref="MaximumSubscriptions"/>.</summary>
    public void Subscribe(PushSubscriptionKeys subscription)
    {
        _subscriptions.RemoveAll(s => s.Endpoint == subscription.Endpoint);
        _subscriptions.Add(subscription);
        if (_subscriptions.Count > MaximumSubscriptions)
        {
            _subscriptions.RemoveRange(0, _subscriptions.Count - MaximumSubscriptions);
        }
    }

    public bool Unsubscribe(string endpoint) => _subscriptions.RemoveAll(s => s.Endpoint == endpoint) > 0;

    private int IndexOf(string noticeId) => _entries.FindIndex(e => e.Notice.Id == noticeId);

    private void Set(int index, NoticeDelivery delivery)
    {
        var entry = _entries[index];
        _entries[index] = entry with { Deliveries = [.. entry.Deliveries.Where(d => d.Channel != delivery.Channel), delivery] };
    }
}
