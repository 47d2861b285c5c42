using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

/// <summary>
/// A charge point's stored state: who it is and how it is connected, the CALLs it already had answered, the
/// commands kept for it, the schedule it was given, and its transactions (<see cref="Sessions"/>, the Domain object
/// that decides them, stored as itself). Builds before the sessions became a Domain object stored their fields flat
/// (ids 9, 10, 15–17, 20, 21): such state is read into <see cref="Sessions"/> on first use and written in today's
/// layout with the next change. Changes go through its methods, each named for what the charge point did. It stays in
/// Grains, unlike the other states with rules, because it keeps the observer of the host that holds the socket (a grain
/// observer reference, an Orleans runtime type Domain does not know); the sessions' rules are Domain's.
/// </summary>
[GenerateSerializer]
public sealed class ChargePointState
{
    public const int HandledKept = 64;
    public const int CommandsKept = 50;

    [Id(0)] internal ChargePointSecret? _secret;

    [Id(1)] internal string? _connectionId;

    [Id(2)] internal IOcppHostObserver? _host;

    [Id(3)] internal string? _vendor;

    [Id(4)] internal string? _model;

    [Id(5)] internal string? _firmwareVersion;

    [Id(6)] internal DateTimeOffset? _lastSeen;

    [Id(7)] internal string? _connectorStatus;

    [Id(8)] internal string? _mainStatus;

    [Id(11)] internal List<HandledMessage> _handled = [];

    [Id(12)] internal List<OcppCommandRecord> _commands = [];

    [Id(13)] internal ChargerSchedule? _schedule;

    [Id(14)] internal long _scheduleVersion = -1;

    [Id(18)] internal string? _diagnosticsStatus;

    [Id(19)] internal string? _firmwareStatus;

    [Id(22)] internal string _rateUnit = "W";

    [Id(23)] internal bool _retired;

    public ChargePointSecret? Secret => _secret;

    public string? ConnectionId => _connectionId;

    /// <summary>The observer of the host that holds the charge point's socket; null while it is offline.</summary>
    public IOcppHostObserver? Host => _host;

    public string? Vendor => _vendor;

    public string? Model => _model;

    public string? FirmwareVersion => _firmwareVersion;

    public DateTimeOffset? LastSeen => _lastSeen;

    /// <summary>The connector's last OCPP status (connector 1).</summary>
    public string? ConnectorStatus => _connectorStatus;

    /// <summary>The whole charger's last OCPP status (connector 0).</summary>
    public string? MainStatus => _mainStatus;

    public ChargerSchedule? Schedule => _schedule;

    public long ScheduleVersion => _scheduleVersion;

    public string? DiagnosticsStatus => _diagnosticsStatus;

    public string? FirmwareStatus => _firmwareStatus;

    /// <summary>The unit the charger takes limits in (its ChargingScheduleAllowedChargingRateUnit): W, or A when it takes only current.</summary>
    public string RateUnit => _rateUnit;

    /// <summary>The charger left the compound's file: boots are rejected and idTags refused until it is back.</summary>
    public bool Retired => _retired;

    // Null in state an earlier build stored (it has the flat fields below instead): no initializer, so that
    // reading such state leaves it null.
    [Id(24)] internal ChargePointSessions? _sessions;

    // The earlier flat layout of the sessions, read only to build _sessions; never written with content again.
    [Id(9)] internal int _earlierLastTransactionId;

    [Id(10)] internal List<ChargeSession>? _earlierSessions;

    [Id(15)] internal int _earlierOverdrawStreak;

    [Id(16)] internal bool _earlierOverdrawing;

    [Id(17)] internal Dictionary<string, string>? _earlierIssuedIdTags;

    [Id(20)] internal Dictionary<int, List<MeterReading>>? _earlierReadings;

    [Id(21)] internal Dictionary<string, string>? _earlierIdTagResidents;

    /// <summary>The charge point's transactions, the idTags it was given, and whether it keeps to its profile.</summary>
    public ChargePointSessions Sessions => _sessions ??= FromEarlierLayout();

    /// <summary>The commands kept (every one not yet answered, and the last <see cref="CommandsKept"/> done), oldest first.</summary>
    public IReadOnlyList<OcppCommandRecord> Commands => _commands;

    /// <summary>The last <see cref="HandledKept"/> CALLs answered, oldest first.</summary>
    public IReadOnlyList<HandledMessage> Handled => _handled;

    public HandledMessage? HandledAs(string messageId) => _handled.Find(h => h.MessageId == messageId);

