namespace Parking.Domain.Charging;

/// <summary>Where a charging request stands.</summary>
public enum ChargingRequestStatus
{
    /// <summary>Accepted, no turn in the current plan (yet).</summary>
    Waiting,

    /// <summary>A turn is planned and has not started.</summary>
    Scheduled,

    /// <summary>The turn has started: the driver was told to plug in now.</summary>
    Called,

    /// <summary>The car is plugged in during its turn.</summary>
    Charging,

    /// <summary>The turn ended (or the car was unplugged).</summary>
    Completed,

    /// <summary>The car was not plugged in within the grace period; the turn went to others.</summary>
    NoShow,

    Cancelled,

    /// <summary>The departure passed without a turn.</summary>
    Expired,
}

/// <summary>A turn: one car holds one charger (on the space <see cref="SpaceId"/>) for a window.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingTurn(
    [Id(0)] string ChargerId,
    [Id(1)] TimeWindow Window,
    [Id(2)] string? SpaceId = null);

/// <summary>How a driver states the energy they need: kWh, or a battery and the state of charge now and wanted.</summary>
public sealed record EnergyNeed(double? EnergyKwh, double? BatteryKwh, double? CurrentSocPercent, double? TargetSocPercent);

/// <summary>What a driver asks for, as the API received it (validated by <see cref="ChargingRequests.Validate"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingRequestDraft(
    [Id(0)] string Plate,
    [Id(1)] double EnergyKwh,
    [Id(2)] TimeWindow Window,
    [Id(3)] bool CanMove);

/// <summary>
/// A driver's charging request in one area and its turn. <see cref="Window"/> runs from the earliest
/// start to the departure; <see cref="DeliveredKwh"/> is what chargers metered for it so far, and
/// <see cref="MeterBase"/> the reading of the charger it is plugged into, less that, at plug-in.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargingRequest(
    [Id(0)] string Id,
    [Id(1)] string CompoundId,
    [Id(2)] string AreaId,
    [Id(3)] string ResidentId,
    [Id(4)] string Plate,
    [Id(5)] double EnergyKwh,
    [Id(6)] TimeWindow Window,
    [Id(7)] bool CanMove,
    [Id(8)] DateTimeOffset CreatedAt,
    [Id(9)] ChargingRequestStatus Status,
    [Id(10)] ChargingTurn? Turn,
    [Id(11)] DateTimeOffset? PluggedAt,
    [Id(12)] double? MeterBase,
    [Id(13)] double DeliveredKwh,
    [Id(14)] bool MoveNoticeSent,
    [Id(15)] DateTimeOffset? EndedAt,
    [Id(16)] int Revision)
{
    /// <summary>When the car was unplugged from its turn's charger (it may stay plugged in after the turn ended).</summary>
    // Stored in an internal field: the codec is generated in Parking.Grains (InternalsVisibleTo), which
    // cannot reach the private backing field of an init-only property in another assembly.
    [Id(17)] internal DateTimeOffset? _unpluggedAt;
    public DateTimeOffset? UnpluggedAt { get => _unpluggedAt; init => _unpluggedAt = value; }

    // Null in requests stored before a request could have several turns, and whenever it has no turn after Turn.
    [Id(18)] internal ChargingTurn[]? _laterTurns;

    [Id(19)] internal int _turnsDone;

    /// <summary>The request's turns after <see cref="Turn"/> (the current or next one), in time order; empty for one turn.</summary>
    public IReadOnlyList<ChargingTurn> LaterTurns
    {
        get => _laterTurns ?? [];
        init => _laterTurns = value is { Count: > 0 } ? [.. value] : null;
    }

    /// <summary>How many of its turns have ended (the car moved to the next one).</summary>
    public int TurnsDone { get => _turnsDone; init => _turnsDone = value; }

    /// <summary>Every turn still ahead or running: <see cref="Turn"/>, then <see cref="LaterTurns"/>; empty when it has none.</summary>
    public IReadOnlyList<ChargingTurn> Turns => Turn is null ? [] : [Turn, .. LaterTurns];

    /// <summary>Whether the request goes on to another turn when its current one ends: it has one and still needs energy.</summary>
    public bool HasNextTurn => _laterTurns is { Length: > 0 } && RemainingKwh > 0;

    /// <summary>
    /// The current turn over, the request waits for its next one: scheduled on it, unplugged, the move notice not sent.
    /// </summary>
    public ChargingRequest ToNextTurn() => Next(ChargingRequestStatus.Scheduled) with
    {
        Turn = LaterTurns[0],
        LaterTurns = [.. LaterTurns.Skip(1)],
        TurnsDone = TurnsDone + 1,
        PluggedAt = null,
        MeterBase = null,
        MoveNoticeSent = false,
        UnpluggedAt = null,
    };

    /// <summary>The request with <paramref name="turns"/> as its turns (the first as <see cref="Turn"/>), or none.</summary>
    public ChargingRequest WithTurns(IReadOnlyList<ChargingTurn> turns) =>
        this with { Turn = turns.Count > 0 ? turns[0] : null, LaterTurns = [.. turns.Skip(1)] };

    /// <summary>Still wants or holds a turn.</summary>
    public bool IsActive => Status is ChargingRequestStatus.Waiting or ChargingRequestStatus.Scheduled
        or ChargingRequestStatus.Called or ChargingRequestStatus.Charging;

    /// <summary>Its turn has started: re-planning leaves it where it is.</summary>
    public bool HasStarted => Status is ChargingRequestStatus.Called or ChargingRequestStatus.Charging;

    public double RemainingKwh => Math.Max(0, EnergyKwh - DeliveredKwh);

    public ChargingRequest Next(ChargingRequestStatus status) => this with { Status = status, Revision = Revision + 1 };
}

