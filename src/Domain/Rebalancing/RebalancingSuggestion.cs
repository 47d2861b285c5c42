using System.Globalization;
using System.Text;
using Parking.Domain.Scenarios;

namespace Parking.Domain.Rebalancing;

/// <summary>Key figures of one simulation run (today's layout or the suggested one), same demand and seed.</summary>
[GenerateSerializer, Immutable]
public sealed record SimulatedFigures(
    int Requests,
    int Served,
    int Refused,
    double MeanWaitMinutes,
    double P95WaitMinutes,
    double EnergyDeliveredShare,
    IReadOnlyDictionary<string, int> UnservedByBuilding)
{
    [Id(0)] internal int _requests = Requests;

    public int Requests { get => _requests; init => _requests = value; }

    [Id(1)] internal int _served = Served;

    public int Served { get => _served; init => _served = value; }

    [Id(2)] internal int _refused = Refused;

    public int Refused { get => _refused; init => _refused = value; }

    [Id(3)] internal double _meanWaitMinutes = MeanWaitMinutes;

    public double MeanWaitMinutes { get => _meanWaitMinutes; init => _meanWaitMinutes = value; }

    [Id(4)] internal double _p95WaitMinutes = P95WaitMinutes;

    public double P95WaitMinutes { get => _p95WaitMinutes; init => _p95WaitMinutes = value; }

    [Id(5)] internal double _energyDeliveredShare = EnergyDeliveredShare;

    public double EnergyDeliveredShare { get => _energyDeliveredShare; init => _energyDeliveredShare = value; }

    [Id(6)] internal IReadOnlyDictionary<string, int> _unservedByBuilding = UnservedByBuilding;

    public IReadOnlyDictionary<string, int> UnservedByBuilding { get => _unservedByBuilding; init => _unservedByBuilding = value; }
}

/// <summary>
/// The simulated effect of a suggestion: today's layout and the suggested one simulated for <see cref="Days"/>
/// days with the same demand and seed. <see cref="Stale"/> once staff edited the changes after it was run.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimulatedEffect(
    int Days,
    int Seed,
    SimulatedFigures Today,
    SimulatedFigures Proposed,
    bool Stale)
{
    [Id(0)] internal int _days = Days;

    public int Days { get => _days; init => _days = value; }

    [Id(1)] internal int _seed = Seed;

    public int Seed { get => _seed; init => _seed = value; }

    [Id(2)] internal SimulatedFigures _today = Today;

    public SimulatedFigures Today { get => _today; init => _today = value; }

    [Id(3)] internal SimulatedFigures _proposed = Proposed;

    public SimulatedFigures Proposed { get => _proposed; init => _proposed = value; }

    [Id(4)] internal bool _stale = Stale;

    public bool Stale { get => _stale; init => _stale = value; }
}

