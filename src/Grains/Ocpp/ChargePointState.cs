using Parking.Domain.Charging;
using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

/// <summary>
/// A charge point's stored state: who it is and how it is connected, the CALLs it already had answered, the
/// commands kept for it, the schedule it was given, and its transactions (<see cref="Sessions"/>, the Domain object
/// that decides them, stored as itself). Builds before the sessions became a Domain object stored their fields flat
/// (ids 9, 10, 15–17, 20, 21): such state is read into <see cref="Sessions"/> on first use and written in today's
/// layout with the next change.
/// </summary>
[GenerateSerializer]
public sealed class ChargePointState
{
    public const int HandledKept = 64;
    public const int CommandsKept = 50;

    [Id(0)] public ChargePointSecret? Secret { get; set; }

    [Id(1)] public string? ConnectionId { get; set; }

    [Id(2)] public IOcppHostObserver? Host { get; set; }

    [Id(3)] public string? Vendor { get; set; }

    [Id(4)] public string? Model { get; set; }

    [Id(5)] public string? FirmwareVersion { get; set; }

    [Id(6)] public DateTimeOffset? LastSeen { get; set; }

    [Id(7)] public string? ConnectorStatus { get; set; }

    [Id(8)] public string? MainStatus { get; set; }

    [Id(11)] internal List<HandledMessage> _handled = [];

    [Id(12)] internal List<OcppCommandRecord> _commands = [];

    [Id(13)] public ChargerSchedule? Schedule { get; set; }

    [Id(14)] public long ScheduleVersion { get; set; } = -1;

    [Id(18)] public string? DiagnosticsStatus { get; set; }

    [Id(19)] public string? FirmwareStatus { get; set; }

    /// <summary>The unit the charger takes limits in (its ChargingScheduleAllowedChargingRateUnit): W, or A when it takes only current.</summary>
    [Id(22)] public string RateUnit { get; set; } = "W";

    /// <summary>The charger left the compound's file: boots are rejected and idTags refused until it is back.</summary>
    [Id(23)] public bool Retired { get; set; }

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