/// <summary>Why a driver hears from the area.</summary>
public enum ChargingNoticeKind
{
    /// <summary>A turn was planned: "your turn at charger C at 19:40".</summary>
    TurnScheduled,

    /// <summary>The plan changed and the turn moved (or was withdrawn: no turn for now).</summary>
    TurnMoved,

    /// <summary>The turn started: "plug in now".</summary>
    PlugInNow,

    /// <summary>The car was plugged in during its turn.</summary>
    ChargingStarted,

    /// <summary>The car stopped drawing power before the turn ended: it is charged, please move it.</summary>
    ChargingFinished,

    /// <summary>The turn ends soon: "your turn ends at 21:10, please move".</summary>
    TurnEndingSoon,

    /// <summary>The turn ended: move the car now.</summary>
    TurnEnded,

    /// <summary>The car was unplugged; the request is done.</summary>
    Completed,

    /// <summary>Not plugged in within the grace period: the turn went to the next driver.</summary>
    NoShow,

    Cancelled,

    /// <summary>The departure came without a turn.</summary>
    Expired,

    /// <summary>The charger failed during the turn: a new turn is planned on another charger if one is free.</summary>
    ChargerFaulted,

    /// <summary>The request was accepted but no turn fits yet: the driver hears when one is planned.</summary>
    Waiting,
}

/// <summary>Something a driver must hear about their request (the request as it is after the change).</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingNotice(
    [Id(0)] ChargingNoticeKind Kind,
    [Id(1)] ChargingRequest Request)
{
    [Id(2)] internal ChargingTurn? _endedTurn;

    /// <summary>
    /// For a turn that ended while the request goes on to its next turn: the turn that ended (the request's
    /// <see cref="ChargingRequest.Turn"/> is then the next one). Null otherwise.
    /// </summary>
    public ChargingTurn? EndedTurn { get => _endedTurn; init => _endedTurn = value; }
}

public static class ChargingRequests
{
    /// <summary>Request ids carry their area, so any host can route a command to it.</summary>
    public static string NewId(string areaId, Guid unique) => $"{areaId}.{unique:N}";

    public static bool TryParseAreaId(string requestId, out string areaId)
    {
        var dot = requestId.LastIndexOf('.');
        areaId = dot > 0 ? requestId[..dot] : string.Empty;
        return dot > 0 && dot < requestId.Length - 1;
    }