/// <summary>
/// One rebalancing suggestion of a compound (the optimizer's suggestion to staff; an owners' vote is a
/// proposal), from the ask to the staff's decision. The optimizer's records (<see cref="SuggestedRetype"/>,
/// <see cref="SuggestedSharing"/>, <see cref="RebalancingFigures"/>) are kept as they are.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RebalancingSuggestion(
    string SuggestionId,
    RebalancingStatus Status,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    RebalancingAsk Ask)
{
    [Id(0)] internal string _suggestionId = SuggestionId;

    public string SuggestionId { get => _suggestionId; init => _suggestionId = value; }

    [Id(2)] internal string _createdBy = CreatedBy;

    public string CreatedBy { get => _createdBy; init => _createdBy = value; }

    [Id(3)] internal DateTimeOffset _createdAt = CreatedAt;

    public DateTimeOffset CreatedAt { get => _createdAt; init => _createdAt = value; }

    [Id(4)] internal RebalancingAsk _ask = Ask;

    public RebalancingAsk Ask { get => _ask; init => _ask = value; }

    // Earlier builds stored the status as its lower-case name under Id(1) and the solve status likewise under
    // Id(12); the enums are stored under Id(24) and Id(25). Such state has only the names, which the properties read.
    [Id(1)]
    internal string? _storedStatusName;

    [Id(24)]
    internal RebalancingStatus? _status = Status;

    [Id(12)]
    internal string? _storedSolveStatusName;

    [Id(25)]
    internal RebalancingSolveStatus? _solveStatus;

    public RebalancingStatus Status
    {
        get => _status ?? (_storedStatusName is { } name ? RebalancingLifecycle.Parse(name) : RebalancingLifecycle.Initial);
        init
        {
            _status = value;
            _storedStatusName = null;
        }
    }

    /// <summary>How far the solve got: optimal, feasible, or fallback (the greedy suggestion); null until it ends.</summary>
    public RebalancingSolveStatus? SolveStatus
    {
        get => _solveStatus ?? (_storedSolveStatusName is { } name ? Enum.Parse<RebalancingSolveStatus>(name, ignoreCase: true) : null);
        init
        {
            _solveStatus = value;
            _storedSolveStatusName = null;
        }
    }

    /// <summary>This suggestion moved to <paramref name="to"/>, if its life cycle allows it (else a programming error).</summary>
    public RebalancingSuggestion MoveTo(RebalancingStatus to) => this with { Status = RebalancingLifecycle.Move(Status, to) };

    /// <summary>
    /// Staff changed the suggested layout: the retypes keep only the spaces still changed (a retype with none
    /// left goes), the model's figures are <paramref name="after"/> (recomputed for the edit), and the simulated
    /// effect, which took minutes to run, is marked stale.
    /// </summary>
    public RebalancingSuggestion Edited(LayoutChanges changes, RebalancingFigures? after, string staffId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var kept = changes.Spaces.Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        return this with
        {
            Changes = changes,
            Retypes = [.. Retypes
                .Select(r => r with { SpaceIds = [.. r.SpaceIds.Where(kept.Contains)] })
                .Where(r => r.SpaceIds.Count > 0)],
            After = after,
            Effect = Effect is { } effect ? effect with { Stale = true } : null,
            EditedBy = staffId,
            EditedAt = now,
        };
    }

    /// <summary>The scenario's description: what the suggestion changes, in one paragraph the committee can read.</summary>
    public string Describe()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Proposed by rebalancing {SuggestionId} ({CreatedBy}, {CreatedAt:yyyy-MM-dd})."));
        foreach (var r in Retypes)
        {
            text.Append(CultureInfo.InvariantCulture, $" {r.LotId}: {r.SpaceIds.Count} {r.From} → {r.To} (+{r.ServedGainPerWeek:0} {r.GainUnit}/week).");
        }

        if (Sharing is { } s)
        {
            text.Append(CultureInfo.InvariantCulture, $" Private spaces shared {s.From:HH\\:mm}–{s.Until:HH\\:mm} (+{s.ServedGainPerWeek:0} space-hours/week).");
        }

        return text.ToString();
    }

    /// <summary>Share of the job done (0–1) while running.</summary>
    [Id(5)] internal double _progress;

    public double Progress { get => _progress; init => _progress = value; }

    [Id(6)] internal LayoutChanges _changes = LayoutChanges.None;

    public LayoutChanges Changes { get => _changes; init => _changes = value; }

    [Id(7)] internal ScenarioRules _rules = ScenarioRules.Live;

    public ScenarioRules Rules { get => _rules; init => _rules = value; }

    [Id(8)] internal IReadOnlyList<SuggestedRetype> _retypes = [];

    public IReadOnlyList<SuggestedRetype> Retypes { get => _retypes; init => _retypes = value; }

    [Id(9)] internal SuggestedSharing? _sharing;

    public SuggestedSharing? Sharing { get => _sharing; init => _sharing = value; }

    [Id(10)] internal RebalancingFigures? _before;

    public RebalancingFigures? Before { get => _before; init => _before = value; }

    [Id(11)] internal RebalancingFigures? _after;

    public RebalancingFigures? After { get => _after; init => _after = value; }

    [Id(13)] internal string? _method;

    public string? Method { get => _method; init => _method = value; }

    [Id(14)] internal double _solveSeconds;

    public double SolveSeconds { get => _solveSeconds; init => _solveSeconds = value; }

    [Id(15)] internal SimulatedEffect? _effect;

    public SimulatedEffect? Effect { get => _effect; init => _effect = value; }

    /// <summary>What the reader should know: demand fell back to synthetic, the simulation was skipped, why it failed.</summary>
    [Id(16)] internal string? _note;

    public string? Note { get => _note; init => _note = value; }

    [Id(17)] internal string? _editedBy;

    public string? EditedBy { get => _editedBy; init => _editedBy = value; }

    [Id(18)] internal DateTimeOffset? _editedAt;

    public DateTimeOffset? EditedAt { get => _editedAt; init => _editedAt = value; }

    [Id(19)] internal string? _decidedBy;

    public string? DecidedBy { get => _decidedBy; init => _decidedBy = value; }

    [Id(20)] internal DateTimeOffset? _decidedAt;

    public DateTimeOffset? DecidedAt { get => _decidedAt; init => _decidedAt = value; }

    [Id(21)] internal string? _scenarioId;

    public string? ScenarioId { get => _scenarioId; init => _scenarioId = value; }

    [Id(22)] internal string? _rejectReason;

    public string? RejectReason { get => _rejectReason; init => _rejectReason = value; }

    /// <summary>The demand the suggestion was made for: <c>synthetic</c> or <c>recorded</c> (after any fallback).</summary>
    [Id(23)] internal string? _demandUsed;

    public string? DemandUsed { get => _demandUsed; init => _demandUsed = value; }
}

