using Parking.Domain.Layout;
using Parking.Domain.Ocpp;
using Parking.Domain.Reservations;

namespace Parking.Domain.Charging;

/// <summary>How an area's plan was made.</summary>
public enum AreaPlanStatus
{
    /// <summary>Nothing to plan: no usable charger, or no request open or started.</summary>
    Empty,

    /// <summary>The planner proved the plan optimal for its objectives.</summary>
    Optimal,

    /// <summary>A feasible plan found within the budget, not proven optimal.</summary>
    Feasible,

    /// <summary>The planner failed or ran out of time: the plan is the greedy baseline's, ranked below published turns.</summary>
    Fallback,
}

/// <summary>
/// The stored layout of a <see cref="PlanSummary"/>: the fields and ids of the positional record earlier builds
/// stored, as its first layer (a positional record's members are written as a base layer of their own, then an empty
/// layer for the record). The status was the word <c>Optimal</c>, <c>Fallback</c>, ...; it is still read, no longer
/// written.
/// </summary>
[GenerateSerializer]
public abstract class PlanSummaryLayout
{
    [Id(0)] internal string _algorithm = string.Empty;
    [Id(1)] internal string? _storedStatusWord;
    [Id(2)] internal DateTimeOffset _plannedAt;
    [Id(3)] internal TimeSpan _solveTime;
    [Id(4)] internal int _turns;
    [Id(5)] internal int _waiting;

    private protected PlanSummaryLayout()
    {
    }
}

/// <summary>How the last plan was made; stored inside the area's snapshot, the status as the enum in the layer after the layout's.</summary>
[GenerateSerializer, Immutable]
public sealed class PlanSummary : PlanSummaryLayout
{
    // The record's own layer held the plan's number (id 6) before the status became an enum.
    [Id(6)] internal long _number;

    // Null in a summary an earlier build stored: it has only the word.
    [Id(7)] internal AreaPlanStatus? _status;

    public PlanSummary(string algorithm, AreaPlanStatus status, DateTimeOffset plannedAt, TimeSpan solveTime, int turns, int waiting, long number = 0)
    {
        (_algorithm, _status, _plannedAt, _solveTime, _turns, _waiting, _number) = (algorithm, status, plannedAt, solveTime, turns, waiting, number);
    }

    public string Algorithm => _algorithm;

    public AreaPlanStatus Status =>
        _status ?? (Enum.TryParse<AreaPlanStatus>(_storedStatusWord, ignoreCase: false, out var word) ? word : AreaPlanStatus.Feasible);

    public DateTimeOffset PlannedAt => _plannedAt;

    public TimeSpan SolveTime => _solveTime;

    public int Turns => _turns;

    public int Waiting => _waiting;

    /// <summary>
    /// Which plan of the area this is, counting from 1 (0 in plans stored before the count was kept): the area
    /// plans changes that arrive during a solve together, so a burst of requests moves it by one or two.
    /// </summary>
    public long Number => _number;

    /// <summary>The same plan as the area applied it: its number, and the area's turns and waiting requests counted after it.</summary>
    public PlanSummary Applied(long number, int turns, int waiting) => new(_algorithm, Status, _plannedAt, _solveTime, turns, waiting, number);
}

/// <summary>What a change did: the notices drivers must hear, and whether the area must plan again.</summary>
public sealed record AreaChange(IReadOnlyList<ChargingNotice> Notices, bool Replan)
{
    public static AreaChange None { get; } = new([], false);

    /// <summary>This change, then <paramref name="next"/>: the notices of both in order, and a re-plan if either asks.</summary>
    public AreaChange Then(AreaChange next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return new([.. Notices, .. next.Notices], Replan || next.Replan);
    }

    /// <summary>
    /// Notices gathered over several changes, as drivers hear them: of several notices of one kind about one request,
    /// only the last, in the place of the last.
    /// </summary>
    public static IReadOnlyList<ChargingNotice> Collapse(IEnumerable<ChargingNotice> notices)
    {
        ArgumentNullException.ThrowIfNull(notices);
        var result = new List<ChargingNotice>();
        foreach (var notice in notices)
        {
            var same = result.FindIndex(n => n.Kind == notice.Kind && n.Request.Id == notice.Request.Id);
            if (same >= 0)
            {
                result.RemoveAt(same);
            }

            result.Add(notice);
        }

        return result;
    }
}

/// <summary>
/// What a planner is asked: from <see cref="Start"/> (now, on a period boundary), the usable chargers,
/// the site capacity, the turns that have started (they stay put) and the requests still open.
/// </summary>
public sealed record AreaPlanningInput(
    DateTimeOffset Now,
    DateTimeOffset Start,
    TimeSpan Period,
    IReadOnlyList<ChargerSnapshot> Chargers,
    double SiteCapacityKw,
    IReadOnlyList<ChargingRequest> Started,
    IReadOnlyList<ChargingRequest> Open)
{
    /// <summary>What the area's plan puts first (staff's choice).</summary>
    public ChargingObjectiveOrder Order { get; init; }

    /// <summary>The phase each charger loads (three-phase when absent), from the area's definition.</summary>
    public IReadOnlyDictionary<string, ChargerPhase> Phases { get; init; } = new Dictionary<string, ChargerPhase>(StringComparer.Ordinal);

    /// <summary>
    /// What each phase may carry for planned turns (the least of the three), or null when every charger loads all three
    /// phases: the area book refuses turns that would overload a phase, so the plan should keep to it.
    /// </summary>
    public double? PhaseLimitKw { get; init; }

    /// <summary>The most one phase may carry above another (kW), or null: the area book refuses turns that would exceed it.</summary>
    public double? PhaseImbalanceKw { get; init; }

    /// <summary>Each driver's minimum need (kWh) for <see cref="ChargingObjectiveOrder.MinimumNeedFirst"/>.</summary>
    public double MinimumNeedKwh { get; init; }

    /// <summary>The last plan's power per turn: what a started turn is still planned to deliver.</summary>
    public IReadOnlyList<TurnPowerSchedule> Power { get; init; } = [];

    /// <summary>
    /// The recent reports of each charging charger, oldest first, since its car plugged in (see
    /// <see cref="ChargingAreaBook.RecentReadings"/>); a charger without any is read from its last report alone.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ChargerSnapshot>> Readings { get; init; } =
        new Dictionary<string, IReadOnlyList<ChargerSnapshot>>(StringComparer.Ordinal);
}

/// <summary>
/// The charging requests of one area, their turns and the last known state of its chargers: the state
/// of the area grain, its single writer. Pure: every method takes the time, and returns the notices
/// drivers must hear. Turns come from a planner through <see cref="ApplyPlan"/>, which keeps only turns
/// that fit beside those already started (no overlap on a charger, site capacity kept).
/// </summary>
public sealed class ChargingAreaBook
{
    private const double KwSlack = 1e-6;

    // Power schedules are rounded to the microwatt per turn: a feed shared by many turns may add up a few above it.
    private const double ProfileSlackKw = 1e-3;

    private readonly List<ChargingRequest> _requests;
    private readonly Dictionary<string, ChargerSnapshot> _chargers;
    private ChargingAreaDefinition? _definition;
    private double? _siteCapacityOverrideKw;
    private PlanSummary? _plan;
    private long _version;
    private List<TurnPowerSchedule> _power;
    private ChargingObjectiveOrder _order;
    private double? _minimumNeedKwh;

    // When a meter report last found each running car behind its turn and asked for a re-plan; stored with the area, so
    // a restart does not let a car behind re-plan sooner than the policy's spacing.
    private readonly Dictionary<string, DateTimeOffset> _behindReplannedAt = new(StringComparer.Ordinal);

    // The recent reports of each charger while it charges one car; stored with the area (state stored before they were
    // kept starts with none: the planner then reads a charger's last report alone until new ones come).
    private readonly Dictionary<string, List<ChargerSnapshot>> _readings = new(StringComparer.Ordinal);

    /// <summary>How far back <see cref="RecentReadings"/> keeps a charger's reports.</summary>
    public static readonly TimeSpan ReadingsWindow = TimeSpan.FromMinutes(15);

    /// <summary>At most this many of a charger's reports are kept (a meter reports every minute or so).</summary>
    public const int MaxReadings = 9;