    /// <summary>
    /// Checks what a driver asked for and turns it into a draft: a plate, the energy (given, or from the
    /// battery and the state of charge now and wanted), a window from the earliest start (now when not
    /// given) to the departure. The first fault found is returned with its field.
    /// </summary>
    public static Outcome<ChargingRequestDraft> Validate(
        string? plate,
        EnergyNeed need,
        DateTimeOffset? earliestStart,
        DateTimeOffset? departure,
        bool? canMove,
        ChargingPolicy policy,
        DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(plate))
        {
            return DomainError.Invalid("plate", "plate-required", "plate is required: the car to charge.");
        }

        if (plate.Length > 16)
        {
            return DomainError.Invalid("plate", "plate-too-long", "plate has at most 16 characters.");
        }

        var energy = EnergyOf(need, policy);
        if (!energy.IsSuccess)
        {
            return energy.Error!;
        }

        var energyKwh = energy.Value;

        if (departure is not { } end)
        {
            return DomainError.Invalid("departure", "departure-required", "departure is required (ISO 8601 with an offset): when the car leaves.");
        }

        var start = earliestStart ?? now;
        if (start < now - policy.ClockSkew)
        {
            return DomainError.Invalid("earliestStart", "start-in-past", "earliestStart is in the past.");
        }

        if (start < now)
        {
            start = now;
        }

        if (end <= start)
        {
            return DomainError.Invalid("departure", "departure-before-start", "departure must be after the earliest start (and after now).");
        }

        if (end - start < policy.Period)
        {
            return DomainError.Invalid("departure", "window-too-short", $"The car must stay at least {policy.Period.TotalMinutes:0} minutes.");
        }

        if (end > now + policy.Horizon)
        {
            return DomainError.Invalid("departure", "departure-too-far-ahead", $"departure is at most {policy.Horizon.TotalHours:0} hours ahead.");
        }

        return new ChargingRequestDraft(plate.Trim(), energyKwh, new TimeWindow(start, end), canMove ?? true);
    }

    private static Outcome<double> EnergyOf(EnergyNeed need, ChargingPolicy policy)
    {
        double energy;
        if (need.EnergyKwh is { } kwh)
        {
            if (need.BatteryKwh is not null || need.TargetSocPercent is not null || need.CurrentSocPercent is not null)
            {
                return DomainError.Invalid("energyKwh", "energy-given-twice", "Give energyKwh, or batteryKwh with currentSocPercent and targetSocPercent, not both.");
            }

            if (double.IsNaN(kwh) || kwh <= 0)
            {
                return DomainError.Invalid("energyKwh", "energy-not-positive", "energyKwh must be more than 0.");
            }

            energy = kwh;
        }
        else if (need.BatteryKwh is null && need.TargetSocPercent is null && need.CurrentSocPercent is null)
        {
            return DomainError.Invalid("energyKwh", "energy-required", "Give energyKwh, or batteryKwh with currentSocPercent and targetSocPercent.");
        }
        else
        {
            if (need.BatteryKwh is not { } battery || double.IsNaN(battery) || battery <= 0 || battery > 250)
            {
                return DomainError.Invalid("batteryKwh", "battery-invalid", "batteryKwh is required with a target charge: more than 0, at most 250.");
            }

            if (need.CurrentSocPercent is not { } current || double.IsNaN(current) || current < 0 || current > 100)
            {
                return DomainError.Invalid("currentSocPercent", "soc-invalid", "currentSocPercent is required with a target charge: 0 to 100.");
            }

            if (need.TargetSocPercent is not { } target || double.IsNaN(target) || target <= 0 || target > 100)
            {
                return DomainError.Invalid("targetSocPercent", "soc-invalid", "targetSocPercent is required with a target charge: more than 0, at most 100.");
            }

            if (target <= current)
            {
                return DomainError.Invalid("targetSocPercent", "target-not-above-current", "targetSocPercent must be above currentSocPercent.");
            }

            energy = battery * (target - current) / 100;
        }

        if (energy > policy.MaxEnergyKwh)
        {
            return DomainError.Invalid(need.EnergyKwh is null ? "targetSocPercent" : "energyKwh", "energy-too-large", $"One request asks for at most {policy.MaxEnergyKwh:0} kWh.");
        }

        return Math.Round(energy, 3);
    }
}