/// <summary>
/// A compound's rebalancing suggestions, oldest first, and the numbering of new ones. Each goes through the life
/// cycle of <see cref="RebalancingLifecycle"/>; the checks a command needs (found, ready, running) are made here and
/// a refused command changes nothing. Changes only through its methods.
/// </summary>
[GenerateSerializer]
public sealed class RebalancingState
{
    /// <summary>Suggestions worked out at once per compound: the machine's cores are shared with the live planners.</summary>
    public const int MaxRunning = 2;

    /// <summary>
    /// Whether another suggestion may be worked out while <paramref name="running"/> are (the grain counts its jobs):
    /// at <see cref="MaxRunning"/> it is refused with <c>rebalancing-busy</c>.
    /// </summary>
    public static DomainError? BusyRefused(int running) => running >= MaxRunning
        ? DomainError.Conflict("rebalancing-busy", $"{MaxRunning} proposals are being worked out already; wait for one to finish or cancel it.")
        : null;

    [Id(0)]
    internal List<RebalancingSuggestion> _suggestions = [];

    /// <summary>The suggestions kept, oldest first.</summary>
    public IReadOnlyList<RebalancingSuggestion> Suggestions => _suggestions;

    /// <summary>The suggestion <paramref name="suggestionId"/>, or null.</summary>
    public RebalancingSuggestion? Find(string suggestionId) => _suggestions.FirstOrDefault(p => p.SuggestionId == suggestionId);

