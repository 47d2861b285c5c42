using System.Security.Cryptography;
using System.Text;
using Parking.Domain.Charging;

namespace Parking.Domain.Ocpp;

/// <summary>A charging session as the charge point metered it (OCPP transaction).</summary>
[GenerateSerializer, Immutable]
public sealed record ChargeSession
{
    // Stored in internal fields, ids and types as when the record lived in Parking.Grains (one layer): the codec is
    // generated in Parking.Grains (InternalsVisibleTo), which cannot set init-only members of another assembly.
    [Id(0)] internal int _transactionId;
    [Id(1)] internal string _idTag;
    [Id(2)] internal string? _requestId;
    [Id(3)] internal DateTimeOffset _startedAt;
    [Id(4)] internal long _meterStartWh;
    [Id(5)] internal long _lastMeterWh;
    [Id(6)] internal DateTimeOffset? _stoppedAt;
    [Id(7)] internal string? _stopReason;
    [Id(8)] internal string? _residentId;

    public ChargeSession(int transactionId, string idTag, string? requestId, DateTimeOffset startedAt, long meterStartWh, long lastMeterWh, DateTimeOffset? stoppedAt, string? stopReason)
    {
        (_transactionId, _idTag, _requestId, _startedAt, _meterStartWh, _lastMeterWh, _stoppedAt, _stopReason) =
            (transactionId, idTag, requestId, startedAt, meterStartWh, lastMeterWh, stoppedAt, stopReason);
    }

    public int TransactionId { get => _transactionId; init => _transactionId = value; }

    public string IdTag { get => _idTag; init => _idTag = value; }

    /// <summary>The charging request the transaction belongs to, when Parking knows it.</summary>
    public string? RequestId { get => _requestId; init => _requestId = value; }

    public DateTimeOffset StartedAt { get => _startedAt; init => _startedAt = value; }

    public long MeterStartWh { get => _meterStartWh; init => _meterStartWh = value; }

    public long LastMeterWh { get => _lastMeterWh; init => _lastMeterWh = value; }

    public DateTimeOffset? StoppedAt { get => _stoppedAt; init => _stoppedAt = value; }

    public string? StopReason { get => _stopReason; init => _stopReason = value; }

    /// <summary>The resident the idTag stands for, when Parking knows it.</summary>
    public string? ResidentId { get => _residentId; init => _residentId = value; }

    public bool IsOpen => StoppedAt is null;

    public double EnergyKwh => Math.Round((LastMeterWh - MeterStartWh) / 1000.0, 3);
}

/// <summary>What an idTag is worth at this charge point (OCPP's IdTagInfo status), and the resident it stands for if known.</summary>
public readonly record struct IdTagAuthorization(string Status, string? ResidentId)
{
    public const string Accepted = "Accepted";
    public const string Blocked = "Blocked";
    public const string Invalid = "Invalid";

    public bool IsAccepted => Status == Accepted;

    /// <summary>A card staff registered: accepted for its resident, Blocked when staff blocked it, Invalid when there is none.</summary>
    public static IdTagAuthorization OfCard(bool? blocked, string? residentId) => blocked switch
    {
        null => new(Invalid, null),
        true => new(Blocked, residentId),
        false => new(Accepted, residentId),
    };
}

/// <summary>What a charge point's message did, or the fault it was refused with (and then nothing changed).</summary>
public readonly record struct OcppOutcome<T>(T? Value, OcppFault? Fault)
    where T : class
{
    public static implicit operator OcppOutcome<T>(T value) => new(value, null);

    public static implicit operator OcppOutcome<T>(OcppFault fault) => new(null, fault);
}

/// <summary>What one MeterValues message meant: the transaction it is about (if any), the last energy and power read, and the power samples in order.</summary>
public sealed record MeterRead(ChargeSession? Session, double? EnergyKwh, double? PowerKw, IReadOnlyList<(DateTimeOffset At, double Kw)> PowerSamples);

/// <summary>A transaction stopped: the closed session, and the readings its cost is worked out from.</summary>
public sealed record SessionStopped(ChargeSession Session, IReadOnlyList<MeterReading> Readings);

