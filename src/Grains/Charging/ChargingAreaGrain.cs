using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Charging;
using Parking.Domain.Sharing;
using Parking.Grains.Notifications;
using TurnPlanner = Parking.Planning.Charging.TurnPlanner;

namespace Parking.Grains.Charging;

/// <summary>
/// The single writer of one charging area. Every call first moves the area to the domain clock's now (turns
/// start, no-shows, move notices, turn ends), then does its work, stores it and answers; whatever changes what
/// is possible (a new or cancelled request, a no-show, an early finish, a fault or recovery, a new site
/// capacity) asks for a re-plan, which the area's planner loop makes in the background within the policy's
/// solve budget (the solve off the grain's scheduler, everything else on it). Changes that arrive while a solve
/// runs are planned together by the next one, so a caller never waits behind re-plans, and a burst of requests
/// costs one or two solves. A plan is applied to the area as it is when the solve ends (turns for requests
/// withdrawn meanwhile are dropped, every turn is checked against the chargers and feed of that moment), so
/// the plan and the turns drivers were told stay one. Turns already started stay put. After each change the
/// area is stored, drivers hear their notices, staff watching the area get it whole, and a timer on the domain
/// clock is set for the next thing due; a reminder wakes the area while turns are pending, should its silo go
/// (and an activation with waiting requests plans again, so a request stored but not yet planned is not lost).
/// </summary>
public sealed partial class ChargingAreaGrain(
    [PersistentState("charging-area", GrainKeys.StorageName)] IPersistentState<ChargingAreaSnapshot> state,
    IOptions<ChargingPolicy> policyOptions,
    IOptions<SharingPolicy> sharingOptions,
    ParkingClock time,
    ILogger<ChargingAreaGrain> logger) : Grain, IChargingAreaGrain, IRemindable
{
    private const string WakeReminder = "charging-wake";

    private readonly ChargingPolicy _policy = policyOptions.Value;

    /// <summary>The compound's local time: quiet hours are read in it.</summary>
    private readonly TimeSpan _utcOffset = sharingOptions.Value.UtcOffset;
    private DeadlineWake? _wake;
    private ChargingAreaBook? _book;

    // The planner loop: a re-plan asked while one runs sets the flag, and the loop plans again once for all of them.
    private bool _replanPending;
    private Task? _planner;
    private bool _deactivating;

    // Writes and reminder updates from calls and from the planner loop (which interleaves with calls at its awaits) go
    // one at a time; each write stores the whole book and publishes every notice gathered before it.
    private Task? _writing;
    private readonly List<ChargingNotice> _unpublished = [];

    // Requests stored but not in a plan yet: their drivers hear "waiting" if the next plan has no turn for them.
    private readonly HashSet<string> _unplanned = new(StringComparer.Ordinal);

    /// <summary>The area as callers see it, restored from the stored snapshot when the grain activates.</summary>
    private ChargingAreaBook Book => _book ?? throw new InvalidOperationException("The charging area is not activated.");

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (compoundId, areaId) = CompoundScopedKey.Of(this);
        _book = ChargingAreaBook.Restore(state.State, compoundId);
        var areas = await GrainFactory.Compound(compoundId).GetChargingAreas();
        var definition = areas.FirstOrDefault(a => a.AreaId == areaId);
        if (!Book.IsConfigured)
        {
            if (definition is not null && Book.Configure(definition))
            {
                state.State = Book.Snapshot();
                await state.WriteStateAsync(cancellationToken);
            }
        }
        else if (Book.Redefine(definition) is { } redefined && redefined != AreaChange.None)
        {
            // The compound file changed while the area slept: its chargers follow the file before anything else.
            await Commit(redefined, force: true);
        }

        await Exclusive(ScheduleWake);
        if (Book.IsConfigured && Book.HasWaiting)
        {
            // A request may have been stored and acknowledged just before the last activation ended, unplanned.
            PlanSoon();
        }
    }

    public async Task Reload()
    {
        var (compoundId, areaId) = CompoundScopedKey.Of(this);
        var definition = (await GrainFactory.Compound(compoundId).GetChargingAreas()).FirstOrDefault(a => a.AreaId == areaId);
        var advanced = Book.Advance(Now, _policy);
        var redefined = Book.Redefine(definition);
        await Commit(advanced.Then(redefined), force: redefined != AreaChange.None);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A solve still running is dropped when it ends; the next activation plans again from what was stored.
        _deactivating = true;
        _wake?.Stop();
        return Task.CompletedTask;
    }

    /// <summary>Only ended entries go, so what callers see now does not change; a failed write drops the activation, as elsewhere.</summary>
    /// <remarks>Stored through the one writer: the planner loop may be storing at the same moment.</remarks>
    public Task<int> ForgetBefore(DateTimeOffset cutoff) => PersistentStateExtensions.WriteIfChangedAsync(Book.Forget(cutoff), Store);

    public Task<int> Anonymise(string residentId, string pseudonym) => PersistentStateExtensions.WriteIfChangedAsync(Book.Anonymise(residentId, pseudonym), Store);

    public async Task<Outcome<ChargingRequest>> Submit(string residentId, ChargingRequestDraft draft)
    {
        var advanced = Book.Advance(Now, _policy);
        var outcome = Book.Submit(residentId, draft, _policy, Now, Guid.NewGuid());
        if (!outcome.IsSuccess)
        {
            await Commit(advanced);
            return outcome;
        }

        // Stored and answered at once, waiting; the planner loop gives it a turn (the driver hears of it), or the
        // driver hears that it waits.
        _unplanned.Add(outcome.Value!.Id);
        await Commit(advanced with { Replan = true });
        return Book.Requests.First(r => r.Id == outcome.Value!.Id);
    }

    public async Task<Outcome<ChargingRequest>> Cancel(string requestId, Actor actor)
    {
        var advanced = Book.Advance(Now, _policy);
        var outcome = Book.Cancel(requestId, actor, Now);
        if (outcome.IsSuccess)
        {
            await Commit(advanced.Then(outcome.Value.Change));
            return outcome.Value.Request;
        }

        await Commit(advanced);
        return outcome.Error!;
    }

    public async Task<Outcome<ChargingRequest>> GetRequest(string requestId, Actor actor)
    {
        await Commit(Book.Advance(Now, _policy));
        return Book.Find(requestId, actor);
    }

    public async Task<IReadOnlyList<ChargingRequest>> GetRequestsOf(string residentId)
    {
        await Commit(Book.Advance(Now, _policy));
        return Book.RequestsOf(residentId);
    }

    public async Task<ChargingAreaView?> GetView()
    {
        if (!Book.IsConfigured)
        {
            return null;
        }

        await Commit(Book.Advance(Now, _policy));
        return Book.View(Now);
    }

    public async Task<Outcome<ChargingAreaView>> SetSiteCapacity(double siteCapacityKw)
    {
        var advanced = Book.Advance(Now, _policy);
        var outcome = Book.SetSiteCapacity(siteCapacityKw);
        if (!outcome.IsSuccess)
        {
            await Commit(advanced);
            return outcome.Error!;
        }

        // The feed's safety first: the new capacity is stored and the chargers get the turns they have now, scaled
        // into the new feed, at once; the re-plan (which may take the planner's whole budget) follows with the
        // profiles of the new plan.
        await Commit(advanced with { Replan = true }, force: true);
        return Book.View(Now);
    }

    public async Task<Outcome<ChargingAreaView>> SetObjective(string? order, double? minimumNeedKwh)
    {
        var advanced = Book.Advance(Now, _policy);
        var outcome = Book.SetObjective(order, minimumNeedKwh);
        if (!outcome.IsSuccess)
        {
            await Commit(advanced);
            return outcome.Error!;
        }

        await Commit(advanced with { Replan = true }, force: true);
        return Book.View(Now);
    }

    public async Task<string?> ChargerReported(ChargerSnapshot charger)
    {
        if (!Book.IsConfigured || !Book.Chargers.ContainsKey(charger.ChargerId))
        {
            return null;
        }

        var advanced = Book.Advance(Now, _policy);
        var reported = Book.ChargerReported(charger, Now, _policy);

        // Committed at once (forced), whatever the report: a charger that draws above its profile (its draw now a fixed
        // load) or went out of service changes what the others may draw, so they get the turns they have now, fitted to
        // what is left of the feed, before the planner runs; the new plan's profiles follow.
        await Commit(advanced.Then(reported), force: true);

        return Book.PluggedInAt(charger.ChargerId);
    }

    public async Task Tick() => await Commit(Book.Advance(Now, _policy));

    public async Task<ChargingAreaView?> WhenPlanned()
    {
        // Interleaves with other calls: it only waits for the planner loop, then reads.
        while (_planner is { } planner)
        {
            await planner;
        }

        return Book.IsConfigured ? Book.View(Now) : null;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await Tick();
        await Exclusive(async () =>
        {
            if (Book.NextDue(_policy) is null)
            {
                await Wake.Forget();
            }
        });
    }

    /// <summary>
    /// Stores the area with the change's notices and publishes them, and asks the planner loop for a re-plan if the
    /// change calls for one (without waiting for it). Nothing is pushed that was not stored.
    /// </summary>
    private async Task Commit(AreaChange change, bool force = false)
    {
        if (!Book.IsConfigured)
        {
            return;
        }

        _unpublished.AddRange(change.Notices);
        if (change.Notices.Count > 0 || change.Replan || force)
        {
            await Store();
        }

        if (change.Replan)
        {
            PlanSoon();
        }
    }

    /// <summary>
    /// Writes the whole book, then publishes the notices gathered up to the write, the area's view as written and the
    /// chargers' profiles, and sets the wake-up for the next thing due. One at a time (see <see cref="Exclusive"/>).
    /// </summary>
    private Task Store() => Exclusive(async () =>
    {
        var began = Stopwatch.GetTimestamp();
        Book.Prune(Now, _policy);
        state.State = Book.Snapshot();
        var notices = AreaChange.Collapse(_unpublished);
        _unpublished.Clear();
        var view = Book.View(Now);
        IReadOnlyList<TurnPowerSchedule> power = [.. Book.PowerSchedules];
        await state.WriteOrDeactivateAsync(this, exception => LogWriteFailed(exception, this.GetPrimaryKeyString()));

        foreach (var notice in notices)
        {
            GrainFactory.Publish(new ChargingNoticePush(notice));
        }

        GrainFactory.Publish(new ChargingAreaChangedPush(view));

        // The chargers hear their share of the plan (their charging profiles) from the area's distributor.
        GrainFactory.AreaProfiles(CompoundScopedKey.Of(this).CompoundId, CompoundScopedKey.Of(this).LocalId).PlanChanged(view, power).Ignore();
        LogCommitted(this.GetPrimaryKeyString(), Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        await ScheduleWake();
    });

    /// <summary>
    /// Runs <paramref name="work"/> (a write, and the reminder it sets or removes) with no other such work in flight:
    /// calls and the planner loop interleave at their awaits, and two writes (or two reminder updates) at once would
    /// conflict. Everything here runs on the grain's one thread, so the wait ends with nothing in flight and the new
    /// work is marked at once.
    /// </summary>
    private async Task Exclusive(Func<Task> work)
    {
        while (_writing is { } inFlight)
        {
            await inFlight;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writing = done.Task;
        try
        {
            await work();
        }
        finally
        {
            _writing = null;
            done.SetResult();
        }
    }

    /// <summary>Asks for a re-plan: starts the planner loop, or leaves the flag for the loop already running.</summary>
    private void PlanSoon()
    {
        _replanPending = true;
        _planner ??= PlanWhilePending();
    }

    /// <summary>
    /// The planner loop: while a re-plan is asked, take what is open now, solve off the grain's scheduler, apply the
    /// plan to the area as it is then, and store. Runs on the grain's scheduler between calls; ends when nothing is asked.
    /// </summary>
    private async Task PlanWhilePending()
    {
        // Leave the call that started the loop first: it answers without waiting for the solve.
        await Task.Yield();
        try
        {
            while (_replanPending && !_deactivating)
            {
                _replanPending = false;
                var planning = _unplanned.ToList();
                var notices = new List<ChargingNotice>(await Replan());
                if (_deactivating)
                {
                    return;
                }

                _unplanned.ExceptWith(planning);
                notices.AddRange(Book.StillWaiting(planning));

                // A turn the plan starts at once (or a no-show meanwhile) may call for another plan.
                var after = Book.Advance(Now, _policy);
                notices.AddRange(after.Notices);
                _replanPending |= after.Replan;
                _unpublished.AddRange(notices);
                await Store();
            }
        }
        catch (Exception exception)
        {
            // The write failed (the activation is going) or the planner threw: the next activation plans again.
            LogPlannerFailed(exception, this.GetPrimaryKeyString());
        }
        finally
        {
            _planner = null;
        }
    }

    private async Task<IReadOnlyList<ChargingNotice>> Replan()
    {
        var input = Book.PlanningInput(Now, _policy);

        // CP-SAT works on its own threads; keep this grain's scheduler free of the solve.
        var plan = await Task.Run(() => TurnPlanner.PlanArea(input, _policy, _utcOffset));
        var (turns, summary) = (plan.AllTurns, plan.Summary);
        LogPlanned(this.GetPrimaryKeyString(), summary.Algorithm, summary.Status, summary.SolveTime.TotalMilliseconds, turns.Count, input.Open.Count);
        return Book.ApplyPlan(turns, summary, Now, plan.PowerSchedules, plan.NextTurns);
    }

    /// <summary>A timer on the domain clock for the next thing due, and a reminder while anything is due at all.</summary>
    private Task ScheduleWake()
    {
        var self = this.AsReference<IChargingAreaGrain>();
        return Wake.Schedule(Book.NextDue(_policy), () => self.Tick());
    }

    private DeadlineWake Wake => _wake ??= new DeadlineWake(this, time, WakeReminder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Planned charging area {AreaKey} with {Algorithm} ({Status}) in {Milliseconds:0} ms: {Turns} turns for {Open} open requests")]
    private partial void LogPlanned(string areaKey, string algorithm, AreaPlanStatus status, double milliseconds, int turns, int open);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored and published charging area {AreaKey} in {Milliseconds:0} ms")]
    private partial void LogCommitted(string areaKey, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The planner loop of charging area {AreaKey} stopped; the next activation plans again")]
    private partial void LogPlannerFailed(Exception exception, string areaKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store charging area {AreaKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string areaKey);
}