    /// <summary>A new suggestion; beyond <paramref name="kept"/>, the oldest that is not running goes.</summary>
    public void Add(RebalancingSuggestion suggestion, int kept)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        _suggestions.Add(suggestion);
        while (_suggestions.Count > kept && _suggestions.FindIndex(p => p.Status != RebalancingStatus.Running) is var oldest and >= 0)
        {
            _suggestions.RemoveAt(oldest);
        }
    }

    /// <summary>A kept suggestion moved on: <paramref name="suggestion"/> takes the place of the one with its id.</summary>
    private void Replace(RebalancingSuggestion suggestion)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        var index = _suggestions.FindIndex(p => p.SuggestionId == suggestion.SuggestionId);
        _suggestions[index] = suggestion;
    }

    [Id(1)]
    public int NextNumber { get; internal set; } = 1;

    /// <summary>
    /// Staff asked for a suggestion: it is numbered (<c>p1</c>, <c>p2</c>, ... never reused), starts running and joins
    /// the list, where beyond <paramref name="kept"/> the oldest one not running goes.
    /// </summary>
    public RebalancingSuggestion Open(RebalancingAsk ask, string staffId, DateTimeOffset now, int kept)
    {
        var suggestion = new RebalancingSuggestion(
            string.Create(CultureInfo.InvariantCulture, $"p{NextNumber}"), RebalancingLifecycle.Initial, staffId, now, ask);
        NextNumber++;
        Add(suggestion, kept);
        return suggestion;
    }

    /// <summary>Suggestions still running when their job was cut off (a silo stopped) fail with a note; returns how many.</summary>
    public int FailInterrupted()
    {
        var interrupted = _suggestions.Where(p => p.Status == RebalancingStatus.Running).ToList();
        foreach (var suggestion in interrupted)
        {
            Replace(suggestion.MoveTo(RebalancingStatus.Failed) with { Note = "The job was cut off (the silo stopped); ask again." });
        }

        return interrupted.Count;
    }

    /// <summary>The suggestion, if it may be edited, accepted or rejected (it is ready); else why not.</summary>
    public Outcome<RebalancingSuggestion> Decidable(string suggestionId)
    {
        var suggestion = Find(suggestionId);
        if (suggestion is null)
        {
            return NotFound(suggestionId);
        }

        return RebalancingLifecycle.CanBeDecided(suggestion.Status)
            ? suggestion
            : DomainError.Conflict("proposal-not-ready", $"Proposal {suggestionId} is {RebalancingLifecycle.Name(suggestion.Status)}; only a ready proposal can be edited, accepted or rejected.");
    }

    /// <summary>The suggestion, if it may be cancelled (it is running); else why not.</summary>
    public Outcome<RebalancingSuggestion> Cancellable(string suggestionId)
    {
        var suggestion = Find(suggestionId);
        if (suggestion is null)
        {
            return NotFound(suggestionId);
        }

        return suggestion.Status == RebalancingStatus.Running
            ? suggestion
            : DomainError.Conflict("proposal-not-running", $"Proposal {suggestionId} is {RebalancingLifecycle.Name(suggestion.Status)}, not running.");
    }

    /// <summary>Staff edited a ready suggestion (see <see cref="RebalancingSuggestion.Edited"/>).</summary>
    public Outcome<RebalancingSuggestion> Edit(string suggestionId, LayoutChanges changes, RebalancingFigures? after, string staffId, DateTimeOffset now) =>
        Decide(suggestionId, s => s.Edited(changes, after, staffId, now));

    /// <summary>Staff accepted a ready suggestion, which became scenario <paramref name="scenarioId"/>.</summary>
    public Outcome<RebalancingSuggestion> Accept(string suggestionId, string scenarioId, string staffId, DateTimeOffset now) =>
        Decide(suggestionId, s => s.MoveTo(RebalancingStatus.Accepted) with { ScenarioId = scenarioId, DecidedBy = staffId, DecidedAt = now });

    /// <summary>Staff rejected a ready suggestion, saying why in 1 to 500 characters.</summary>
    public Outcome<RebalancingSuggestion> Reject(string suggestionId, string reason, string staffId, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            return DomainError.Invalid("reason", "invalid-reason", "Say why, in 1 to 500 characters.");
        }

        return Decide(suggestionId, s => s.MoveTo(RebalancingStatus.Rejected) with { RejectReason = reason.Trim(), DecidedBy = staffId, DecidedAt = now });
    }

    /// <summary>Staff cancelled a running suggestion; <paramref name="progress"/> is how far its job got (null: as stored).</summary>
    public Outcome<RebalancingSuggestion> Cancel(string suggestionId, string staffId, DateTimeOffset now, double? progress)
    {
        var running = Cancellable(suggestionId);
        if (running.Value is not { } suggestion)
        {
            return running;
        }

        var cancelled = suggestion.MoveTo(RebalancingStatus.Cancelled) with { DecidedBy = staffId, DecidedAt = now, Progress = progress ?? suggestion.Progress };
        Replace(cancelled);
        return cancelled;
    }

    /// <summary>
    /// The job of a suggestion ended with <paramref name="done"/> (ready or failed). Kept only while the suggestion
    /// still runs (staff may have cancelled it meanwhile); returns whether it was.
    /// </summary>
    public bool Finished(RebalancingSuggestion done)
    {
        ArgumentNullException.ThrowIfNull(done);
        if (Find(done.SuggestionId) is not { Status: RebalancingStatus.Running })
        {
            return false;
        }

        Replace(done with { Progress = 1 });
        return true;
    }

    private Outcome<RebalancingSuggestion> Decide(string suggestionId, Func<RebalancingSuggestion, RebalancingSuggestion> decision)
    {
        var ready = Decidable(suggestionId);
        if (ready.Value is not { } suggestion)
        {
            return ready;
        }

        var decided = decision(suggestion);
        Replace(decided);
        return decided;
    }

    private static DomainError NotFound(string suggestionId) =>
        DomainError.NotFound("proposal-not-found", $"No rebalancing proposal '{suggestionId}' in this compound.");
}