/// <summary>A change in whether the charger keeps to its profile, with the draw and limit that made it.</summary>
public sealed record DrawChange(bool Overdrawing, double Kw, double LimitKw);

/// <summary>
/// A charge point's transactions and the idTags it may start them with: the sessions (the most recent
/// <see cref="SessionsKept"/>, in the order they happened), each open transaction's meter readings, the idTags this
/// central system issued for remote starts, and whether the charger draws above its profile. Every OCPP
/// StartTransaction, MeterValues and StopTransaction is checked here before anything changes, so a refused message
/// changes nothing. The stored state of the charge point grain (its own snapshot: the fields below).
/// </summary>
[GenerateSerializer]
public sealed class ChargePointSessions
{
    public const int SessionsKept = 50;

    /// <summary>Readings kept per open transaction; beyond it every other one is dropped (the energy stays exact, its split over the day coarser).</summary>
    public const int ReadingsKept = 2_000;

    /// <summary>Slack for meters and rounding before a draw counts as above the profile.</summary>
    public const double OverdrawToleranceKw = 0.2;

    // Stored fields are internal: their codec is generated in Parking.Grains (InternalsVisibleTo).
    [Id(0)]
    internal int _lastTransactionId;

    [Id(1)]
    internal List<ChargeSession> _sessions = [];

    [Id(2)]
    internal Dictionary<int, List<MeterReading>> _readings = [];

    [Id(3)]
    internal Dictionary<string, string> _issuedIdTags = new(StringComparer.Ordinal);

    [Id(4)]
    internal Dictionary<string, string> _idTagResidents = new(StringComparer.Ordinal);

    [Id(5)]
    internal int _overdrawStreak;

    [Id(6)]
    internal bool _overdrawing;

    /// <summary>The sessions kept, oldest first.</summary>
    public IReadOnlyList<ChargeSession> Sessions => _sessions;

    public int LastTransactionId => _lastTransactionId;

    /// <summary>Power samples above the profile in a row (two make an over-draw).</summary>
    public int OverdrawStreak => _overdrawStreak;

    /// <summary>The charger draws above its profile (flagged to staff until it complies again).</summary>
    public bool Overdrawing => _overdrawing;

    /// <summary>The meter readings kept for each open transaction.</summary>
    public IReadOnlyDictionary<int, List<MeterReading>> Readings => _readings;

    /// <summary>The idTags issued for remote starts, and the request each stands for.</summary>
    public IReadOnlyDictionary<string, string> IssuedIdTags => _issuedIdTags;

    /// <summary>The resident each issued idTag stands for (the driver of the turn it was issued for).</summary>
    public IReadOnlyDictionary<string, string> IdTagResidents => _idTagResidents;

    public bool AnyOpen => _sessions.Exists(s => s.IsOpen);

    /// <summary>The open transaction that started last, if any.</summary>
    public ChargeSession? LatestOpen => _sessions.FindLast(s => s.IsOpen);

    public ChargeSession? Find(int transactionId) => _sessions.Find(s => s.TransactionId == transactionId);

    /// <summary>Sessions, readings and idTags as an earlier layout stored them flat in the grain's state.</summary>
    public static ChargePointSessions Restore(
        int lastTransactionId,
        List<ChargeSession>? sessions,
        Dictionary<int, List<MeterReading>>? readings,
        Dictionary<string, string>? issuedIdTags,
        Dictionary<string, string>? idTagResidents,
        int overdrawStreak,
        bool overdrawing) => new()
        {
            _lastTransactionId = lastTransactionId,
            _sessions = sessions ?? [],
            _readings = readings ?? [],
            _issuedIdTags = issuedIdTags ?? new(StringComparer.Ordinal),
            _idTagResidents = idTagResidents ?? new(StringComparer.Ordinal),
            _overdrawStreak = overdrawStreak,
            _overdrawing = overdrawing,
        };

