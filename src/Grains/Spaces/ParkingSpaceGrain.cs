using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Credits;
using Parking.Domain.History;
using Parking.Domain.Sharing;
using Parking.Grains.Gates;
using Parking.Grains.History;
using Parking.Grains.Notices;
using Parking.Grains.Notifications;

namespace Parking.Grains.Spaces;

/// <summary>
/// The only writer of one space's calendar: every booking of the space passes through this activation,
/// one at a time, so two reservations can never overlap and no database lock is needed. After each
/// change it persists the calendar, then reports the new availability to its lot (the index and the
/// lot's watchers) and the changed reservations to their residents and to the history.
/// </summary>
[CompoundPlacement]
public sealed partial class ParkingSpaceGrain(
    [PersistentState("space", GrainKeys.StorageName)] IPersistentState<SpaceCalendar> state,
    [PersistentState("space-archive", GrainKeys.StorageName)] IPersistentState<ArchiveIndex> archive,
    [PersistentState("space-recent", GrainKeys.StorageName)] IPersistentState<RecentCalendarChanges> recent,
    IOptions<ReservationPolicy> policyOptions,
    IOptions<SharingPolicy> sharingOptions,
    IOptions<CreditPolicy> creditOptions,
    ParkingClock time,
    IReservationHistory history,
    ILogger<ParkingSpaceGrain> logger) : Grain, IParkingSpaceGrain, IRemindable
{
    private const string NoShowReminder = "no-show-sweep";

    /// <summary>How soon a space reports again to a lot that did not take its change (a little beyond failure detection).</summary>
    private static readonly TimeSpan LotReportRetry = TimeSpan.FromSeconds(2);

    private readonly ReservationPolicy _policy = policyOptions.Value;
    private readonly SharingPolicy _sharing = sharingOptions.Value;
    private readonly CreditPolicy _credits = creditOptions.Value;
    private DeadlineWake? _noShowWake;
    private IGrainTimer? _lotRetry;
    private IParkingSpaceGrain? _self;

    /// <summary>The whole calendar as storage holds it (state <c>space</c>), to which the changes since are written apart.</summary>
    private StoredCalendar _stored = null!;

    /// <summary>
    /// Bookings that started by this time were warned of a coming no-show by this activation. Held in memory only: a new
    /// activation warns again of those whose grace still runs, and the inbox takes a notice id once, so nothing is
    /// written per booking for the warning.
    /// </summary>
    private DateTimeOffset _warnedThrough = DateTimeOffset.MinValue;

    private SpaceCalendar Calendar => state.State;

    private ParkingSpace Space => new(state.State, _policy);

    private DateTimeOffset Now => time.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored = StoredCalendar.Of(Calendar);
        if (recent.RecordExists)
        {
            Calendar.Replay(recent.State);
        }

        if (Calendar.Definition is not null)
        {
            // What storage holds may be news to the lot: an earlier activation can have stored a change and died (its
            // silo killed) before its report reached the lot, and the lot, still alive, rebuilds from its spaces only
            // when it activates itself. So a space tells its lot its stored picture once it is active (a report the
            // lot already has is ignored by version). From a timer, not awaited here: a lot rebuilding calls its
            // spaces, and would wait on this activation while it waited on the lot. Retried as any report the lot did
            // not take.
            _lotRetry = this.RegisterGrainTimer(RetryReportToLot, new GrainTimerCreationOptions(TimeSpan.Zero, LotReportRetry));
        }

        return Task.CompletedTask;
    }

    public async Task Configure(SpaceDefinition definition)
    {
        if (Calendar.Configure(definition))
        {
            await Commit([]);
        }
        else
        {
            await ReportToLot();
        }
    }

    /// <summary>
    /// Decides the booking, charges the driver's household (the ledger refuses if they cannot pay, and then
    /// nothing changes), then stores it. Should the store fail, the charge is refunded.
    /// </summary>
    public async Task<Outcome<Reservation>> Reserve(ReserveCommand command)
    {
        var compoundId = Calendar.Definition?.CompoundId ?? string.Empty;
        var change = await Space.Reserve(command, _credits, Now, command.RequestId ?? Guid.NewGuid(), async payment =>
            (await PayerLedger(compoundId, payment.Payer).Charge(payment.ReservationId, payment.Payee, payment.Amount, payment.Window, LedgerKind.Booking)).Error);
        try
        {
            // The resident's grain that asked records the new booking from the answer: no update is sent it.
            var made = command.ResidentRecords && change.Outcome.Value is { Replayed: false } decided ? decided.Reservation.Id : null;
            await Apply(change, residentKnows: made);
        }
        catch when (change.Outcome.Value is { Replayed: false, Payment: { } paid } made)
        {
            PayerLedger(compoundId, paid.Payer).Refund(made.Reservation.Id).Ignore();
            throw;
        }

        return change.Outcome.Value is { } booked ? booked.Reservation : change.Outcome.Error!;
    }

    /// <summary>Cancels; the booking is refunded in full if cancelled early enough (<see cref="CreditPolicy.RefundNotice"/>) or by staff.</summary>
    public async Task<Outcome<Reservation>> Cancel(string reservationId, Actor actor)
    {
        var outcome = await OrArchived(await Apply(Space.Cancel(reservationId, actor, Now)), reservationId, actor, checkOut: false);
        if (outcome.Value is { } cancelled && _credits.RefundsCancellation(cancelled, actor, Now))
        {
            await RefundQuietly(cancelled);
        }

        return outcome;
    }

    public async Task<Outcome<Reservation>> CheckIn(string reservationId, Actor actor) =>
        await OrArchived(await Apply(Space.CheckIn(reservationId, actor, Now)), reservationId, actor, checkOut: false);

    public async Task<Outcome<Reservation>> CheckOut(string reservationId, Actor actor)
    {
        var wasFlagged = Calendar.Overstays.Contains(reservationId);
        var outcome = await OrArchived(await Apply(Space.CheckOut(reservationId, actor, Now)), reservationId, actor, checkOut: true);
        if (wasFlagged && outcome.Value is { } done)
        {
            GrainFactory.OverstayRegistry(done.CompoundId).Clear(done.Id).Ignore();
        }

        return outcome;
    }

    public async Task<Outcome<Reservation>> GetReservation(string reservationId, Actor actor)
    {
        await ReleaseNoShows();
        var found = Calendar.Find(reservationId, actor);
        if (found.Error?.Code == "reservation-not-found" && await FindArchived(reservationId) is { } archived)
        {
            return SpaceCalendar.Visible(archived, actor);
        }

        return found;
    }

    public async Task Anonymise(string residentId, string pseudonym)
    {
        await StoreLeavingNoCopy(Calendar.Anonymise(residentId, pseudonym));

        // And the finished bookings already moved to the archive chunks: staff read those by id too.
        if (Calendar.Definition is { } definition && archive.State.Chunks.Count > 0)
        {
            await ReservationArchive.Anonymise(archive.State, n => GrainFactory.OfSpace(definition.CompoundId, definition.SpaceId, n), residentId, pseudonym);
        }
    }

    /// <summary>A command the calendar answered "not found" for: if the reservation is in the archive, the refusal it would have had.</summary>
    private async Task<Outcome<Reservation>> OrArchived(Outcome<Reservation> outcome, string reservationId, Actor actor, bool checkOut) =>
        outcome.Error?.Code == "reservation-not-found" && await FindArchived(reservationId) is { } archived
            ? SpaceCalendar.Refusal(archived, actor, checkOut)
            : outcome;

    private async Task<Reservation?> FindArchived(string reservationId) =>
        archive.State.Chunks.Count == 0 || Calendar.Definition is not { } definition
            ? null
            : await ReservationArchive.Find(archive.State.Chunks, n => GrainFactory.OfSpace(definition.CompoundId, definition.SpaceId, n), reservationId);

    /// <summary>
    /// Moves the oldest finished reservations to an archive chunk (the newest one while it has room) once enough have
    /// finished, and clears the chunks past the space's history period, so the calendar written on every booking stays
    /// bounded. The chunk is stored, then the index of chunks (state <c>space-archive</c>, written only here), then the
    /// calendar that no longer holds it: a failure in between leaves its reservations in the calendar too, to be
    /// archived again (see <see cref="ReservationArchive.Archive"/>). A failure here costs nothing but a larger calendar
    /// until the next write.
    /// </summary>
    private async Task ArchiveFinished()
    {
        if (Calendar.Definition is not { } definition)
        {
            return;
        }

        try
        {
            var index = archive.State;
            var expired = index.Expired(Now - _policy.SpaceHistory);
            var chunk = Calendar.ChunkToArchive();
            if (chunk is null && expired.Count == 0)
            {
                return;
            }

            foreach (var old in expired)
            {
                await GrainFactory.OfSpace(definition.CompoundId, definition.SpaceId, old.Number).Clear();
                index.Dropped(old);
            }

            if (chunk is not null)
            {
                await ReservationArchive.Archive(index, n => GrainFactory.OfSpace(definition.CompoundId, definition.SpaceId, n), chunk);
            }

            await archive.WriteStateAsync();
            if (chunk is not null)
            {
                Calendar.Archived(chunk);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogArchiveFailed(exception, this.GetPrimaryKeyString());
        }
    }

    /// <summary>
    /// Only ended entries go, from the calendar and from its archive chunks, so what callers see now does not change; a
    /// failed write of the calendar drops the activation, as elsewhere.
    /// </summary>
    public async Task<int> ForgetBefore(DateTimeOffset cutoff)
    {
        var removed = await StoreLeavingNoCopy(Calendar.Forget(cutoff));

        // And from the archive chunks of finished reservations (their index is written only when one went).
        if (Calendar.Definition is { } definition)
        {
            var archived = await ReservationArchive.ForgetBefore(archive.State, n => GrainFactory.OfSpace(definition.CompoundId, definition.SpaceId, n), cutoff);
            if (archived > 0)
            {
                await archive.WriteStateAsync();
                removed += archived;
            }
        }

        return removed;
    }

    public Task<Outcome<bool>> SetOutOfService(bool outOfService) => Apply(Space.SetOutOfService(outOfService));

    public Task<Outcome<SpaceAdmin>> GetAdmin() =>
        Task.FromResult<Outcome<SpaceAdmin>>(Calendar.IsConfigured ? Admin([]) : DomainError.NotFound("space-not-found", "No such parking space."));

    public async Task<Outcome<SpaceAdmin>> Redefine(SpaceDefinition definition, SpaceDefinition expected)
    {
        var change = Space.Redefine(definition, expected);
        if (!change.Outcome.IsSuccess)
        {
            return change.Outcome.Error!;
        }

        if (change.StateChanged)
        {
            // The space is the single writer of its definition: stored here first, then in the compound's
            // layout (which a lot reads when it rebuilds its index), then the lot and its watchers hear of it.
            await Apply(change);
            await GrainFactory.Compound(definition.CompoundId).UpdateSpace(definition);
        }

        return Admin([]);
    }

    public Task<Outcome<SpaceAdmin>> SetService(bool outOfService) => Block(outOfService, leavesLayout: false);

    public Task<Outcome<SpaceAdmin>> LeaveLayout() => Block(true, leavesLayout: true);

    private async Task<Outcome<SpaceAdmin>> Block(bool outOfService, bool leavesLayout)
    {
        var outcome = await Apply(Space.SetService(outOfService, Now, leavesLayout));
        if (outcome.Value is not { } broken)
        {
            return outcome.Error!;
        }

        // Staff blocked the space: its drivers get every credit back, and a new home if one is free.
        await RefundAndMove(broken, BrokenBookingReason.Blocked);
        return Admin(broken);
    }

    private SpaceAdmin Admin(IReadOnlyList<Reservation> cancelled) => new(
        Calendar.Definition!,
        Calendar.OutOfService,
        [.. Calendar.Reservations.Where(r => r.IsActive).OrderBy(r => r.Window.Start)],
        cancelled,
        Calendar.Version);

    public async Task<Outcome<SpaceSharing>> PublishSharing(SharingPlan plan, SharingPublisher publisher)
    {
        var now = Now;
        var outcome = await Apply(Space.PublishSharing(plan, publisher.HouseholdId, now, _sharing.WithdrawalNotice));
        if (outcome.Value is not { } change)
        {
            return outcome.Error!;
        }

        // The owner broke these bookings: their drivers get every credit back (a move is a new booking).
        await RefundAndMove(change.Broken, BrokenBookingReason.Withdrawn);
        return View(now) with { BrokenNow = change.Broken.Count };
    }

    public Task<Outcome<SpaceSharing>> GetSharing() =>
        Task.FromResult<Outcome<SpaceSharing>>(Calendar.IsConfigured
            ? View(Now)
            : DomainError.NotFound("space-not-found", "No such parking space."));

    public async Task<int> ReleaseNoShows()
    {
        var sweep = Space.Sweep(Now);
        if (sweep.Changed.Count > 0)
        {
            LogNoShows(sweep.Changed.Count, this.GetPrimaryKeyString());
        }

        await Apply(sweep);
        ReportOverstays(sweep.Outcome.Value!);
        WarnOfNoShows();
        await ScheduleNoShowSweep();
        return sweep.Changed.Count;
    }

    /// <summary>
    /// Warns each driver whose booking has started without them while the grace period runs (one notice per booking,
    /// sent one way: the inbox keeps it once by its id).
    /// </summary>
    private void WarnOfNoShows()
    {
        var now = Now;
        foreach (var reservation in Calendar.NoShowWarningsDue(_warnedThrough, now, _policy))
        {
            var notice = NoticeTexts.NoShowWarning(reservation, reservation.Window.Start + _policy.GracePeriod, now, _sharing.UtcOffset);
            GrainFactory.NoticeInbox(notice.CompoundId, notice.UserId).Deliver(notice).Ignore();
        }

        _warnedThrough = now;
    }

    /// <summary>Staff hear of each overstaying car; the next driver on the space is moved if a space is free, and told either way.</summary>
    private void ReportOverstays(IReadOnlyList<Reservation> overstays)
    {
        foreach (var overstay in overstays)
        {
            var next = Calendar.NextWaiting(overstay, Now + _sharing.OverstayLookahead);
            LogOverstay(overstay.Id, next?.Id ?? "(none)");
            GrainFactory.OverstayRegistry(overstay.CompoundId).Flag(overstay).Ignore();
            GrainFactory.Publish(new OverstayPush(overstay, next));
            if (next is not null)
            {
                GrainFactory.SharingMover().MoveAway(next, Calendar.Definition!.Kind).Ignore();
            }
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _noShowWake?.Stop();
        return Task.CompletedTask;
    }

    public Task<SpaceAvailability?> GetAvailability() =>
        Task.FromResult(Calendar.IsConfigured ? Calendar.Snapshot(Now) : null);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await ReleaseNoShows();
        if (NextWake() is null)
        {
            await NoShowWake.Forget();
        }
    }

    /// <summary>The change is stored: a refund that fails is logged, not undone (the ledger's refund can be retried, it is per reservation).</summary>
    private async Task RefundQuietly(Reservation reservation)
    {
        try
        {
            // Bookings made by earlier builds do not name their payer; their compound-wide ledger still knows it.
            var payer = reservation.PaidBy ?? await GrainFactory.Ledger(reservation.CompoundId).PayerOf(reservation.Id);
            if (payer is not null)
            {
                await PayerLedger(reservation.CompoundId, payer).Refund(reservation.Id);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRefundFailed(exception, reservation.Id);
        }
    }

    private IHouseholdLedgerGrain PayerLedger(string compoundId, string payerAccount) =>
        Accounts.TryHouseholdOf(payerAccount, out var household)
            ? GrainFactory.HouseholdLedger(compoundId, household)
            : throw new InvalidOperationException($"Only a household pays for a booking, not '{payerAccount}'.");

    private SpaceSharing View(DateTimeOffset now) => new(
        Calendar.Definition!,
        Calendar.Sharing,
        Calendar.SharingRecord,
        Calendar.Sharing?.Expand(new TimeWindow(now, now.AddDays(7))) ?? [],
        Booked: Calendar.Reservations.Count(r => r.IsActive && r.Window.End > now));

    /// <summary>Stores what a decision changed (also when it refused the command but released no-shows), then tells who must hear.</summary>
    private async Task<Outcome<T>> Apply<T>(SpaceChange<T> change, string? residentKnows = null)
    {
        if (change.StateChanged)
        {
            await Commit(change.Changed, residentKnows);
        }

        return change.Outcome;
    }

    /// <summary>Bookings a staff block or an owner's withdrawal broke: every credit back, then a move to another space if one is free.</summary>
    private async Task RefundAndMove(IReadOnlyList<Reservation> broken, BrokenBookingReason reason)
    {
        foreach (var cancelled in broken)
        {
            await RefundQuietly(cancelled);
        }

        // Moving a driver asks other spaces and the driver's resident grain: not from inside this turn.
        var mover = GrainFactory.SharingMover();
        foreach (var cancelled in broken)
        {
            mover.MoveBroken(cancelled, Calendar.Definition!.Kind, reason).Ignore();
        }
    }

    /// <summary>
    /// Stores the calendar, then tells the lot, the history, the push hub, the plate index and the residents of the
    /// changed reservations; not the resident of <paramref name="residentKnows"/>, whose grain made it and records it.
    /// </summary>
    private async Task Commit(IReadOnlyList<Reservation> changed, string? residentKnows = null)
    {
        Calendar.Prune(Now, _policy);
        await ArchiveFinished();
        await StoreCalendar();

        // Only what is stored becomes history. Append queues and returns: no I/O is awaited here.
        foreach (var reservation in changed)
        {
            history.Append(ReservationEvent.Of(reservation));
        }

        // The changed reservations' pushes go with the report to the lot, which hands them to the notifier with its own.
        await ReportToLot([.. changed.Select(r => (Push)new ReservationChangedPush(r))]);

        foreach (var reservation in changed)
        {
            if (!string.Equals(reservation.Id, residentKnows, StringComparison.Ordinal))
            {
                GrainFactory.Resident(reservation.CompoundId, reservation.ResidentId).ReservationUpdated(reservation).Ignore();
            }

            // The gates recognise a booked car by its plate.
            if (reservation.Plate is not null)
            {
                GrainFactory.PlateIndex(reservation.CompoundId).Track(reservation).Ignore();
            }
        }

        await ScheduleNoShowSweep();
    }

    /// <summary>
    /// Stores the calendar: only the reservations changed since it was last stored whole (state <c>space-recent</c>),
    /// while they are few and nothing else changed, else the whole calendar under a version of its own (which makes the
    /// changes stored before it stale). The calendar in memory may get ahead of storage: a failed write drops this
    /// activation, so the next one reloads what was really stored, and the caller sees the failure.
    /// </summary>
    private async Task StoreCalendar(bool whole = false)
    {
        if (!whole && _stored.ChangesTo(Calendar) is { } changes)
        {
            recent.State = changes;
            await recent.WriteOrDeactivateAsync(this, WriteFailed);
            return;
        }

        Calendar.StoringWhole(_stored.Version);
        await state.WriteOrDeactivateAsync(this, WriteFailed);
        _stored = StoredCalendar.Of(Calendar);
    }

    /// <summary>
    /// A resident forgotten or anonymised (<paramref name="changed"/> reservations): the whole calendar is stored, and
    /// stale changes stored apart (made from an earlier whole calendar, ignored but still in storage) are emptied, so no
    /// copy of what was removed stays in storage.
    /// </summary>
    private async Task<int> StoreLeavingNoCopy(int changed)
    {
        if (changed > 0)
        {
            await StoreCalendar(whole: true);
        }

        if (recent.State.Changed.Count > 0 && recent.State.BaseVersion != _stored.Version)
        {
            recent.State = new RecentCalendarChanges { BaseVersion = _stored.Version, Version = _stored.Version };
            await recent.WriteOrDeactivateAsync(this, WriteFailed);
        }

        return changed;
    }

    private void WriteFailed(Exception exception) => LogWriteFailed(exception, this.GetPrimaryKeyString());

    /// <summary>
    /// Reports the space's picture to its lot, with <paramref name="pushes"/> for the lot to publish alongside its own
    /// change; should the lot not take the report, the space publishes them itself.
    /// </summary>
    private async Task ReportToLot(IReadOnlyList<Push>? pushes = null)
    {
        if (Calendar.Definition is not { } definition)
        {
            GrainFactory.PublishAll(pushes ?? []);
            return;
        }

        try
        {
            await GrainFactory.Lot(definition.CompoundId, definition.LotId).SpaceChanged(Calendar.Snapshot(Now), pushes ?? []);
            _lotRetry?.Dispose();
            _lotRetry = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            GrainFactory.PublishAll(pushes ?? []);

            // The change is stored, but the lot's index and its watchers have not seen it (its silo died, say). The
            // space reports its whole picture again shortly, and again until the lot takes it: a report is
            // idempotent, and a lot rebuilt meanwhile already has this picture and ignores it.
            LogLotReportFailed(exception, this.GetPrimaryKeyString());
            _lotRetry ??= this.RegisterGrainTimer(RetryReportToLot, new GrainTimerCreationOptions(LotReportRetry, LotReportRetry));
        }
    }

    private Task RetryReportToLot(CancellationToken cancellationToken) => ReportToLot();

    /// <summary>
    /// Releases no-shows, flags overstays and warns drivers whose booking started without them, each at its time, and wakes the space again if it was
    /// deactivated or its silo died, so a no-show is never left holding the space.
    /// </summary>
    private DeadlineWake NoShowWake => _noShowWake ??= new DeadlineWake(this, time, NoShowReminder);

    private Task ScheduleNoShowSweep()
    {
        // Made once per activation: every booking schedules, and casting the reference each time showed in the profile.
        var self = _self ??= this.AsReference<IParkingSpaceGrain>();
        return NoShowWake.Schedule(NextWake(), () => self.ReleaseNoShows());
    }

    /// <summary>The next no-show deadline, overstay or no-show warning of the space; null if nothing is due.</summary>
    private DateTimeOffset? NextWake() => Calendar.NextWake(_policy, _warnedThrough);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reservation {ReservationId} overstays; next booking on the space: {Next}")]
    private partial void LogOverstay(string reservationId, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} no-show reservation(s) on space {SpaceKey}")]
    private partial void LogNoShows(int count, string spaceKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the calendar of space {SpaceKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string spaceKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not refund reservation {ReservationId}; retry the refund")]
    private partial void LogRefundFailed(Exception exception, string reservationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not archive the finished reservations of space {SpaceKey}; they stay in its calendar until the next write")]
    private partial void LogArchiveFailed(Exception exception, string spaceKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report space {SpaceKey} to its lot index")]
    private partial void LogLotReportFailed(Exception exception, string spaceKey);
}