    /// <summary>
    /// The answer to a CALL whose message id was already answered, null for a new id. The same message again (same
    /// action, same fingerprint) gets the same answer, so nothing happens twice; another message under a used id is
    /// refused with a protocol error, and changes nothing.
    /// </summary>
    public OcppResponse? Repeated(string messageId, string action, string fingerprint) => HandledAs(messageId) switch
    {
        null => null,
        { } handled when handled.Action == action && handled.Fingerprint == fingerprint => handled.Response,
        { } handled => new OcppFault(OcppErrorCodes.ProtocolError, $"Message id '{messageId}' was already used for another {handled.Action} message; use a new id for every CALL.", "messageId"),
    };

    /// <summary>Remembers a CALL's answer, forgetting the oldest beyond <see cref="HandledKept"/>.</summary>
    public void Remember(HandledMessage handled)
    {
        _handled.Add(handled);
        if (_handled.Count > HandledKept)
        {
            _handled.RemoveRange(0, _handled.Count - HandledKept);
        }
    }

    public OcppCommandRecord? Command(string commandId) => _commands.Find(c => c.Id == commandId);

    /// <summary>Keeps a new command, forgetting the oldest answered ones beyond <see cref="CommandsKept"/>.</summary>
    public void Add(OcppCommandRecord command)
    {
        _commands.Add(command);
        var done = _commands.Where(c => c.IsDone).ToList();
        if (done.Count > CommandsKept)
        {
            foreach (var old in done.Take(done.Count - CommandsKept))
            {
                _commands.Remove(old);
            }
        }
    }

    /// <summary>Puts a command's new standing in place of the one kept under its id (nothing if it is gone).</summary>
    public void Replace(OcppCommandRecord command)
    {
        var index = _commands.FindIndex(c => c.Id == command.Id);
        if (index >= 0)
        {
            _commands[index] = command;
        }
    }

    /// <summary>Drops queued commands (not yet sent) that <paramref name="match"/> picks.</summary>
    public void DropQueued(Func<OcppCommandRecord, bool> match) =>
        _commands.RemoveAll(c => c.Status == OcppCommandStatus.Queued && match(c));

    /// <summary>Staff set the charge point's password.</summary>
    public void Provision(ChargePointSecret secret) => _secret = secret;

    /// <summary>The charge point sent something at <paramref name="now"/>.</summary>
    public void Seen(DateTimeOffset now) => _lastSeen = now;

    /// <summary>
    /// The charge point connected on <paramref name="connectionId"/> through <paramref name="host"/>. Commands sent on
    /// the old socket go back to the queue (their answers are lost with it). Returns the host and socket to close when
    /// another socket held the charge point (taken over: it must not keep receiving commands), else null.
    /// </summary>
    public (IOcppHostObserver Host, string ConnectionId)? Connected(string connectionId, IOcppHostObserver host, DateTimeOffset now)
    {
        (IOcppHostObserver, string)? takenOver = _host is { } previous && _connectionId != connectionId ? (previous, _connectionId!) : null;
        (_connectionId, _host, _lastSeen) = (connectionId, host, now);
        RequeueSent();
        return takenOver;
    }

    /// <summary>The socket <paramref name="connectionId"/> closed; returns false when it is not the charge point's current one (nothing changes).</summary>
    public bool Disconnected(string connectionId)
    {
        if (_connectionId != connectionId)
        {
            return false;
        }

        (_connectionId, _host) = (null, null);
        RequeueSent();
        return true;
    }

    /// <summary>What a BootNotification says the charge point is.</summary>
    public void Booted(string? vendor, string? model, string? firmwareVersion) =>
        (_vendor, _model, _firmwareVersion) = (vendor, model, firmwareVersion);

    /// <summary>
    /// Whether the compound's file changes this charge point's standing: it left the file while in service, or came back
    /// while retired. A charger for which no charge point was ever set up (no password, never seen) has none.
    /// </summary>
    public bool StandingChanges(bool inLayout) => inLayout == _retired && !(_secret is null && _lastSeen is null);

    /// <summary>The charger left the compound's file: out of service, and its schedule is void.</summary>
    public void Retire() => (_retired, _schedule) = (true, null);

    /// <summary>The charger is back in the compound's file.</summary>
    public void Restore() => _retired = false;

    /// <summary>
    /// The area's schedule for the charger at <paramref name="areaVersion"/>: null when older than the one held (it is
    /// ignored), else whether it differs from the one held (then its profiles go out again).
    /// </summary>
    public bool? Scheduled(ChargerSchedule schedule, long areaVersion, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (areaVersion < _scheduleVersion)
        {
            return null;
        }

        _scheduleVersion = areaVersion;
        var changed = !schedule.SameAs(_schedule, now);
        _schedule = schedule;
        return changed;
    }

    /// <summary>The charger said which unit it takes limits in; returns whether that changed.</summary>
    public bool UsesRateUnit(string unit)
    {
        if (unit == _rateUnit)
        {
            return false;
        }

        _rateUnit = unit;
        return true;
    }