    /// <summary>The idTag a remote start for <paramref name="requestId"/> carries (the same for the same request); the oldest beyond <see cref="SessionsKept"/> is forgotten.</summary>
    public string IssueIdTag(string requestId, string? residentId)
    {
        var tag = "P" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)))[..19];
        _issuedIdTags[tag] = requestId;
        if (residentId is not null)
        {
            _idTagResidents[tag] = residentId;
        }

        if (_issuedIdTags.Count > SessionsKept)
        {
            var oldest = _issuedIdTags.Keys.First();
            _issuedIdTags.Remove(oldest);
            _idTagResidents.Remove(oldest);
        }

        return tag;
    }

    /// <summary>
    /// An idTag this central system issued is accepted (for the resident it was issued for); a retired charger
    /// refuses every idTag. Null when the answer is the registered cards'.
    /// </summary>
    public IdTagAuthorization? AuthorizeKnown(string idTag, bool retired) =>
        retired ? new IdTagAuthorization(IdTagAuthorization.Invalid, null)
        : _issuedIdTags.ContainsKey(idTag) ? new IdTagAuthorization(IdTagAuthorization.Accepted, _idTagResidents.GetValueOrDefault(idTag))
        : null;

    /// <summary>A fault (null when none) for a StartTransaction that cannot be taken: a late clock, another connector, a negative meter.</summary>
    public static OcppFault? CheckStart(StartTransactionRequest start, DateTimeOffset now)
    {
        if (ChargePointRules.CheckTimestamp(start.Timestamp, now, "timestamp") is { } late)
        {
            return late;
        }

        if (start.ConnectorId != 1)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"connectorId {start.ConnectorId} does not exist: this charger has one connector (1).", "connectorId");
        }

        return start.MeterStart < 0
            ? new OcppFault(OcppErrorCodes.PropertyConstraintViolation, "meterStart is a meter reading in Wh, 0 or more.", "meterStart")
            : null;
    }

    /// <summary>
    /// Opens a transaction (checked with <see cref="CheckStart"/>). Only an accepted idTag binds it to a resident;
    /// it belongs to the request its idTag was issued for, or to the turn now on the charger when the idTag is a
    /// card of that turn's driver. Sessions stay in the order they happened (a charger that was offline reports
    /// late); beyond <see cref="SessionsKept"/> the oldest closed one is forgotten.
    /// </summary>
    public ChargeSession Start(StartTransactionRequest start, IdTagAuthorization authorization, ChargerSchedule? schedule)
    {
        var residentId = authorization.IsAccepted ? authorization.ResidentId : null;
        var requestId = _issuedIdTags.GetValueOrDefault(start.IdTag)
            ?? (residentId is not null && schedule is { SessionRequestId: { } turn } && schedule.SessionResidentId == residentId ? turn : null);
        var session = new ChargeSession(++_lastTransactionId, start.IdTag, requestId, start.Timestamp, start.MeterStart, start.MeterStart, null, null)
        {
            ResidentId = residentId,
        };
        _readings[session.TransactionId] = [new MeterReading(start.Timestamp, start.MeterStart)];

        _sessions.Add(session);
        _sessions.Sort((a, b) => a.StartedAt.CompareTo(b.StartedAt));
        if (_sessions.Count > SessionsKept)
        {
            var oldest = _sessions.FindIndex(s => !s.IsOpen) is >= 0 and var closed ? closed : 0;
            _readings.Remove(_sessions[oldest].TransactionId);
            _sessions.RemoveAt(oldest);
        }

        return session;
    }

    /// <summary>
    /// Takes a MeterValues message: every sample is checked first (connector, transaction, clock, values, not below
    /// the transaction's meterStart), then an open transaction's energy readings are kept and its meter moves on.
    /// The message's result, or the fault of the first bad sample (and nothing changed).
    /// </summary>
    public OcppOutcome<MeterRead> Meter(MeterValuesRequest meter, DateTimeOffset now)
    {
        if (meter.ConnectorId > 1)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"connectorId {meter.ConnectorId} does not exist: this charger has one connector (1).", "connectorId");
        }

        ChargeSession? session = null;
        if (meter.TransactionId is { } transactionId && (session = Find(transactionId)) is null)
        {
            return UnknownTransaction(transactionId);
        }

        double? energy = null;
        double? power = null;
        var energySamples = new List<MeterReading>();
        var powerSamples = new List<(DateTimeOffset At, double Kw)>();
        for (var i = 0; i < meter.MeterValue.Count; i++)
        {
            var value = meter.MeterValue[i];
            var field = $"meterValue[{i}]";
            if (ChargePointRules.CheckTimestamp(value.Timestamp, now, field + ".timestamp") is { } late)
            {
                return late;
            }

            var (e, p, fault) = ChargePointRules.Read(value, field);
            if (fault is not null)
            {
                return fault;
            }

            if (e is { } kwh && session is not null && kwh * 1000 < session.MeterStartWh)
            {
                return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"{field}: the energy register ({kwh * 1000:0} Wh) is below the transaction's meterStart ({session.MeterStartWh} Wh).", field);
            }

            if (e is { } reading)
            {
                energySamples.Add(new MeterReading(value.Timestamp, (long)Math.Round(reading * 1000)));
            }

            energy = e ?? energy;
            power = p ?? power;
            if (p is { } kw)
            {
                powerSamples.Add((value.Timestamp, kw));
            }
        }

        if (session is { IsOpen: true })
        {
            foreach (var reading in energySamples)
            {
                Record(session.TransactionId, reading);
            }

            if (energy is { } register)
            {
                var moved = session with { LastMeterWh = Math.Max(session.LastMeterWh, (long)Math.Round(register * 1000)) };
                Replace(session, moved);
                session = moved;
            }
        }

        return new MeterRead(session, energy, power, powerSamples);
    }

    /// <summary>
    /// Stops a transaction: checked first (known, open, the clock, meterStop and the transaction data within the
    /// transaction's start), then the session is closed with its last reading, and its readings are handed over
    /// for the cost (two, start and stop, when none were kept).
    /// </summary>
    public OcppOutcome<SessionStopped> Stop(StopTransactionRequest stop, DateTimeOffset now)
    {
        if (Find(stop.TransactionId) is not { } session)
        {
            return UnknownTransaction(stop.TransactionId);
        }

        if (ChargePointRules.CheckTimestamp(stop.Timestamp, now, "timestamp") is { } late)
        {
            return late;
        }

        if (!session.IsOpen)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"transactionId {stop.TransactionId} was already stopped at {session.StoppedAt:O}.", "transactionId");
        }

        if (stop.MeterStop < session.MeterStartWh)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"meterStop ({stop.MeterStop} Wh) is below the transaction's meterStart ({session.MeterStartWh} Wh).", "meterStop");
        }

        if (stop.Timestamp < session.StartedAt)
        {
            return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"timestamp {stop.Timestamp:O} is before the transaction started ({session.StartedAt:O}).", "timestamp");
        }

        for (var i = 0; i < (stop.TransactionData?.Count ?? 0); i++)
        {
            var value = stop.TransactionData![i];
            var field = $"transactionData[{i}]";
            if (ChargePointRules.CheckTimestamp(value.Timestamp, now, field + ".timestamp") is { } lateSample)
            {
                return lateSample;
            }

            var (energy, _, fault) = ChargePointRules.Read(value, field);
            if (fault is not null)
            {
                return fault;
            }

            if (energy is { } kwh && (kwh * 1000 < session.MeterStartWh || kwh * 1000 > stop.MeterStop))
            {
                return new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"{field}: the energy register ({kwh * 1000:0} Wh) lies outside the transaction's meterStart..meterStop.", field);
            }
        }

        foreach (var value in stop.TransactionData ?? [])
        {
            if (ChargePointRules.Read(value, "transactionData").EnergyKwh is { } kwh)
            {
                Record(session.TransactionId, new MeterReading(value.Timestamp, (long)Math.Round(kwh * 1000)));
            }
        }

        Record(session.TransactionId, new MeterReading(stop.Timestamp, stop.MeterStop));

        var stopped = session with { LastMeterWh = stop.MeterStop, StoppedAt = stop.Timestamp, StopReason = stop.Reason ?? "Local" };
        Replace(session, stopped);
        var readings = _readings.Remove(stopped.TransactionId, out var kept)
            ? kept
            : [new MeterReading(stopped.StartedAt, stopped.MeterStartWh), new MeterReading(stopped.StoppedAt!.Value, stopped.LastMeterWh)];
        return new SessionStopped(stopped, readings);
    }

    /// <summary>
    /// A resident left the compound: the sessions and issued idTags that name them name <paramref name="pseudonym"/>
    /// instead, and their ended sessions lose the idTag they started with (a card of theirs is an identifier too). An
    /// open session keeps its idTag: the charger reports it again when it stops. Returns how many entries changed.
    /// </summary>
    public int Anonymise(string residentId, string pseudonym)
    {
        ArgumentException.ThrowIfNullOrEmpty(residentId);
        ArgumentException.ThrowIfNullOrEmpty(pseudonym);
        var changed = 0;
        for (var i = 0; i < _sessions.Count; i++)
        {
            if (_sessions[i].ResidentId == residentId)
            {
                _sessions[i] = _sessions[i] with { ResidentId = pseudonym, IdTag = _sessions[i].IsOpen ? _sessions[i].IdTag : string.Empty };
                changed++;
            }
        }

        foreach (var tag in _idTagResidents.Where(t => t.Value == residentId).Select(t => t.Key).ToList())
        {
            _idTagResidents[tag] = pseudonym;
            changed++;
        }

        return changed;
    }

    /// <summary>Ended sessions that stopped before <paramref name="cutoff"/> go, with their readings; returns how many.</summary>
    public int ForgetBefore(DateTimeOffset cutoff)
    {
        var gone = _sessions.Where(s => s.StoppedAt is { } stopped && stopped < cutoff).Select(s => s.TransactionId).ToHashSet();
        foreach (var transactionId in gone)
        {
            _readings.Remove(transactionId);
        }

        return _sessions.RemoveAll(s => gone.Contains(s.TransactionId));
    }

    /// <summary>
    /// Power samples against the profile's limit: a draw above it (beyond <see cref="OverdrawToleranceKw"/>) for two
    /// samples in a row makes the charger over-drawing, one within it clears that. The changes, in order.
    /// </summary>
    public IReadOnlyList<DrawChange> CheckDraw(ChargerSchedule? schedule, IEnumerable<(DateTimeOffset At, double Kw)> samples)
    {
        if (schedule is null)
        {
            return [];
        }

        var changes = new List<DrawChange>();
        foreach (var (at, kw) in samples)
        {
            var limitKw = schedule.LimitAt(at) / 1000.0;
            _overdrawStreak = kw > limitKw + OverdrawToleranceKw ? _overdrawStreak + 1 : 0;
            if (_overdrawStreak >= 2 && !_overdrawing)
            {
                _overdrawing = true;
                changes.Add(new DrawChange(true, kw, limitKw));
            }
            else if (_overdrawStreak == 0 && _overdrawing)
            {
                _overdrawing = false;
                changes.Add(new DrawChange(false, kw, limitKw));
            }
        }

        return changes;
    }

    public static OcppFault UnknownTransaction(int transactionId) =>
        new(OcppErrorCodes.PropertyConstraintViolation, $"transactionId {transactionId} is not a transaction of this charge point.", "transactionId");

    /// <summary>Keeps a reading of an open transaction, in time order; one older than the last known is dropped (a replay never winds the meter back).</summary>
    private void Record(int transactionId, MeterReading reading)
    {
        if (!_readings.TryGetValue(transactionId, out var readings))
        {
            return;
        }

        if (readings.Count > 0 && (reading.At < readings[^1].At || reading.RegisterWh < readings[^1].RegisterWh))
        {
            return;
        }

        readings.Add(reading);
        if (readings.Count > ReadingsKept)
        {
            var thinned = readings.Where((_, i) => i % 2 == 0 || i == readings.Count - 1).ToList();
            readings.Clear();
            readings.AddRange(thinned);
        }
    }

    private void Replace(ChargeSession before, ChargeSession after) => _sessions[_sessions.IndexOf(before)] = after;
}
