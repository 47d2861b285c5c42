namespace Parking.Domain.Notices;

// Records moved from Parking.Grains keep each [Id] on an internal field behind a public init property: their codecs
// are generated in Parking.Grains, which cannot set an init-only property of another assembly (ORLEANS0101), and
// the field keeps the bytes earlier builds stored.

/// <summary>Where a compound's notices are relayed and the secret they are signed with.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookTarget(string Url, string Secret)
{
    [Id(0)] internal string _url = Url;

    public string Url { get => _url; init => _url = value; }

    [Id(1)] internal string _secret = Secret;

    public string Secret { get => _secret; init => _secret = value; }
}

/// <summary>One notice's delivery to the compound's webhook: status, tries, the receiver's last HTTP status.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookDelivery(
    string NoticeId,
    string UserId,
    NoticeKind Kind,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset At,
    int? HttpStatus,
    string? Error)
{
    [Id(0)] internal string _noticeId = NoticeId;

    public string NoticeId { get => _noticeId; init => _noticeId = value; }

    [Id(1)] internal string _userId = UserId;

    public string UserId { get => _userId; init => _userId = value; }

    [Id(2)] internal NoticeKind _kind = Kind;

    public NoticeKind Kind { get => _kind; init => _kind = value; }

    [Id(3)] internal DeliveryStatus _status = Status;

    public DeliveryStatus Status { get => _status; init => _status = value; }

    [Id(4)] internal int _attempts = Attempts;

    public int Attempts { get => _attempts; init => _attempts = value; }

    [Id(5)] internal DateTimeOffset _at = At;

    public DateTimeOffset At { get => _at; init => _at = value; }

    [Id(6)] internal int? _httpStatus = HttpStatus;

    public int? HttpStatus { get => _httpStatus; init => _httpStatus = value; }

    [Id(7)] internal string? _error = Error;

    public string? Error { get => _error; init => _error = value; }
}

/// <summary>What staff see of the webhook: its address, the secret's last four characters, who set it and when.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookSettings(string Url, string SecretHint, DateTimeOffset ConfiguredAt, string ConfiguredBy)
{
    [Id(0)] internal string _url = Url;

    public string Url { get => _url; init => _url = value; }

    [Id(1)] internal string _secretHint = SecretHint;

    public string SecretHint { get => _secretHint; init => _secretHint = value; }

    [Id(2)] internal DateTimeOffset _configuredAt = ConfiguredAt;

    public DateTimeOffset ConfiguredAt { get => _configuredAt; init => _configuredAt = value; }

    [Id(3)] internal string _configuredBy = ConfiguredBy;

    public string ConfiguredBy { get => _configuredBy; init => _configuredBy = value; }
}

/// <summary>
/// A compound's webhook: its target and the log of deliveries staff read. A notice is relayed at most once; the log
/// keeps the newest <see cref="LogSize"/> entries. Changes only through its methods.
/// </summary>
[GenerateSerializer]
public sealed class WebhookRelayState
{
    public const int LogSize = 500;

    [Id(0)]
    internal WebhookTarget? _target;

    [Id(1)]
    internal WebhookSettings? _settings;

    [Id(2)]
    internal List<WebhookDelivery> _log = [];

    public WebhookTarget? Target => _target;

    public WebhookSettings? Settings => _settings;

    /// <summary>Newest last, bounded to <see cref="LogSize"/>.</summary>
    public IReadOnlyList<WebhookDelivery> Log => _log;

    /// <summary>The webhook relays to <paramref name="url"/>, signed with <paramref name="secret"/>; staff see only the secret's last four characters.</summary>
    public void Configure(string url, string secret, DateTimeOffset at, string by)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _target = new WebhookTarget(url, secret);
        _settings = new WebhookSettings(url, "…" + secret[^4..], at, by);
    }

    /// <summary>The webhook is removed; returns whether one was set.</summary>
    public bool Remove()
    {
        if (_target is null)
        {
            return false;
        }

        (_target, _settings) = (null, null);
        return true;
    }

    /// <summary>
    /// A notice to relay: the target it goes to, logged as pending, or null when no webhook is set or the notice was
    /// relayed already (a second hand-over of the same id changes nothing).
    /// </summary>
    public WebhookTarget? Relay(Notice notice, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (_target is not { } target || _log.Exists(d => d.NoticeId == notice.Id))
        {
            return null;
        }

        Sending(new WebhookDelivery(notice.Id, notice.UserId, notice.Kind, DeliveryStatus.Pending, 0, at, null, null));
        return target;
    }

    /// <summary>A notice is on its way (pending); the oldest entries go beyond <see cref="LogSize"/>.</summary>
    public void Sending(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        _log.Add(delivery);
        if (_log.Count > LogSize)
        {
            _log.RemoveRange(0, _log.Count - LogSize);
        }
    }

    /// <summary>How the notice's delivery went; returns the entry as it was before, or null when the log no longer holds it.</summary>
    public WebhookDelivery? Record(string noticeId, NoticeDelivery delivery, int? httpStatus)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var index = _log.FindIndex(d => d.NoticeId == noticeId);
        if (index < 0)
        {
            return null;
        }

        var entry = _log[index];
        _log[index] = entry with { Status = delivery.Status, Attempts = delivery.Attempts, At = delivery.At, HttpStatus = httpStatus, Error = delivery.Error };
        return entry;
    }
}
