using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Credits;
using Parking.Domain.History;
using Parking.Domain.Sharing;
using Parking.Grains.History;
using Parking.Grains.Notifications;

namespace Parking.Grains.Spaces;

/// <summary>
/// The only writer of one space's calendar: every booking of the space passes through this activation,
/// one at a time, so two reservations can never overlap and no database lock is needed. After each
/// change it persists the calendar, then reports the new availability to its lot (the index and the
/// lot's watchers) and the changed reservations to their residents and to the history.
/// </summary>
public sealed partial class ParkingSpaceGrain(
    [PersistentState("space", GrainKeys.StorageName)] IPersistentState<SpaceCalendar> state,
    IOptions<ReservationPolicy> policyOptions,
    IOptions<SharingPolicy> sharingOptions,
    IOptions<CreditPolicy> creditOptions,
    ParkingClock time,
    IReservationHistory history,
    ILogger<ParkingSpaceGrain> logger) : Grain, IParkingSpaceGrain, IRemindable
{
    private const string NoShowReminder = "no-show-sweep";

    private readonly ReservationPolicy _policy = policyOptions.Value;
    private readonly SharingPolicy _sharing = sharingOptions.Value;
    private readonly CreditPolicy _credits = creditOptions.Value;
    private DeadlineWake? _noShowWake;

    private SpaceCalendar Calendar => state.State;

    private DateTimeOffset Now => time.GetUtcNow();

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
        var now = Now;
        var released = Calendar.ReleaseNoShows(now, _policy);
        var prepared = Calendar.Prepare(command, _policy, now, command.RequestId ?? Guid.NewGuid(), out var replayed);
        if (!prepared.IsSuccess || replayed)
        {
            if (released.Count > 0)
            {
                await Commit(released);
            }

            return prepared;
        }

        var reservation = prepared.Value!;
        var definition = Calendar.Definition!;
        var price = _credits.Price(definition, command.Window);
        if (command.HouseholdId is { } household && price > 0)
        {
            var paid = await GrainFactory.Ledger(definition.CompoundId)
                .Charge(reservation.Id, Accounts.Household(household), CreditPolicy.PayeeOf(definition), price, command.Window, LedgerKind.Booking);
            if (!paid.IsSuccess)
            {
                if (released.Count > 0)
                {
                    await Commit(released);
                }

                return paid.Error!;
            }
        }

        Calendar.Add(reservation);
        try
        {
            await Commit([.. released, reservation]);
        }
        catch
        {
            GrainFactory.Ledger(definition.CompoundId).Refund(reservation.Id).Ignore();
            throw;
        }

        return reservation;
    }

    /// <summary>Cancels; the booking is refunded in full if cancelled early enough (<see cref="CreditPolicy.RefundNotice"/>) or by staff.</summary>
    public async Task<Outcome<Reservation>> Cancel(string reservationId, Actor actor)
    {
        var outcome = await Change(now => Calendar.Cancel(reservationId, actor, now));
        if (outcome.Value is { } cancelled && (actor.IsStaff || _credits.RefundsCancellation(cancelled.Window, cancelled.EndedAt ?? Now)))
        {
            await RefundQuietly(cancelled);
        }

        return outcome;
    }

    public Task<Outcome<Reservation>> CheckIn(string reservationId, Actor actor) =>
        Change(now => Calendar.CheckIn(reservationId, actor, now, _policy));

    public async Task<Outcome<Reservation>> CheckOut(string reservationId, Actor actor)
    {
        var wasFlagged = Calendar.Overstays.Contains(reservationId);
        var outcome = await Change(now => Calendar.CheckOut(reservationId, actor, now));
        if (wasFlagged && outcome.Value is { } done)
        {
            GrainFactory.GetGrain<IOverstayRegistryGrain>(done.CompoundId).Clear(done.Id).Ignore();
        }

        return outcome;
    }

    public async Task<Outcome<Reservation>> GetReservation(string reservationId, Actor actor)
    {
        await ReleaseNoShows();
        if (!Calendar.IsConfigured)
        {
            return DomainError.NotFound("space-not-found", "No such parking space.");
        }

        var reservation = Calendar.Reservations.Find(r => r.Id == reservationId);
        if (reservation is null)
        {
            return DomainError.NotFound("reservation-not-found", $"No reservation '{reservationId}'.");
        }

        return actor.MayActOn(reservation) ? reservation : DomainError.Forbidden("The reservation belongs to another resident.");
    }

    public async Task<Outcome<bool>> SetOutOfService(bool outOfService)
    {
        if (!Calendar.IsConfigured)
        {
            return DomainError.NotFound("space-not-found", "No such parking space.");
        }

        if (Calendar.SetOutOfService(outOfService))
        {
            await Commit([]);
        }

        return outOfService;
    }

    public Task<Outcome<SpaceAdmin>> GetAdmin() =>
        Task.FromResult<Outcome<SpaceAdmin>>(Calendar.IsConfigured ? Admin([]) : DomainError.NotFound("space-not-found", "No such parking space."));

    public async Task<Outcome<SpaceAdmin>> Redefine(SpaceDefinition definition, SpaceDefinition expected)
    {
        if (Calendar.IsConfigured && Calendar.Definition != expected)
        {
            return DomainError.Conflict("space-changed", "The space was changed by someone else since it was read; read it again and retry.");
        }

        var changed = Calendar.Redefine(definition);
        if (!changed.IsSuccess)
        {
            return changed.Error!;
        }

        if (changed.Value)
        {
            // The space is the single writer of its definition: stored here first, then in the compound's
            // layout (which a lot reads when it rebuilds its index), then the lot and its watchers hear of it.
            await Commit([]);
            await GrainFactory.Compound(definition.CompoundId).UpdateSpace(definition);
        }

        return Admin([]);
    }

    public async Task<Outcome<SpaceAdmin>> SetService(bool outOfService)
    {
        if (Calendar.Definition is not { } definition)
        {
            return DomainError.NotFound("space-not-found", "No such parking space.");
        }

        var now = Now;
        var released = Calendar.ReleaseNoShows(now, _policy);
        if (!outOfService)
        {
            if (Calendar.SetOutOfService(false) || released.Count > 0)
            {
                await Commit(released);
            }

            return Admin([]);
        }

        var broken = Calendar.Block(now).Value!;
        await Commit([.. released, .. broken]);

        // Staff blocked the space: its drivers get every credit back, and a new home if one is free.
        foreach (var cancelled in broken)
        {
            await RefundQuietly(cancelled);
        }

        var mover = GrainFactory.GetGrain<ISharingMoverGrain>(0);
        foreach (var cancelled in broken)
        {
            mover.MoveBroken(cancelled, definition.Kind, "blocked").Ignore();
        }

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
        if (Calendar.Definition is not { } definition)
        {
            return DomainError.NotFound("space-not-found", "No such parking space.");
        }

        if (publisher.HouseholdId is null || publisher.HouseholdId != definition.OwnerHouseholdId)
        {
            return DomainError.Forbidden("Only the household that owns this space may publish its sharing windows.");
        }

        var now = Now;
        var released = Calendar.ReleaseNoShows(now, _policy);
        var outcome = Calendar.PublishSharing(plan, now, _sharing.WithdrawalNotice);
        if (!outcome.IsSuccess)
        {
            if (released.Count > 0)
            {
                await Commit(released);
            }

            return outcome.Error!;
        }

        var change = outcome.Value!;
        await Commit([.. released, .. change.Broken]);

        // The owner broke these bookings: their drivers get every credit back (a move is a new booking).
        foreach (var broken in change.Broken)
        {
            await RefundQuietly(broken);
        }

        // Moving a driver asks other spaces and the driver's resident grain: not from inside this turn.
        var mover = GrainFactory.GetGrain<ISharingMoverGrain>(0);
        foreach (var broken in change.Broken)
        {
            mover.MoveBroken(broken, definition.Kind, "withdrawn").Ignore();
        }

        return View(now) with { BrokenNow = change.Broken.Count };
    }

    public Task<Outcome<SpaceSharing>> GetSharing() =>
        Task.FromResult<Outcome<SpaceSharing>>(Calendar.IsConfigured
            ? View(Now)
            : DomainError.NotFound("space-not-found", "No such parking space."));

    public async Task<int> ReleaseNoShows()
    {
        var released = Calendar.ReleaseNoShows(Now, _policy);
        var overstays = Calendar.FlagOverstays(Now);
        if (released.Count > 0 || overstays.Count > 0)
        {
            if (released.Count > 0)
            {
                LogNoShows(released.Count, this.GetPrimaryKeyString());
            }

            await Commit(released);
            ReportOverstays(overstays);
        }

        return released.Count;
    }

    /// <summary>Staff hear of each overstaying car; the next driver on the space is moved if a space is free, and told either way.</summary>
    private void ReportOverstays(IReadOnlyList<Reservation> overstays)
    {
        foreach (var overstay in overstays)
        {
            var next = Calendar.NextWaiting(overstay, Now + _sharing.OverstayLookahead);
            LogOverstay(overstay.Id, next?.Id ?? "(none)");
            GrainFactory.GetGrain<IOverstayRegistryGrain>(overstay.CompoundId).Flag(overstay).Ignore();
            GrainFactory.GetGrain<IPushNotifierGrain>(0).Publish(new OverstayPush(overstay, next)).Ignore();
            if (next is not null)
            {
                GrainFactory.GetGrain<ISharingMoverGrain>(0).MoveAway(next, Calendar.Definition!.Kind).Ignore();
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
        if (Calendar.NextNoShowDeadline(_policy) is null && Calendar.NextOverstayDeadline() is null)
        {
            await NoShowWake.Forget();
        }
    }

    /// <summary>The change is stored: a refund that fails is logged, not undone (the ledger's refund can be retried, it is per reservation).</summary>
    private async Task RefundQuietly(Reservation reservation)
    {
        try
        {
            await GrainFactory.Ledger(reservation.CompoundId).Refund(reservation.Id);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRefundFailed(exception, reservation.Id);
        }
    }

    private SpaceSharing View(DateTimeOffset now) => new(
        Calendar.Definition!,
        Calendar.Sharing,
        Calendar.SharingRecord,
        Calendar.Sharing?.Expand(new TimeWindow(now, now.AddDays(7))) ?? [],
        Booked: Calendar.Reservations.Count(r => r.IsActive && r.Window.End > now));

    private async Task<Outcome<Reservation>> Change(Func<DateTimeOffset, Outcome<Reservation>> command)
    {
        var now = Now;

        // A reservation past its grace period is released before anything else is decided,
        // whether or not the timer has fired yet.
        var released = Calendar.ReleaseNoShows(now, _policy);
        var outcome = command(now);
        if (outcome.IsSuccess)
        {
            await Commit([.. released, outcome.Value!]);
        }
        else if (released.Count > 0)
        {
            await Commit(released);
        }

        return outcome;
    }

    private async Task Commit(IReadOnlyList<Reservation> changed)
    {
        Calendar.Prune(Now, _policy);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // The calendar in memory is ahead of storage: drop this activation so the next one reloads
            // what was really stored, and let the caller see the failure. Nothing half-written is kept.
            LogWriteFailed(exception, this.GetPrimaryKeyString());
            DeactivateOnIdle();
            throw;
        }

        // Only what is stored becomes history. Append queues and returns: no I/O is awaited here.
        foreach (var reservation in changed)
        {
            history.Append(ReservationEvent.Of(reservation));
        }

        await ReportToLot();

        var notifier = GrainFactory.GetGrain<IPushNotifierGrain>(0);
        foreach (var reservation in changed)
        {
            GrainFactory.Resident(reservation.CompoundId, reservation.ResidentId).ReservationUpdated(reservation).Ignore();
            notifier.Publish(new ReservationChangedPush(reservation)).Ignore();

            // The gates recognise a booked car by its plate.
            if (reservation.Plate is not null)
            {
                GrainFactory.GetGrain<Gates.IPlateIndexGrain>(reservation.CompoundId).Track(reservation).Ignore();
            }
        }

        await ScheduleNoShowSweep();
    }

    private async Task ReportToLot()
    {
        if (Calendar.Definition is not { } definition)
        {
            return;
        }

        try
        {
            await GrainFactory.Lot(definition.CompoundId, definition.LotId).SpaceChanged(Calendar.Snapshot(Now));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The change is stored; the lot index catches up with the next change or when it is rebuilt.
            LogLotReportFailed(exception, this.GetPrimaryKeyString());
        }
    }

    /// <summary>
    /// Releases no-shows and flags overstays at their deadline, and wakes the space again if it was
    /// deactivated or its silo died, so a no-show is never left holding the space.
    /// </summary>
    private DeadlineWake NoShowWake => _noShowWake ??= new DeadlineWake(this, time, NoShowReminder);

    private Task ScheduleNoShowSweep()
    {
        var self = this.AsReference<IParkingSpaceGrain>();
        return NoShowWake.Schedule(Min(Calendar.NextNoShowDeadline(_policy), Calendar.NextOverstayDeadline()), () => self.ReleaseNoShows());
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reservation {ReservationId} overstays; next booking on the space: {Next}")]
    private partial void LogOverstay(string reservationId, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} no-show reservation(s) on space {SpaceKey}")]
    private partial void LogNoShows(int count, string spaceKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the calendar of space {SpaceKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string spaceKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not refund reservation {ReservationId}; retry the refund")]
    private partial void LogRefundFailed(Exception exception, string reservationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report space {SpaceKey} to its lot index")]
    private partial void LogLotReportFailed(Exception exception, string spaceKey);
}