    public void DiagnosticsAre(string status) => _diagnosticsStatus = status;

    public void FirmwareIs(string status) => _firmwareStatus = status;

    /// <summary>
    /// A StatusNotification for connector 1, or 0 (the whole charger). Returns the status the charger's grain should
    /// take, or null when it does not change: the whole charger matters only while it goes out of service
    /// (Faulted, Unavailable) or comes back, and then the connector's last status (Available if none) holds again.
    /// </summary>
    public ChargerStatus? StatusReported(int connectorId, string status)
    {
        var reported = ChargePointRules.ToChargerStatus(status);
        if (connectorId != 0)
        {
            _connectorStatus = status;
            return reported;
        }

        var wasDown = _mainStatus is "Faulted" or "Unavailable";
        _mainStatus = status;
        if (reported is ChargerStatus.Faulted or ChargerStatus.Unavailable)
        {
            return reported;
        }

        return !wasDown ? null : _connectorStatus is { } connector ? ChargePointRules.ToChargerStatus(connector) : ChargerStatus.Available;
    }

    /// <summary>Why a driver may not start charging now, null when they may (<see cref="ChargePointRules.DriverStart"/>).</summary>
    public DomainError? DriverStart() => ChargePointRules.DriverStart(Sessions.AnyOpen, _connectorStatus);

    /// <summary>
    /// The remote start or stop <paramref name="schedule"/> asks of the charge point now, null for none
    /// (<see cref="ChargePointRules.TurnCommand"/>): no second start while one is unanswered, no second stop for a transaction.
    /// </summary>
    public TurnCommand? TurnCommand(ChargerSchedule schedule)
    {
        var open = Sessions.LatestOpen;
        var stopAsked = open is not null && _commands.Exists(c => c.Action == "RemoteStopTransaction" && c.PayloadJson == OcppCommands.RemoteStop(open.TransactionId));
        return ChargePointRules.TurnCommand(schedule, open, _connectorStatus, HasPending("RemoteStartTransaction"), stopAsked);
    }

    /// <summary>Whether a command for <paramref name="action"/> is kept and not yet answered.</summary>
    public bool HasPending(string action) => _commands.Exists(c => c.Action == action && !c.IsDone);

    /// <summary>
    /// The queued commands, in order, marked sent, to go out through the host that holds the socket; none while the
    /// charge point is offline (they wait for it).
    /// </summary>
    public IReadOnlyList<OcppCommandRecord> TakeQueued()
    {
        if (_host is null)
        {
            return [];
        }

        var queued = _commands.Where(c => c.Status == OcppCommandStatus.Queued).ToList();
        queued.ForEach(c => Replace(c with { Status = OcppCommandStatus.Sent }));
        return queued;
    }

    /// <summary>Fails the commands queued for <paramref name="expiry"/> or longer (the charge point stayed offline); returns them as failed.</summary>
    public IReadOnlyList<OcppCommandRecord> ExpireQueued(DateTimeOffset now, TimeSpan expiry)
    {
        var expired = _commands
            .Where(c => c.Status == OcppCommandStatus.Queued && now - c.CreatedAt >= expiry)
            .Select(c => c with { Status = OcppCommandStatus.Failed, Error = "The charge point stayed offline; the command expired.", CompletedAt = now })
            .ToList();
        expired.ForEach(Replace);
        return expired;
    }

    /// <summary>
    /// When the oldest command kept for an offline charger expires, so staff hear that it failed even if the charger never
    /// comes back; null while it is connected (its commands go out at once) or nothing waits.
    /// </summary>
    public DateTimeOffset? OfflineExpiryDue(TimeSpan expiry) =>
        _host is null && _commands.Where(c => c.Status == OcppCommandStatus.Queued).Select(c => (DateTimeOffset?)c.CreatedAt).Min() is { } oldest
            ? oldest + expiry
            : null;

    private void RequeueSent()
    {
        foreach (var sent in _commands.Where(c => c.Status == OcppCommandStatus.Sent).ToList())
        {
            Replace(sent with { Status = OcppCommandStatus.Queued });
        }
    }

    private ChargePointSessions FromEarlierLayout()
    {
        var sessions = ChargePointSessions.Restore(
            _earlierLastTransactionId,
            _earlierSessions,
            _earlierReadings,
            _earlierIssuedIdTags,
            _earlierIdTagResidents,
            _earlierOverdrawStreak,
            _earlierOverdrawing);
        (_earlierLastTransactionId, _earlierSessions, _earlierReadings, _earlierIssuedIdTags, _earlierIdTagResidents, _earlierOverdrawStreak, _earlierOverdrawing) =
            (0, null, null, null, null, 0, false);
        return sessions;
    }
}