    public ChargingAreaBook()
        : this(new ChargingAreaSnapshot())
    {
    }

    private ChargingAreaBook(ChargingAreaSnapshot snapshot)
    {
        // Collections of its own: the snapshot may be the one storage holds.
        _definition = snapshot.Definition;
        _siteCapacityOverrideKw = snapshot.SiteCapacityOverrideKw;
        _requests = [.. snapshot.Requests ?? []];
        _chargers = new Dictionary<string, ChargerSnapshot>(snapshot.Chargers ?? [], StringComparer.Ordinal);
        _plan = snapshot.Plan;
        _version = snapshot.Version;
        _power = [.. snapshot.PowerSchedules ?? []];
        // State stored before the order was kept (or under an unknown name or number) plans least share first.
        _order = snapshot.ObjectiveOrder is { } order && Enum.IsDefined(order) ? order : ChargingObjectiveOrder.LeastShareFirst;
        _minimumNeedKwh = snapshot.MinimumNeedKwh;
        CompoundId = snapshot.CompoundId ?? string.Empty;
        foreach (var (chargerId, readings) in snapshot.Readings ?? [])
        {
            if (readings is { Count: > 0 })
            {
                _readings[chargerId] = [.. readings];
            }
        }

        foreach (var (requestId, at) in snapshot.BehindReplannedAt ?? [])
        {
            _behindReplannedAt[requestId] = at;
        }
    }

    public ChargingAreaDefinition? Definition => _definition;

    /// <summary>Set by staff; the layout's value otherwise.</summary>
    public double? SiteCapacityOverrideKw => _siteCapacityOverrideKw;

    public IReadOnlyList<ChargingRequest> Requests => _requests.AsReadOnly();

    /// <summary>Whether a request still waits for a turn (a stored request a plan has not served yet).</summary>
    public bool HasWaiting => _requests.Exists(r => r.Status == ChargingRequestStatus.Waiting);

    /// <summary>One driver's requests, newest first.</summary>
    public IReadOnlyList<ChargingRequest> RequestsOf(string residentId) =>
        [.. _requests.Where(r => r.ResidentId == residentId).OrderByDescending(r => r.CreatedAt)];

    /// <summary>The request whose car is plugged in at <paramref name="chargerId"/> in its turn now, or null.</summary>
    public string? PluggedInAt(string chargerId) =>
        _requests.FirstOrDefault(r => r.Turn?.ChargerId == chargerId && r.PluggedAt is not null && r.UnpluggedAt is null)?.Id;

