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
/// start, no-shows, move notices, turn ends), then does its work; whatever changes what is possible (a new
/// or cancelled request, a no-show, an early finish, a fault or recovery, a new site capacity) is followed
/// by a re-plan within the policy's solve budget, run off the grain's scheduler. Turns already started stay
/// put. After each change the area is stored, drivers hear their notices, staff watching the area get it
/// whole, and a timer on the domain clock is set for the next thing due; a reminder wakes the area while
/// turns are pending, should its silo go.
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

        await ScheduleWake();
    }

    public async Task Reload()
    {
        var (compoundId, areaId) = CompoundScopedKey.Of(this);
        var definition = (await GrainFactory.Compound(compoundId).GetChargingAreas()).FirstOrDefault(a => a.AreaId == areaId);
        var advanced = Book.Advance(Now, _policy);
        var redefined = Book.Redefine(definition);
        await Commit(Merge(advanced, redefined), force: redefined != AreaChange.None);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    /// <summary>Only ended entries go, so what callers see now does not change; a failed write drops the activation, as elsewhere.</summary>
    public async Task<int> ForgetBefore(DateTimeOffset cutoff)
    {
        var removed = Book.Forget(cutoff);
        if (removed > 0)
        {
            state.State = Book.Snapshot();
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                DeactivateOnIdle();
                throw;
            }
        }

        return removed;
    }

    public async Task<Outcome<ChargingRequest>> Submit(string residentId, ChargingRequestDraft draft)
    {
        var advanced = Book.Advance(Now, _policy);
        var outcome = Book.Submit(residentId, draft, _policy, Now, Guid.NewGuid());
        if (!outcome.IsSuccess)
        {
            await Commit(advanced);
            return outcome;
        }

        await Commit(advanced with { Replan = true });
        var request = Book.Requests.First(r => r.Id == outcome.Value!.Id);
        if (request.Status == ChargingRequestStatus.Waiting)
        {
            GrainFactory.Publish(new ChargingNoticePush(new ChargingNotice(ChargingNoticeKind.Waiting, request)));
        }

        return request;
    }

    public async Task<Outcome<ChargingRequest>> Cancel(string requestId, Actor actor)
    {
        var advanced = Book.Advance(Now, _policy);
        var outcome = Book.Cancel(requestId, actor, Now);
        if (outcome.IsSuccess)
        {
            await Commit(Merge(advanced, outcome.Value.Change));
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
        return [.. Book.Requests.Where(r => r.ResidentId == residentId).OrderByDescending(r => r.CreatedAt)];
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
        await Commit(advanced, force: true);
        await Commit(new AreaChange([], Replan: true));
        return Book.View(Now);
    }

    public async Task<Outcome<ChargingAreaView>> SetObjective(string? order, double? minimumNeedKwh)
    {
        var advanced = Book.Advance(Now, _policy);
        var outcome = Book.SetObjective(order, minimumNeedKwh);
        await Commit(advanced);
        if (!outcome.IsSuccess)
        {
            return outcome.Error!;
        }

        await Commit(new AreaChange([], Replan: true));
        return Book.View(Now);
    }

    public async Task<string?> ChargerReported(ChargerSnapshot charger)
    {
        if (!Book.IsConfigured || !Book.Chargers.ContainsKey(charger.ChargerId))
        {
            return null;
        }

        var before = Book.Chargers[charger.ChargerId];
        var advanced = Book.Advance(Now, _policy);
        var reported = Book.ChargerReported(charger, Now, _policy);
        var change = Merge(advanced, reported);
        if (change.Replan && ((charger.Overdrawing && !before.Overdrawing) || ChargerRules.IsFault(before.Status, charger.Status)))
        {
            // The feed's safety first, as for a lower site capacity: a charger that draws above its profile (its draw now
            // a fixed load) or went out of service changes what the others may draw at once, so they get the turns they
            // have now, fitted to what is left of the feed, before the planner runs; the new plan's profiles follow.
            await Commit(change with { Replan = false }, force: true);
            await Commit(new AreaChange([], Replan: true));
        }
        else
        {
            await Commit(change, force: true);
        }

        return Book.Requests.FirstOrDefault(r => r.Turn?.ChargerId == charger.ChargerId && r.PluggedAt is not null && r.UnpluggedAt is null)?.Id;
    }

    public async Task Tick() => await Commit(Book.Advance(Now, _policy));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await Tick();
        if (Book.NextDue(_policy) is null)
        {
            await Wake.Forget();
        }
    }

    private static AreaChange Merge(AreaChange first, AreaChange second) =>
        new([.. first.Notices, .. second.Notices], first.Replan || second.Replan);

    /// <summary>
    /// Re-plans if asked (and again while a re-plan's own notices, such as a turn that starts at once, call
    /// for it), stores the area, then tells drivers and staff. Nothing is pushed that was not stored.
    /// </summary>
    private async Task Commit(AreaChange change, bool force = false)
    {
        if (!Book.IsConfigured)
        {
            return;
        }

        var notices = new List<ChargingNotice>(change.Notices);
        var began = Stopwatch.GetTimestamp();
        var replans = 0;
        if (change.Replan)
        {
            notices = Collapse([.. notices, .. await Replan()]);
            replans++;
            var after = Book.Advance(Now, _policy);
            notices.AddRange(after.Notices);
            if (after.Replan)
            {
                notices = Collapse([.. notices, .. await Replan()]);
                replans++;
            }
        }

        var planned = Stopwatch.GetTimestamp();

        if (notices.Count == 0 && !change.Replan && !force)
        {
            return;
        }

        Book.Prune(Now, _policy);
        try
        {
            state.State = Book.Snapshot();
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // The book in memory is ahead of storage: drop this activation so the next one reloads what
            // was stored, and let the caller see the failure.
            LogWriteFailed(exception, this.GetPrimaryKeyString());
            DeactivateOnIdle();
            throw;
        }

        foreach (var notice in notices)
        {
            GrainFactory.Publish(new ChargingNoticePush(notice));
        }

        var view = Book.View(Now);
        GrainFactory.Publish(new ChargingAreaChangedPush(view));

        // The chargers hear their share of the plan (their charging profiles) from the area's distributor.
        GrainFactory.GetGrain<Ocpp.IAreaProfilesGrain>(this.GetPrimaryKeyString()).PlanChanged(view, Book.PowerSchedules).Ignore();
        LogCommitted(this.GetPrimaryKeyString(), replans, Stopwatch.GetElapsedTime(began, planned).TotalMilliseconds, Stopwatch.GetElapsedTime(planned).TotalMilliseconds);
        await ScheduleWake();
    }

    /// <summary>Several notices about one request in one change: the driver needs the last state of each kind once.</summary>
    private static List<ChargingNotice> Collapse(List<ChargingNotice> notices)
    {
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

    private async Task<IReadOnlyList<ChargingNotice>> Replan()
    {
        var input = Book.PlanningInput(Now, _policy);

        // CP-SAT works on its own threads; keep this grain's scheduler free of the solve.
        var plan = await Task.Run(() => TurnPlanner.PlanArea(input, _policy, _utcOffset));
        var (turns, summary) = (plan.Turns, plan.Summary);
        LogPlanned(this.GetPrimaryKeyString(), summary.Algorithm, summary.Status, summary.SolveTime.TotalMilliseconds, turns.Count, input.Open.Count);
        return Book.ApplyPlan(turns, summary, Now, plan.PowerSchedules);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Committed charging area {AreaKey}: {Replans} re-plans in {PlanMilliseconds:0} ms, then stored and published in {PublishMilliseconds:0} ms")]
    private partial void LogCommitted(string areaKey, int replans, double planMilliseconds, double publishMilliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store charging area {AreaKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string areaKey);
}