    /// <summary>
    /// After a plan: a "waiting" notice for each of <paramref name="requestIds"/> (requests the plan was the first to
    /// see) that still has no turn, so its driver hears the request waits.
    /// </summary>
    public IReadOnlyList<ChargingNotice> StillWaiting(IEnumerable<string> requestIds)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        return
        [
            .. requestIds
                .Select(id => _requests.FirstOrDefault(r => r.Id == id))
                .Where(r => r is { Status: ChargingRequestStatus.Waiting })
                .Select(r => new ChargingNotice(ChargingNoticeKind.Waiting, r!)),
        ];
    }

    public IReadOnlyDictionary<string, ChargerSnapshot> Chargers => _chargers.AsReadOnly();

    public PlanSummary? Plan => _plan;

    /// <summary>
    /// The last plan's power per period of each turn (what the chargers' profiles are made of). Stored with the area,
    /// so a re-activated area hands out the same profiles as before, not its chargers' ratings.
    /// </summary>
    public IReadOnlyList<TurnPowerSchedule> PowerSchedules => _power.AsReadOnly();

    public long Version => _version;

    /// <summary>The compound the area belongs to (from the grain's key).</summary>
    public string CompoundId { get; init; }

    /// <summary>The area as stored: a snapshot in collections of its own, which no later change touches.</summary>
    public ChargingAreaSnapshot Snapshot() => new(
        _definition, _siteCapacityOverrideKw, [.. _requests], new Dictionary<string, ChargerSnapshot>(_chargers, StringComparer.Ordinal), _plan, _version, CompoundId)
    {
        PowerSchedules = [.. _power],
        ObjectiveOrder = _order,
        MinimumNeedKwh = _minimumNeedKwh,
        // None kept (no charger charging) writes nothing, as state stored before they were kept.
        Readings = _readings.Count == 0 ? null : _readings.ToDictionary(r => r.Key, r => r.Value.ToList(), StringComparer.Ordinal),
        // Likewise none (no car re-planned for within the spacing) writes nothing.
        BehindReplannedAt = _behindReplannedAt.Count == 0 ? null : new Dictionary<string, DateTimeOffset>(_behindReplannedAt, StringComparer.Ordinal),
    };

    /// <summary>What the area's plans put first when the feed cannot serve everyone (staff's choice; least share first by default).</summary>
    public ChargingObjectiveOrder ObjectiveOrder => _order;

    /// <summary>Each driver's minimum need (kWh) when the order is <see cref="ChargingObjectiveOrder.MinimumNeedFirst"/>.</summary>
    public double? MinimumNeedKwh => _minimumNeedKwh;

    /// <summary>
    /// Sets the objective order by its wire name (<see cref="ChargingObjectiveOrders.Names"/>) and the minimum need per
    /// driver (required, more than 0 and at most 150 kWh, with minimum-need-first). Bad values change nothing.
    /// </summary>
    public Outcome<bool> SetObjective(string? order, double? minimumNeedKwh)
    {
        if (_definition is null)
        {
            return DomainError.NotFound("area-not-found", "No such charging area.");
        }

        if (!ChargingObjectiveOrders.TryParse(order, out var parsed))
        {
            return DomainError.Invalid("order", "order-invalid", $"order is one of {string.Join(", ", ChargingObjectiveOrders.Names)}.");
        }

        if (minimumNeedKwh is { } kwh && (double.IsNaN(kwh) || kwh <= 0 || kwh > ChargingObjectiveOrders.MaxMinimumNeedKwh))
        {
            return DomainError.Invalid("minimumNeedKwh", "minimum-need-invalid", "minimumNeedKwh is more than 0 and at most 150 (kWh).");
        }

        if (parsed == ChargingObjectiveOrder.MinimumNeedFirst && minimumNeedKwh is null)
        {
            return DomainError.Invalid("minimumNeedKwh", "minimum-need-invalid", "minimumNeedKwh is required with minimum-need-first (kWh, more than 0 and at most 150).");
        }

        _order = parsed;
        _minimumNeedKwh = minimumNeedKwh;
        _version++;
        return true;
    }

    /// <summary>The area a stored snapshot describes, in the compound <paramref name="compoundId"/> (the grain's key).</summary>
    public static ChargingAreaBook Restore(ChargingAreaSnapshot snapshot, string compoundId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new ChargingAreaBook(snapshot) { CompoundId = compoundId };
    }

    public bool IsConfigured => _definition is not null;

    public double SiteCapacityKw => _siteCapacityOverrideKw ?? Definition?.SiteCapacityKw ?? 0;

    /// <summary>Phase settings out of range (<see cref="ChargerLayoutRules.Phases"/>) are refused, naming the field.</summary>
    private static void RefuseBadPhases(ChargingAreaDefinition definition)
    {
        if (ChargerLayoutRules.Phases(definition) is { } bad)
        {
            throw new ArgumentException(bad.Message, bad.Field);
        }
    }

    /// <summary>
    /// Defines the area; chargers it did not know start as available. Returns false when nothing changed. Phase
    /// settings out of range (<see cref="ChargerLayoutRules.Phases"/>) are refused, naming the field, and change nothing.
    /// </summary>
    public bool Configure(ChargingAreaDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        RefuseBadPhases(definition);

        if (_definition == definition)
        {
            return false;
        }

        _definition = definition;
        foreach (var charger in definition.Chargers)
        {
            _chargers.TryAdd(charger.ChargerId, ChargerSnapshot.New(charger));
        }

        _version++;
        return true;
    }

    /// <summary>
    /// Redefines a configured area from a changed compound file (a re-import): a new charger starts available; a kept
    /// one keeps its live status and meter with its new rating and space; a charger no longer in the file leaves the
    /// area, and every turn on it not yet over (scheduled, called, or charging) goes back to waiting, its driver told
    /// as for a faulted charger, so the re-plan puts it on the chargers that remain. A new feed in the file replaces
    /// a capacity staff set by hand (the file is the later decision), and so does the same feed when the file rates a
    /// charger above the capacity set by hand (<see cref="ChargerLayoutRules.Feed"/>). Null <paramref name="definition"/>: the area
    /// left the file; it keeps its name but no chargers, so nothing more is planned in it.
    /// </summary>
    public AreaChange Redefine(ChargingAreaDefinition? definition)
    {
        if (definition is not null)
        {
            RefuseBadPhases(definition);
        }

        if (_definition is not { } current)
        {
            return definition is not null && Configure(definition) ? new AreaChange([], true) : AreaChange.None;
        }

        var next = definition ?? current with { Chargers = [] };
        if (current.SameAs(next))
        {
            return AreaChange.None;
        }

        // The file's feed carries each of its chargers (the importer checked it); a capacity set by hand no longer does
        // when the file rates a charger above it, and then goes too, so no re-import leaves a feed the importer refuses.
        if (!current.SameFeedAs(next)
            || (_siteCapacityOverrideKw is { } byHand && ChargerLayoutRules.Feed(next, byHand, "siteCapacityKw") is not null))
        {
            _siteCapacityOverrideKw = null;
        }

        _definition = next;
        var kept = next.Chargers.ToDictionary(c => c.ChargerId, StringComparer.Ordinal);
        foreach (var charger in next.Chargers)
        {
            _chargers[charger.ChargerId] = _chargers.TryGetValue(charger.ChargerId, out var live)
                ? live with { SpaceId = charger.SpaceId, MaxKw = charger.MaxKw }
                : ChargerSnapshot.New(charger);
        }

        var notices = new List<ChargingNotice>();
        foreach (var gone in _chargers.Keys.Where(id => !kept.ContainsKey(id)).ToList())
        {
            _chargers.Remove(gone);
            _power.RemoveAll(p => p.ChargerId == gone);
            ReturnTurnsToWaiting(gone, notices);
        }

        _version++;
        return new AreaChange(notices, true);
    }

    /// <summary>
    /// Sends every turn held on a charger that can no longer serve it (faulted, or gone from the layout) back to
    /// waiting, so the next plan places it on another charger, and tells each driver.
    /// </summary>
    private void ReturnTurnsToWaiting(string chargerId, List<ChargingNotice> notices)
    {
        foreach (var request in _requests.Where(r => r.Turn?.ChargerId == chargerId
            && r.Status is ChargingRequestStatus.Scheduled or ChargingRequestStatus.Called or ChargingRequestStatus.Charging).ToList())
        {
            var moved = request.Next(ChargingRequestStatus.Waiting) with
            {
                Turn = null,
                LaterTurns = [],
                PluggedAt = null,
                MeterBase = null,
                MoveNoticeSent = false,
                UnpluggedAt = null,
            };
            Replace(moved);
            notices.Add(new ChargingNotice(ChargingNoticeKind.ChargerFaulted, moved));
        }

        // A later turn on the charger goes; the re-plan that follows may give the request another.
        foreach (var request in _requests.Where(r => r.IsActive && r.LaterTurns.Any(t => t.ChargerId == chargerId)).ToList())
        {
            var moved = request.WithTurns([.. request.Turns.Where(t => t.ChargerId != chargerId)]) with { Revision = request.Revision + 1 };
            Replace(moved);
            notices.Add(new ChargingNotice(ChargingNoticeKind.TurnMoved, moved));
        }
    }

    public Outcome<ChargingRequest> Submit(string residentId, ChargingRequestDraft draft, ChargingPolicy policy, DateTimeOffset now, Guid unique)
    {
        if (_definition is not { } area)
        {
            return DomainError.NotFound("area-not-found", "No such charging area.");
        }

        var active = _requests.Where(r => r.IsActive).ToList();
        if (active.Any(r => string.Equals(r.Plate, draft.Plate, StringComparison.OrdinalIgnoreCase)))
        {
            return DomainError.Conflict("plate-already-waiting", $"The car {draft.Plate} already has a request in this area.");
        }

        if (active.Count(r => r.ResidentId == residentId) >= policy.MaxActivePerDriver)
        {
            return DomainError.Conflict("charging-request-limit", $"A driver may hold at most {policy.MaxActivePerDriver} open requests in an area.");
        }

        var request = new ChargingRequest(
            ChargingRequests.NewId(area.AreaId, unique), CompoundId, area.AreaId, residentId, draft.Plate, draft.EnergyKwh,
            draft.Window, draft.CanMove, now, ChargingRequestStatus.Waiting, null, null, null, 0, false, null, 1);
        _requests.Add(request);
        _version++;
        return request;
    }

    public Outcome<ChargingRequest> Find(string requestId, Actor actor)
    {
        var request = _requests.Find(r => r.Id == requestId);
        if (request is null)
        {
            return DomainError.NotFound("charging-request-not-found", $"No charging request '{requestId}'.");
        }

        return actor.IsStaff || request.ResidentId == actor.UserId
            ? request
            : DomainError.Forbidden("The charging request belongs to another driver.");
    }

    /// <summary>Withdraws a request (its driver or staff). A car on the charger frees it when unplugged.</summary>
    public Outcome<(ChargingRequest Request, AreaChange Change)> Cancel(string requestId, Actor actor, DateTimeOffset now)
    {
        var found = Find(requestId, actor);
        if (found.Value is not { } request)
        {
            return found.Error!;
        }

        if (!request.IsActive)
        {
            return DomainError.Conflict("request-not-active", $"The request is {request.Status} already.");
        }

        var cancelled = request.Next(ChargingRequestStatus.Cancelled) with { EndedAt = now, LaterTurns = [] };
        Replace(cancelled);
        return (cancelled, new AreaChange([new ChargingNotice(ChargingNoticeKind.Cancelled, cancelled)], true));
    }

    public Outcome<bool> SetSiteCapacity(double kw)
    {
        if (_definition is null)
        {
            return DomainError.NotFound("area-not-found", "No such charging area.");
        }

        if (double.IsNaN(kw) || kw <= 0 || kw > 100_000)
        {
            return DomainError.Invalid("siteCapacityKw", "capacity-invalid", "siteCapacityKw is more than 0 and at most 100000.");
        }

        // The importer's rule: a feed that cannot carry one charger alone is refused, so the area's export stays importable.
        if (ChargerLayoutRules.Feed(_definition, kw, "siteCapacityKw") is { } belowCharger)
        {
            return belowCharger;
        }

        _siteCapacityOverrideKw = kw;
        _version++;
        return true;
    }

    /// <summary>Moves every request along to <paramref name="now"/>: turns start, no-shows, move notices, turn ends, expiries.</summary>
    public AreaChange Advance(DateTimeOffset now, ChargingPolicy policy)
    {
        var notices = new List<ChargingNotice>();
        var replan = false;
        for (var i = 0; i < _requests.Count; i++)
        {
            var request = _requests[i];
            while (Step(request, now, policy) is { } step)
            {
                notices.Add(new ChargingNotice(step.Kind, step.Request) { EndedTurn = step.Request.Turn != request.Turn ? request.Turn : null });
                request = step.Request;
                replan |= step.Replan;
            }

            _requests[i] = request;
        }

        if (notices.Count > 0)
        {
            _version++;
        }

        // A turn that ended frees its charger and its share of the feed: a driver still waiting may fit now.
        replan |= notices.Any(n => n.Kind == ChargingNoticeKind.TurnEnded) && AnyWaiting;
        return new AreaChange(notices, replan);
    }

    private bool AnyWaiting => _requests.Exists(r => r.Status == ChargingRequestStatus.Waiting);

    /// <summary>The next instant at which <see cref="Advance"/> has something to do; null when nothing waits.</summary>
    public DateTimeOffset? NextDue(ChargingPolicy policy)
    {
        DateTimeOffset? next = null;
        foreach (var request in _requests)
        {
            DateTimeOffset? due = request.Status switch
            {
                ChargingRequestStatus.Waiting => request.Window.End,
                ChargingRequestStatus.Scheduled => request.Turn!.Window.Start,
                ChargingRequestStatus.Called => NoShowDeadline(request.Turn!, policy),
                ChargingRequestStatus.Charging when !request.MoveNoticeSent => request.Turn!.Window.End - policy.MoveNotice,
                ChargingRequestStatus.Charging => request.Turn!.Window.End,
                _ => null,
            };
            if (due is { } d && (next is null || d < next))
            {
                next = d;
            }
        }

        return next;
    }

    public static DateTimeOffset NoShowDeadline(ChargingTurn turn, ChargingPolicy policy)
    {
        var deadline = turn.Window.Start + policy.GracePeriod;
        return deadline < turn.Window.End ? deadline : turn.Window.End;
    }

    /// <summary>
    /// A charger reported: a plug-in starts the turn planned on it (or due within the early plug-in time), a
    /// plug-out completes it (before its end: an early finish, so plan again), a fault sends every turn on
    /// the charger back to waiting (plan again onto the others), a recovery plans again.
    /// </summary>
    public AreaChange ChargerReported(ChargerSnapshot after, DateTimeOffset now, ChargingPolicy policy)
    {
        var before = _chargers.GetValueOrDefault(after.ChargerId) ?? after with { Status = ChargerStatus.Available };
        _chargers[after.ChargerId] = after;
        _version++;
        Record(before, after);

        var notices = new List<ChargingNotice>();
        var replan = false;
        var on = _requests.Find(r => r.Turn?.ChargerId == after.ChargerId && r.PluggedAt is not null && r.UnpluggedAt is null);
        if (on is not null && on.MeterBase is { } meterBase && after.EnergyMeterKwh - meterBase > on.DeliveredKwh)
        {
            on = on with { DeliveredKwh = Math.Round(after.EnergyMeterKwh - meterBase, 3) };
            Replace(on);
        }

        if (ChargerRules.IsFault(before.Status, after.Status))
        {
            ReturnTurnsToWaiting(after.ChargerId, notices);
            return new AreaChange(notices, true);
        }

        if (on is not null && FallenBehind(on, after, now, policy))
        {
            _behindReplannedAt[on.Id] = now;
            replan = true;
        }

        if (ChargerRules.IsRecovery(before.Status, after.Status) || before.Overdrawing != after.Overdrawing)
        {
            replan = true;
        }

        if (ChargerRules.IsPlugIn(before.Status, after.Status) && on is null)
        {
            var due = _requests
                .Where(r => r.Turn?.ChargerId == after.ChargerId
                    && (r.Status == ChargingRequestStatus.Called
                        || (r.Status == ChargingRequestStatus.Scheduled && r.Turn.Window.Start - policy.EarlyPlugIn <= now)))
                .OrderBy(r => r.Turn!.Window.Start)
                .FirstOrDefault();
            if (due is not null)
            {
                var charging = due.Next(ChargingRequestStatus.Charging) with { PluggedAt = now, UnpluggedAt = null, MeterBase = after.EnergyMeterKwh - due.DeliveredKwh };
                Replace(charging);
                notices.Add(new ChargingNotice(ChargingNoticeKind.ChargingStarted, charging));
            }
        }
        else if (after.Status == ChargerStatus.Finishing && before.Status != ChargerStatus.Finishing && on is { Status: ChargingRequestStatus.Charging })
        {
            notices.Add(new ChargingNotice(ChargingNoticeKind.ChargingFinished, on));
        }
        else if (ChargerRules.IsPlugOut(before.Status, after.Status) && on is not null)
        {
            var unplugged = on with { UnpluggedAt = now };
            if (on.Status == ChargingRequestStatus.Charging && on.HasNextTurn)
            {
                // Moved before the turn's end (as the move notice asks): the car comes back for its next turn.
                unplugged = on.ToNextTurn();
                notices.Add(new ChargingNotice(ChargingNoticeKind.TurnEnded, unplugged) { EndedTurn = on.Turn });
                replan = true;
            }
            else if (on.Status == ChargingRequestStatus.Charging)
            {
                unplugged = unplugged.Next(ChargingRequestStatus.Completed) with { EndedAt = now, LaterTurns = [] };
                notices.Add(new ChargingNotice(ChargingNoticeKind.Completed, unplugged));
                replan |= now < on.Turn!.Window.End || AnyWaiting;
            }

            Replace(unplugged);
        }

        return new AreaChange(notices, replan);
    }

    /// <summary>
    /// Keeps <paramref name="after"/> among the charger's recent reports while it charges; a charger that stops charging
    /// (or starts again: a new car, or the same car after a pause) starts a new list.
    /// </summary>
    private void Record(ChargerSnapshot before, ChargerSnapshot after)
    {
        if (after.Status != ChargerStatus.Charging)
        {
            _readings.Remove(after.ChargerId);
            return;
        }

        if (before.Status != ChargerStatus.Charging || !_readings.TryGetValue(after.ChargerId, out var list))
        {
            _readings[after.ChargerId] = list = [];
        }

        list.Add(after);
        list.RemoveAll(r => r.ReportedAt is { } at && after.ReportedAt is { } latest && at <= latest - ReadingsWindow);
        if (list.Count > MaxReadings)
        {
            list.RemoveRange(0, list.Count - MaxReadings);
        }
    }

    /// <summary>The charger's reports kept since it started charging its car, within <see cref="ReadingsWindow"/>, oldest first.</summary>
    public IReadOnlyList<ChargerSnapshot> RecentReadings(string chargerId) =>
        _readings.TryGetValue(chargerId, out var list) ? [.. list] : [];

    /// <summary>
    /// Whether, after the meter report <paramref name="after"/>, the car charging in <paramref name="request"/>'s running
    /// turn cannot get what it still needs by the turn's end at the power it draws (drawing less than the plan's
    /// power for now, where the plan gave the turn a power schedule), and the car has not asked for a
    /// re-plan on that ground within <see cref="ChargingPolicy.BehindReplanEvery"/> (a meter reports every minute or so;
    /// one re-plan per car per spacing is enough to offer it a longer or a later turn). What the car draws is read from
    /// the charger's recent reports since the car plugged in (<see cref="RecentReadings"/>) as the planner reads them
    /// (<see cref="MeterReadings.MedianShortfallKw"/>): each report below what the car was given then (the plan's power
    /// at that instant, or now for a report outside the plan's schedule; the charger's rating without one) counts what
    /// it drew, every other one counts the car as taking all it is given, and the median decides. So one odd low
    /// reading does not ask for a re-plan; most of the recent reports showing the car short do. Unlike the planner's
    /// measure, a report of nothing drawn counts: a car that draws nothing while given power is behind.
    /// </summary>
    private bool FallenBehind(ChargingRequest request, ChargerSnapshot after, DateTimeOffset now, ChargingPolicy policy)
    {
        if (request.Status != ChargingRequestStatus.Charging || after.Status != ChargerStatus.Charging
            || request.Turn is not { } turn || turn.Window.End <= now
            || (_behindReplannedAt.TryGetValue(request.Id, out var last) && now - last < policy.BehindReplanEvery))
        {
            return false;
        }

        var planned = _power.FirstOrDefault(p => p.RequestId == request.Id && p.ChargerId == turn.ChargerId && p.Window.Start <= now && now < p.Window.End);
        var ratingKw = _definition?.Chargers.FirstOrDefault(c => c.ChargerId == turn.ChargerId)?.MaxKw ?? after.MaxKw;
        double GivenAt(DateTimeOffset instant) =>
            planned is null ? ratingKw : planned.KwAt(planned.Window.Contains(instant) ? instant : now);

        var recent = RecentReadings(after.ChargerId)
            .Where(r => (r.ReportedAt ?? now) >= (request.PluggedAt ?? now) && (r.ReportedAt ?? now) > now - ReadingsWindow)
            .DefaultIfEmpty(after);
        var drawKw = MeterReadings.MedianShortfallKw(recent, GivenAt, now) is { } median && !double.IsPositiveInfinity(median)
            ? median
            : GivenAt(now);
        var reachable = drawKw * (turn.Window.End - now).TotalHours;
        if (planned is not null)
        {
            // Measured against the plan: a car the plan keeps low for now (the feed is busy) is not behind for drawing
            // little, nor is one the plan itself cannot finish; one drawing less than the plan gives it now gets that
            // share of what the plan gives it until the turn's end.
            var plannedKw = planned.KwAt(now);
            if (drawKw >= plannedKw - ProfileSlackKw)
            {
                return false;
            }

            reachable = drawKw / plannedKw * KwhOf(planned, now, turn.Window.End);
        }

        return request.RemainingKwh - reachable > BehindToleranceKwh;
    }

    /// <summary>What <paramref name="schedule"/> gives from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static double KwhOf(TurnPowerSchedule schedule, DateTimeOffset from, DateTimeOffset to)
    {
        var kwh = 0.0;
        var at = from;
        foreach (var next in schedule.Steps.Select(s => s.Start).Append(schedule.Window.End).Where(b => b > from && b < to).Order().Append(to))
        {
            kwh += schedule.KwAt(at) * (next - at).TotalHours;
            at = next;
        }

        return kwh;
    }

    // A shortfall smaller than this is rounding and meter resolution, not a car behind.
    private const double BehindToleranceKwh = 0.05;

    /// <summary>What to ask the planner now: started turns stay, open requests get their remaining energy and window from now.</summary>
    public AreaPlanningInput PlanningInput(DateTimeOffset now, ChargingPolicy policy)
    {
        var periodTicks = policy.Period.Ticks;
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % periodTicks), TimeSpan.Zero);
        var chargers = Definition?.Chargers
            .Select(c => _chargers.GetValueOrDefault(c.ChargerId) ?? ChargerSnapshot.New(c))
            .Where(c => c.IsUsable && !c.Overdrawing)
            .ToList() ?? [];

        // A charger that does not keep to its profile is a fixed load of what it draws: its own turn stays as it is,
        // outside the plan, and the others are planned within what is left of the feed.
        var started = _requests.Where(r => r.HasStarted && r.Turn is not null && !IsOverdrawing(r.Turn.ChargerId)).ToList();
        var open = _requests
            .Where(r => r.Status is ChargingRequestStatus.Waiting or ChargingRequestStatus.Scheduled
                && r.RemainingKwh > 0
                && r.Window.End > now)
            .ToList();
        return new AreaPlanningInput(now, start, policy.Period, chargers, PlannableKw, started, open)
        {
            Power = [.. _power],
            Readings = _readings.ToDictionary(p => p.Key, p => (IReadOnlyList<ChargerSnapshot>)[.. p.Value], StringComparer.Ordinal),
            Order = _order,
            MinimumNeedKwh = _minimumNeedKwh ?? 0,
            Phases = chargers.ToDictionary(c => c.ChargerId, c => PhaseOf(c.ChargerId), StringComparer.Ordinal),
            PhaseLimitKw = PlannablePhaseKw,
            PhaseImbalanceKw = PhaseImbalanceKw,
        };
    }

    /// <summary>A plan of one turn per request: <see cref="ApplyPlan(IReadOnlyDictionary{string, IReadOnlyList{ChargingTurn}}, PlanSummary, DateTimeOffset, IReadOnlyList{TurnPowerSchedule}?)"/> with each turn alone.</summary>
    public IReadOnlyList<ChargingNotice> ApplyPlan(IReadOnlyDictionary<string, ChargingTurn> turns, PlanSummary summary, DateTimeOffset now, IReadOnlyList<TurnPowerSchedule>? power = null)
    {
        ArgumentNullException.ThrowIfNull(turns);
        return ApplyPlan(turns.ToDictionary(p => p.Key, p => (IReadOnlyList<ChargingTurn>)[p.Value], StringComparer.Ordinal), summary, now, power);
    }

    /// <summary>
    /// Publishes a plan: each open request gets its turns from <paramref name="turns"/> (in time order) if its first
    /// turn fits (inside its window, on a usable charger, no overlap with a turn kept or accepted on that charger,
    /// site capacity kept at every instant), else it waits; of its later turns it keeps those that fit too. A driver
    /// who cannot come back keeps the charger until departure, in one turn. The later turns of a request whose car is
    /// on its charger now stay as they are, while they fit. Returns the notices for the drivers whose turns appeared,
    /// moved or went.
    /// </summary>
    public IReadOnlyList<ChargingNotice> ApplyPlan(IReadOnlyDictionary<string, IReadOnlyList<ChargingTurn>> turns, PlanSummary summary, DateTimeOffset now, IReadOnlyList<TurnPowerSchedule>? power = null) =>
        ApplyPlan(turns, summary, now, power, null);

    /// <summary>
    /// As <see cref="ApplyPlan(IReadOnlyDictionary{string, IReadOnlyList{ChargingTurn}}, PlanSummary, DateTimeOffset, IReadOnlyList{TurnPowerSchedule}?)"/>,
    /// and a request whose car is on its charger (or called to it) also gets the new turns of <paramref name="nextTurns"/>
    /// that fit after the turns it keeps, once the open requests have theirs, so they never push out a turn the plan
    /// gives someone else. A new turn that starts with the running turn, on its charger, makes that turn longer. The
    /// driver hears of them as of any moved turn.
    /// </summary>
    public IReadOnlyList<ChargingNotice> ApplyPlan(
        IReadOnlyDictionary<string, IReadOnlyList<ChargingTurn>> turns,
        PlanSummary summary,
        DateTimeOffset now,
        IReadOnlyList<TurnPowerSchedule>? power,
        IReadOnlyDictionary<string, IReadOnlyList<ChargingTurn>>? nextTurns)
    {
        ArgumentNullException.ThrowIfNull(turns);

        // A turn draws what the plan's power schedule for it gives (a car may wait plugged in at 0 kW until the feed has
        // room), or its charger's rating where the plan gave none.
        var schedules = (power ?? []).ToLookup(p => p.RequestId, StringComparer.Ordinal);
        Load LoadOf(string requestId, ChargingTurn turn) => new(turn, KwOf(turn.ChargerId),
            schedules[requestId].FirstOrDefault(s => s.ChargerId == turn.ChargerId && s.Window.Overlaps(turn.Window)));
        var notices = new List<ChargingNotice>();
        var accepted = new List<Load>();
        var startedRequests = _requests.Where(r => r.HasStarted && r.Turn is not null && !IsOverdrawing(r.Turn.ChargerId)).ToList();
        var keptLater = new Dictionary<string, List<ChargingTurn>>(StringComparer.Ordinal);
        foreach (var started in startedRequests)
        {
            accepted.Add(LoadOf(started.Id, started.Turn!));
            var later = new List<ChargingTurn>();
            foreach (var turn in started.LaterTurns)
            {
                if (Fit(started, turn, now) is { } fitted && fitted.Window == turn.Window && Fits(accepted, LoadOf(started.Id, fitted)))
                {
                    accepted.Add(LoadOf(started.Id, fitted));
                    later.Add(fitted);
                }
            }

            keptLater[started.Id] = later;
        }

        var open = _requests
            .Where(r => r.Status is ChargingRequestStatus.Waiting or ChargingRequestStatus.Scheduled)
            .ToList();

        // The planner's turns first, then, for requests it left out or whose new first turn does not fit, the turns
        // they already had, if the first still fits: a plan that fails a check never takes away more than it must.
        // A fallback plan (the planner ran out of time) ranks below the turns already published.
        var proposed = open
            .Select(r => (Request: r, Turns: FitAll(r, turns.GetValueOrDefault(r.Id) ?? [], now)))
            .Where(c => c.Turns.Count > 0)
            .OrderBy(c => c.Request.CanMove)
            .ThenBy(c => c.Turns[0].Window.Start)
            .ToList();
        var published = open
            .Where(r => r.Status == ChargingRequestStatus.Scheduled)
            .Select(r => (Request: r, Turns: FitAll(r, r.Turns, now)))
            .Where(c => c.Turns.Count > 0)
            .ToList();
        var candidates = summary.Status == AreaPlanStatus.Fallback ? [.. published, .. proposed] : proposed.Concat(published).ToList();
        var granted = new Dictionary<string, List<ChargingTurn>>(StringComparer.Ordinal);
        foreach (var (request, candidate) in candidates)
        {
            if (granted.ContainsKey(request.Id) || !Fits(accepted, LoadOf(request.Id, candidate[0])))
            {
                continue;
            }

            var kept = new List<ChargingTurn>();
            foreach (var turn in candidate)
            {
                var load = LoadOf(request.Id, turn);
                if (kept.Count == 0 || Fits(accepted, load))
                {
                    accepted.Add(load);
                    kept.Add(turn);
                }
            }

            granted[request.Id] = kept;
        }

        var schedulesKept = (power ?? []).ToList();
        var gaps = new List<Gap>();
        foreach (var id in granted.Keys.ToList())
        {
            granted[id] = Held(id, granted[id], accepted, schedulesKept, gaps);
        }

        foreach (var request in open)
        {
            var given = granted.GetValueOrDefault(request.Id) ?? [];
            if (given.SequenceEqual(request.Turns))
            {
                continue;
            }

            var updated = request.Next(given.Count == 0 ? ChargingRequestStatus.Waiting : ChargingRequestStatus.Scheduled).WithTurns(given);
            Replace(updated);
            notices.Add(new ChargingNotice(request.Turn is null ? ChargingNoticeKind.TurnScheduled : ChargingNoticeKind.TurnMoved, updated));
        }

        foreach (var started in startedRequests)
        {
            var current = started.Turn!;
            var later = keptLater[started.Id];
            if (started.CanMove && nextTurns?.GetValueOrDefault(started.Id) is { Count: > 0 } offered)
            {
                foreach (var turn in offered.OrderBy(t => t.Window.Start))
                {
                    if (later.Count == 0 && turn.ChargerId == current.ChargerId && turn.Window.Start == current.Window.Start)
                    {
                        // The running turn, longer: the car stays where it is.
                        var end = turn.Window.End < started.Window.End ? turn.Window.End : started.Window.End;
                        if (end > current.Window.End)
                        {
                            var running = LoadOf(started.Id, current);
                            accepted.Remove(running);
                            var longer = current with { Window = new TimeWindow(current.Window.Start, end) };
                            var load = LoadOf(started.Id, longer);
                            if (Fits(accepted, load))
                            {
                                accepted.Add(load);
                                current = longer;
                            }
                            else
                            {
                                accepted.Add(running);
                            }
                        }

                        continue;
                    }

                    var last = later.Count > 0 ? later[^1] : current;
                    if (Fit(started, turn, now) is { } fitted && fitted.Window.Start >= last.Window.End && Fits(accepted, LoadOf(started.Id, fitted)))
                    {
                        accepted.Add(LoadOf(started.Id, fitted));
                        later.Add(fitted);
                    }
                }
            }

            var held = Held(started.Id, [current, .. later], accepted, schedulesKept, gaps);
            (current, later) = (held[0], held.Skip(1).ToList());
            if (current != started.Turn || !later.SequenceEqual(started.LaterTurns))
            {
                var updated = started.WithTurns([current, .. later]) with
                {
                    Revision = started.Revision + 1,
                    MoveNoticeSent = started.MoveNoticeSent && current == started.Turn,
                };
                Replace(updated);
                notices.Add(new ChargingNotice(ChargingNoticeKind.TurnMoved, updated));
            }
        }

        PowerGaps(gaps, accepted, schedulesKept, now);
        _plan = summary.Applied(
            number: (_plan?.Number ?? 0) + 1,
            turns: _requests.Count(r => r.Status is ChargingRequestStatus.Scheduled or ChargingRequestStatus.Called or ChargingRequestStatus.Charging),
            waiting: _requests.Count(r => r.Status == ChargingRequestStatus.Waiting));
        _power = schedulesKept;
        _version++;
        return notices;
    }

    /// <summary>
    /// <paramref name="turns"/> (a request's, in time order) with each turn that follows one on the same charger, nobody
    /// else holding that charger between, joined to it: one hold from plug-in to unplug, its two power schedules joined
    /// with 0 kW between, so the driver is never told to move the car only to plug it in again where it was. Only turns
    /// the plan powered are joined, each schedule ending with its turn (without one a turn draws its charger's rating,
    /// which the gap must not). <paramref name="accepted"/> and <paramref name="power"/> take the hold in place of the two;
    /// each gap joins <paramref name="gaps"/>, to be powered (<see cref="PowerGaps"/>) once every turn is in.
    /// </summary>
    private List<ChargingTurn> Held(string requestId, List<ChargingTurn> turns, List<Load> accepted, List<TurnPowerSchedule> power, List<Gap> gaps)
    {
        var result = new List<ChargingTurn>(turns);
        var i = 0;
        while (i + 1 < result.Count)
        {
            var (first, next) = (result[i], result[i + 1]);
            var before = power.Find(p => p.RequestId == requestId && p.ChargerId == first.ChargerId && p.Window.End == first.Window.End);
            var after = power.Find(p => p.RequestId == requestId && p.ChargerId == next.ChargerId && p.Window.Start == next.Window.Start);
            if (next.ChargerId != first.ChargerId || before is null || after is null || before == after
                || accepted.Exists(a => a.Turn.ChargerId == first.ChargerId && a.Turn.Window.Start < next.Window.Start && a.Turn.Window.End > first.Window.End))
            {
                i++;
                continue;
            }

            PowerStep[] gap = first.Window.End < next.Window.Start ? [new PowerStep(first.Window.End, 0)] : [];
            var schedule = before with { Window = new TimeWindow(before.Window.Start, after.Window.End), Steps = [.. before.Steps, .. gap, .. after.Steps] };
            var hold = first with { Window = new TimeWindow(first.Window.Start, next.Window.End) };
            accepted.RemoveAll(a => a.Turn == first || a.Turn == next);
            accepted.Add(new Load(hold, KwOf(hold.ChargerId), schedule));
            power.Remove(before);
            power.Remove(after);
            power.Add(schedule);
            if (first.Window.End < next.Window.Start)
            {
                gaps.Add(new Gap(requestId, hold, new TimeWindow(first.Window.End, next.Window.Start)));
            }

            result[i] = hold;
            result.RemoveAt(i + 1);
        }

        return result;
    }

    /// <summary>The stretch between two turns of one request joined into one hold, where the car waits plugged in.</summary>
    private sealed record Gap(string RequestId, ChargingTurn Hold, TimeWindow Window);

    /// <summary>
    /// Gives each joined hold's gap the power the feed has left there, once every turn of the plan is in (so no turn
    /// the plan gives anyone is pushed out for it): from the gap's start on, in each stretch where the other turns' draw
    /// is constant, as much as the charger's rating, the feed left (<see cref="PlannableKw"/> less every other accepted
    /// turn's draw, and likewise on each phase it loads) and what the car still needs beyond what its schedules give it
    /// from now allow. What the plan left unused in the gap is what a car that stays plugged in can take; it never takes
    /// a share any turn was given.
    /// </summary>
    private void PowerGaps(List<Gap> gaps, List<Load> accepted, List<TurnPowerSchedule> power, DateTimeOffset now)
    {
        foreach (var gap in gaps)
        {
            var request = _requests.Find(r => r.Id == gap.RequestId);
            var index = accepted.FindIndex(a => a.Turn == gap.Hold);
            var from = gap.Window.Start < now ? now : gap.Window.Start;
            if (request is null || index < 0 || accepted[index].Schedule is not { } schedule || from >= gap.Window.End)
            {
                continue;
            }

            var planned = power.Where(p => p.RequestId == gap.RequestId && p.Window.End > now).Sum(p => KwhOf(p, now < p.Window.Start ? p.Window.Start : now, p.Window.End));
            var left = request.RemainingKwh - planned;
            var others = accepted.Where((a, i) => i != index && a.Turn.Window.Overlaps(gap.Window)).ToList();
            var rating = KwOf(gap.Hold.ChargerId);
            var cuts = others.SelectMany(a => a.Changes()).Where(t => t > from && t < gap.Window.End).Distinct().Order().Append(gap.Window.End);
            var steps = new List<PowerStep>();
            var at = from;
            foreach (var cut in cuts)
            {
                var hours = (cut - at).TotalHours;
                var room = PlannableKw - others.Sum(a => a.KwAt(at));
                var phase = PhaseOf(gap.Hold.ChargerId);
                for (var p = 0; p < 3; p++)
                {
                    // Each phase the charger loads keeps its own limit too (a single-phase charger takes it all from one).
                    var share = ChargingSchedules.Share(phase, p);
                    if (share > 0)
                    {
                        room = Math.Min(room, (PhaseRoomKw(p) - others.Sum(a => ChargingSchedules.Share(PhaseOf(a.Turn.ChargerId), p) * a.KwAt(at))) / share);
                    }
                }

                var kw = left > BehindToleranceKwh && hours > 0 ? Math.Max(0, Math.Min(rating, Math.Min(room, left / hours))) : 0;
                kw = Math.Floor(kw * 1000) / 1000;
                steps.Add(new PowerStep(at, kw));
                left -= kw * hours;
                at = cut;
            }

            if (steps.All(step => step.Kw <= 0))
            {
                continue;
            }

            // The schedule's own steps before and after the gap stay; the gap's one 0 kW step gives way to the new ones.
            var before = schedule.Steps.Where(step => step.Start < from).ToList();
            var after = schedule.Steps.Where(step => step.Start >= gap.Window.End).ToList();
            var powered = schedule with { Steps = [.. before, .. steps, .. after] };
            power[power.IndexOf(schedule)] = powered;
            accepted[index] = accepted[index] with { Schedule = powered };
        }
    }

    /// <summary>
    /// Whether <paramref name="load"/> fits beside the accepted turns: its charger free, the feed kept at every instant, in
    /// total and on each phase (<see cref="PhaseRoomKw"/>), so a plan that overloads one phase while the total looks fine
    /// loses the turns that would overload it (they wait) rather than have the chargers' profiles scaled down.
    /// </summary>
    private bool Fits(List<Load> accepted, Load load)
    {
        var slack = load.Schedule is null ? KwSlack : ProfileSlackKw;
        if (accepted.Any(a => a.Turn.ChargerId == load.Turn.ChargerId && a.Turn.Window.Overlaps(load.Turn.Window))
            || PeakWith(accepted, load) > PlannableKw + slack)
        {
            return false;
        }

        // With every charger on all three phases each phase carries a third of the total, which the check above keeps
        // (unless the area sets a phase limit below that third).
        if (PlannablePhaseKw is null)
        {
            return true;
        }

        var phase = PhaseOf(load.Turn.ChargerId);
        for (var p = 0; p < 3; p++)
        {
            if (ChargingSchedules.Share(phase, p) > 0
                && PeakWith(accepted, load, a => ChargingSchedules.Share(PhaseOf(a.Turn.ChargerId), p)) > PhaseRoomKw(p) + slack)
            {
                return false;
            }
        }

        // The imbalance limit: no phase may carry more than that above another at any instant of the turn (a turn on all
        // three phases changes no difference; one on a single phase raises its own above the other two).
        if (_definition?.PhaseImbalanceKw is { } imbalance)
        {
            for (var p = 0; p < 3; p++)
            {
                for (var q = 0; q < 3; q++)
                {
                    if (p != q && ChargingSchedules.Share(phase, p) > ChargingSchedules.Share(phase, q)
                        && PeakWith(accepted, load, a => ChargingSchedules.Share(PhaseOf(a.Turn.ChargerId), p) - ChargingSchedules.Share(PhaseOf(a.Turn.ChargerId), q)) > imbalance + slack)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>The phase a charger loads, from the area's definition (three-phase when it does not say).</summary>
    private ChargerPhase PhaseOf(string chargerId) =>
        _definition?.Chargers.FirstOrDefault(c => c.ChargerId == chargerId)?.Phase ?? ChargerPhase.Three;

    /// <summary>What each phase of the feed may carry: the area's phase limit, or a third of the site capacity.</summary>
    private double PhaseCapacityKw => _definition?.PhaseCapacityKw(SiteCapacityKw) ?? SiteCapacityKw / 3;

    /// <summary>
    /// What phase <paramref name="p"/> (0, 1, 2 for L1, L2, L3) has for planned turns: the area's phase limit (a third of
    /// the site capacity unless it sets one), as the chargers' profiles count it (<see cref="ChargingSchedules.WithinFeed"/>),
    /// less what non-complying chargers draw on it.
    /// </summary>
    private double PhaseRoomKw(int p) =>
        Math.Max(0, PhaseCapacityKw - _chargers.Values.Where(c => c.Overdrawing).Sum(c => ChargingSchedules.Share(PhaseOf(c.ChargerId), p) * c.PowerKw));

    /// <summary>
    /// The least room any phase has for planned turns (<see cref="PhaseRoomKw"/>) when one of the area's chargers loads a
    /// single phase or the area sets a phase limit or an imbalance limit; null otherwise (the total then says it all).
    /// </summary>
    public double? PlannablePhaseKw =>
        _definition is { } area && (area.Chargers.Any(c => c.Phase != ChargerPhase.Three) || area.PhaseLimitKw is not null || area.PhaseImbalanceKw is not null)
            ? Enumerable.Range(0, 3).Min(PhaseRoomKw) : null;

    /// <summary>The area's limit on how much one phase may carry above another (kW); null for none.</summary>
    public double? PhaseImbalanceKw => _definition?.PhaseImbalanceKw;

    /// <summary>
    /// The turns of <paramref name="turns"/> that fit the request (see <see cref="Fit"/>), in time order, none
    /// overlapping the one before; a driver who cannot come back gets the first only (held until departure).
    /// </summary>
    private List<ChargingTurn> FitAll(ChargingRequest request, IReadOnlyList<ChargingTurn> turns, DateTimeOffset now)
    {
        var result = new List<ChargingTurn>();
        foreach (var turn in turns.OrderBy(t => t.Window.Start))
        {
            if (Fit(request, turn, now) is { } fitted && (result.Count == 0 || fitted.Window.Start >= result[^1].Window.End))
            {
                result.Add(fitted);
            }

            if (!request.CanMove && result.Count > 0)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>
    /// Puts <paramref name="pseudonym"/> in place of a driver who left the compound on every request of theirs; the plate
    /// goes too, except on a request whose car is still plugged in. Returns how many requests changed.
    /// </summary>
    public int Anonymise(string residentId, string pseudonym)
    {
        var changed = 0;
        for (var i = 0; i < _requests.Count; i++)
        {
            if (_requests[i] is { } r && r.ResidentId == residentId)
            {
                var plugged = r.PluggedAt is not null && r.UnpluggedAt is null;
                _requests[i] = r with { ResidentId = pseudonym, Plate = plugged ? r.Plate : string.Empty };
                changed++;
            }
        }

        if (changed > 0)
        {
            _version++;
        }

        return changed;
    }

    /// <summary>Drops the finished requests that ended before <paramref name="cutoff"/> (the compound's retention period); returns how many.</summary>
    public int Forget(DateTimeOffset cutoff) =>
        _requests.RemoveAll(r => !r.IsActive && (r.EndedAt ?? r.CreatedAt) < cutoff && (r.PluggedAt is null || r.UnpluggedAt is not null));

    /// <summary>Drops finished requests older than the history the area keeps, and the oldest beyond the number it keeps.</summary>
    public void Prune(DateTimeOffset now, ChargingPolicy policy)
    {
        static bool Finished(ChargingRequest r) => !r.IsActive && (r.PluggedAt is null || r.UnpluggedAt is not null);
        _requests.RemoveAll(r => Finished(r) && (r.EndedAt ?? r.CreatedAt) < now - policy.History);
        if (_requests.Count(Finished) > policy.MaxFinishedKept)
        {
            var dropped = _requests.Where(Finished)
                .OrderByDescending(r => r.EndedAt ?? r.CreatedAt)
                .Skip(Math.Max(0, policy.MaxFinishedKept))
                .Select(r => r.Id)
                .ToHashSet(StringComparer.Ordinal);
            _requests.RemoveAll(r => dropped.Contains(r.Id));
        }

        _power.RemoveAll(p => p.Window.End <= now);
        foreach (var id in _behindReplannedAt.Where(p => now - p.Value >= policy.BehindReplanEvery).Select(p => p.Key).ToList())
        {
            _behindReplannedAt.Remove(id);
        }
    }

    private ChargingTurn? Fit(ChargingRequest request, ChargingTurn turn, DateTimeOffset now)
    {
        if (!_chargers.TryGetValue(turn.ChargerId, out var charger) || !charger.IsUsable || charger.Overdrawing
            || Definition?.Chargers.FirstOrDefault(c => c.ChargerId == turn.ChargerId) is not { } definition)
        {
            return null;
        }

        var start = turn.Window.Start < now ? now : turn.Window.Start;
        var end = request.CanMove ? turn.Window.End : request.Window.End;
        if (start < request.Window.Start)
        {
            start = request.Window.Start;
        }

        if (end > request.Window.End)
        {
            end = request.Window.End;
        }

        return end > start ? new ChargingTurn(turn.ChargerId, new TimeWindow(start, end), definition.SpaceId) : null;
    }

    private double KwOf(string chargerId) => _chargers.TryGetValue(chargerId, out var c) ? c.MaxKw : 0;

    private bool IsOverdrawing(string chargerId) => _chargers.TryGetValue(chargerId, out var c) && c.Overdrawing;

    /// <summary>
    /// What the car of <paramref name="requestId"/> may draw in its turn now, as the last plan gives it (the schedule
    /// the chargers are sent, the charger's rating where the plan gave none); null when the request has no turn.
    /// </summary>
    public TurnDraw? DrawOf(string requestId)
    {
        if (_requests.Find(r => r.Id == requestId) is not { Turn: { } turn })
        {
            return null;
        }

        return new TurnDraw(turn, KwOf(turn.ChargerId),
            _power.FirstOrDefault(p => p.RequestId == requestId && p.ChargerId == turn.ChargerId && p.Window.Overlaps(turn.Window)));
    }

    /// <summary>The feed left for planning: the site capacity less what non-complying chargers draw.</summary>
    public double PlannableKw => Math.Max(0, SiteCapacityKw - _chargers.Values.Where(c => c.Overdrawing).Sum(c => c.PowerKw));

    /// <summary>A turn's draw over time, as <see cref="TurnDraw"/> reads the plan.</summary>
    private sealed record Load(ChargingTurn Turn, double RatingKw, TurnPowerSchedule? Schedule)
    {
        private TurnDraw Draw => new(Turn, RatingKw, Schedule);

        public double KwAt(DateTimeOffset instant) => Draw.KwAt(instant);

        /// <summary>The instants at which the draw may change.</summary>
        public IEnumerable<DateTimeOffset> Changes() => Draw.Changes();
    }

    /// <summary>
    /// The highest total power of the accepted turns and <paramref name="load"/> at any instant of its turn; with
    /// <paramref name="weight"/>, each turn's power times its weight (its charger's share of one phase).
    /// </summary>
    private static double PeakWith(List<Load> accepted, Load load, Func<Load, double>? weight = null)
    {
        var window = load.Turn.Window;
        var overlapping = accepted.Where(a => a.Turn.Window.Overlaps(window)).Append(load).ToList();
        var weights = overlapping.Select(a => weight?.Invoke(a) ?? 1).ToList();
        var instants = overlapping.SelectMany(a => a.Changes()).Where(window.Contains).Append(window.Start).Distinct();
        return instants.Max(t => overlapping.Select((a, i) => weights[i] == 0 ? 0 : weights[i] * a.KwAt(t)).Sum());
    }

    private static (ChargingRequest Request, ChargingNoticeKind Kind, bool Replan)? Step(ChargingRequest r, DateTimeOffset now, ChargingPolicy policy)
    {
        switch (r.Status)
        {
            case ChargingRequestStatus.Scheduled when r.Turn!.Window.Start <= now:
                return (r.Next(ChargingRequestStatus.Called), ChargingNoticeKind.PlugInNow, false);
            case ChargingRequestStatus.Called when NoShowDeadline(r.Turn!, policy) <= now:
                return (r.Next(ChargingRequestStatus.NoShow) with { EndedAt = now, LaterTurns = [] }, ChargingNoticeKind.NoShow, true);
            case ChargingRequestStatus.Charging when r.Turn!.Window.End <= now && r.HasNextTurn:
                // Move the car; it is called again at its next turn.
                return (r.ToNextTurn(), ChargingNoticeKind.TurnEnded, false);
            case ChargingRequestStatus.Charging when r.Turn!.Window.End <= now:
                return (r.Next(ChargingRequestStatus.Completed) with { EndedAt = r.Turn.Window.End, LaterTurns = [] }, ChargingNoticeKind.TurnEnded, false);
            case ChargingRequestStatus.Charging when !r.MoveNoticeSent && r.Turn!.Window.End - policy.MoveNotice <= now:
                return (r with { MoveNoticeSent = true, Revision = r.Revision + 1 }, ChargingNoticeKind.TurnEndingSoon, false);
            case ChargingRequestStatus.Waiting when r.Window.End <= now:
                return (r.Next(ChargingRequestStatus.Expired) with { EndedAt = now }, ChargingNoticeKind.Expired, false);
            default:
                return null;
        }
    }

    private void Replace(ChargingRequest request)
    {
        var index = _requests.FindIndex(r => r.Id == request.Id);
        _requests[index] = request;
    }
}

/// <summary>
/// A <see cref="ChargingAreaBook"/> as the area grain stores it. The field ids and types are those the book itself
/// was stored with before it kept its collections private, so state stored then loads as a snapshot.
/// </summary>
[GenerateSerializer]
public sealed record ChargingAreaSnapshot(
    [Id(0)] ChargingAreaDefinition? Definition,
    [Id(1)] double? SiteCapacityOverrideKw,
    [Id(2)] List<ChargingRequest> Requests,
    [Id(3)] Dictionary<string, ChargerSnapshot> Chargers,
    [Id(4)] PlanSummary? Plan,
    [Id(5)] long Version,
    [Id(6)] string CompoundId)
{
    // Init-only members are stored in internal fields: the codec is generated in Parking.Grains (InternalsVisibleTo).
    [Id(7)] internal List<TurnPowerSchedule>? _powerSchedules;

    /// <summary>The last plan's power per turn; null in state stored before it was kept.</summary>
    public List<TurnPowerSchedule>? PowerSchedules { get => _powerSchedules; init => _powerSchedules = value; }

    // The order was stored as its wire name (id 8) until it became the enum (id 10): the name is still read, never written.
    [Id(8)] internal string? _objectiveOrderName;
    [Id(9)] internal double? _minimumNeedKwh;
    [Id(10)] internal ChargingObjectiveOrder? _objectiveOrder;

    /// <summary>
    /// The objective order; from its wire name in state stored before it was kept as the enum; null in state stored
    /// before it was kept at all, or under a name this build does not know (least share first).
    /// </summary>
    public ChargingObjectiveOrder? ObjectiveOrder
    {
        get => _objectiveOrder ?? (ChargingObjectiveOrders.TryParse(_objectiveOrderName, out var order) ? order : null);
        init => (_objectiveOrder, _objectiveOrderName) = (value, null);
    }

    /// <summary>The minimum need per driver (kWh) of minimum-need-first; null when not set.</summary>
    public double? MinimumNeedKwh { get => _minimumNeedKwh; init => _minimumNeedKwh = value; }

    [Id(11)] internal Dictionary<string, List<ChargerSnapshot>>? _readings;

    /// <summary>
    /// Each charging charger's recent reports (<see cref="ChargingAreaBook.RecentReadings"/>), oldest first; null in
    /// state stored before they were kept.
    /// </summary>
    public Dictionary<string, List<ChargerSnapshot>>? Readings { get => _readings; init => _readings = value; }

    [Id(12)] internal Dictionary<string, DateTimeOffset>? _behindReplannedAt;

    /// <summary>
    /// When a meter report last found each running car behind its turn and asked for a re-plan (within the policy's
    /// spacing); null in state stored before it was kept, or when there is none.
    /// </summary>
    public Dictionary<string, DateTimeOffset>? BehindReplannedAt { get => _behindReplannedAt; init => _behindReplannedAt = value; }

    /// <summary>An area not configured yet: what storage starts from when nothing was stored.</summary>
    public ChargingAreaSnapshot()
        : this(null, null, [], new(StringComparer.Ordinal), null, 0, string.Empty)
    {
    }
}
