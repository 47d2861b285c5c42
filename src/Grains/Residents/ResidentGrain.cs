using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Residents;
using Parking.Grains.History;
using Parking.Grains.Spaces;

namespace Parking.Grains.Residents;

/// <summary>
/// Requests of one resident pass through here one at a time, which makes the limit on active
/// reservations and the idempotency keys exact without locks. The space decides whether the window
/// is free; this grain decides whether this resident may ask. Its stored list holds the active reservations and the
/// newest finished ones; older finished ones are in archive chunks until <see cref="ReservationPolicy.ResidentHistory"/>
/// has passed, and the index of those chunks is a state of its own (<c>resident-archive</c>), written only when a chunk
/// is archived or dropped, so what each booking writes does not grow with the resident's history. A booking writes only
/// what changed since the list was last stored whole (state <c>resident-recent</c>), while that stays small.
/// </summary>
[CompoundPlacement]
public sealed partial class ResidentGrain(
    [PersistentState("resident", GrainKeys.StorageName)] IPersistentState<ResidentState> state,
    [PersistentState("resident-archive", GrainKeys.StorageName)] IPersistentState<ArchiveIndex> archive,
    [PersistentState("resident-recent", GrainKeys.StorageName)] IPersistentState<RecentResidentChanges> recent,
    IOptions<ReservationPolicy> policyOptions,
    ParkingClock time,
    ILogger<ResidentGrain> logger) : Grain, IResidentGrain
{
    /// <summary>How often a resident asks a space for a booking whose answer was lost before giving up.</summary>
    private const int LostAnswerAttempts = 3;

    private readonly ReservationPolicy _policy = policyOptions.Value;

    private CompoundUser? _profile;

    /// <summary>The whole list as storage holds it (state <c>resident</c>), to which the changes since are written apart.</summary>
    private StoredResidentList _stored = null!;

    private ResidentState State => state.State;

    private ArchiveIndex Index => archive.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored = StoredResidentList.Of(State);
        if (recent.RecordExists)
        {
            State.Replay(recent.State);
        }

        // An index stored by an earlier build inside the resident's list moves to its own state, once: the index is
        // written first, then the list without it (should the second write fail, the next activation merges the same
        // chunks again).
        if (State.EarlierArchive.Chunks.Count > 0)
        {
            var earlier = State.EarlierArchive;
            archive.State = new ArchiveIndex(
                Index.Chunks.Concat(earlier.Chunks.Where(c => !Index.Chunks.Any(k => k.Number == c.Number))),
                Math.Max(Index.Next, earlier.Next));
            await archive.WriteStateAsync(cancellationToken);
            State.EarlierArchive = new ArchiveIndex();
            await StoreWhole();
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<Outcome<ReserveResult>> Reserve(string spaceId, TimeWindow window, string? plate, string? idempotencyKey)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        var now = time.GetUtcNow();
        var fingerprint = ResidentState.Fingerprint(spaceId, window, plate);

        var replay = State.Replay(idempotencyKey, fingerprint);
        if (replay.Error is { } reused)
        {
            return reused;
        }

        if (replay.Value is { } earlierId
            && (State.Find(earlierId) ?? await FindArchived(compoundId, residentId, earlierId)) is { } original)
        {
            return new ReserveResult(original, Replayed: true);
        }

        if (Booking.CheckLimit(State.CountActive(now), _policy) is not null)
        {
            // One-way updates from spaces may still be on their way: ask the spaces before refusing.
            await RefreshActive();
            if (Booking.CheckLimit(State.CountActive(now), _policy) is { } limit)
            {
                return limit;
            }
        }

        // The reservation id follows from the request id (with a key, from the key): should this grain fail after the
        // space stored the reservation, a retry with the same key finds that reservation instead of a conflict with
        // itself; should the space's answer be lost, this grain asks the space for that id.
        var requestId = idempotencyKey is null ? Guid.NewGuid() : RequestIdFor(residentId, idempotencyKey);
        _profile ??= await GrainFactory.Compound(compoundId).GetUser(residentId);
        var space = GrainFactory.Space(compoundId, spaceId);
        Outcome<Reservation> outcome;
        try
        {
            outcome = await space.Reserve(new ReserveCommand(residentId, window, plate, requestId, _profile?.HouseholdId, ResidentRecords: true));
        }
        catch (Exception lost)
        {
            // The call did not complete (a timeout, a silo lost, the answer failing on its way back), yet the space may
            // have stored the booking, and it sends no update for a booking this grain asked for: ask it before answering.
            if (await AskSpaceAfterLostAnswer(space, Reservation.NewId(spaceId, requestId), residentId, window) is not { } held)
            {
                throw;
            }

            LogAnswerRecovered(lost, this.GetPrimaryKeyString(), held.Id);
            outcome = held;
        }

        if (!outcome.IsSuccess)
        {
            return outcome.Error!;
        }

        var reservation = outcome.Value!;
        State.Booked(reservation, idempotencyKey, fingerprint, now, _policy.ResidentHistory);
        try
        {
            await ArchiveFinished(now);
            await Store();
        }
        catch
        {
            // The space does not tell this grain of a booking it asked for. Should the list not be stored, this activation
            // is dropped: the next one hears of the booking as of any change a space makes (one-way).
            this.AsReference<IResidentGrain>().ReservationUpdated(reservation).Ignore();
            throw;
        }

        return new ReserveResult(reservation, Replayed: false);
    }

    public async Task<IReadOnlyList<Reservation>> GetReservations()
    {
        if (Index.Chunks.Count == 0)
        {
            return [.. State.Reservations.OrderBy(r => r.Window.Start)];
        }

        // The archive too, newest revision of each reservation (a late update may have put an archived one back).
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        var chunks = await Task.WhenAll(Index.Chunks.Select(c => GrainFactory.OfResident(compoundId, residentId, c.Number).Get()));
        return
        [
            .. chunks.SelectMany(c => c).Concat(State.Reservations)
                .GroupBy(r => r.Id, StringComparer.Ordinal)
                .Select(g => g.MaxBy(r => r.Revision)!)
                .OrderBy(r => r.Window.Start),
        ];
    }

    public async Task ReservationUpdated(Reservation reservation)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        if (!state.RecordExists && !await PersonalRecords.IsMember(GrainFactory, compoundId, residentId))
        {
            return;
        }

        if (State.Upsert(reservation))
        {
            await ArchiveFinished(time.GetUtcNow());
            await Store();
        }
    }

    public async Task Depart(string pseudonym)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        foreach (var spaceId in (await GetReservations()).Select(r => r.SpaceId).Distinct(StringComparer.Ordinal))
        {
            await GrainFactory.Space(compoundId, spaceId).Anonymise(residentId, pseudonym);
        }

        foreach (var chunk in Index.Chunks)
        {
            await GrainFactory.OfResident(compoundId, residentId, chunk.Number).Clear();
        }

        _profile = null;
        await archive.ClearStateAsync();
        archive.State = new ArchiveIndex();
        await recent.ClearStateAsync();
        recent.State = new RecentResidentChanges();
        await state.ClearStateAsync();
        state.State = new ResidentState();
        _stored = StoredResidentList.Of(State);
    }

    /// <summary>
    /// Stores the list: only what changed since it was last stored whole (state <c>resident-recent</c>), while that is
    /// little and nothing left the list, else the whole list under a version of its own (which makes the changes stored
    /// before it stale). A failed write drops this activation, so the next one reloads what was really stored.
    /// </summary>
    private async Task Store()
    {
        var first = !state.RecordExists;
        if (!first && _stored.ChangesTo(State) is { } changes)
        {
            recent.State = changes;
            await recent.WriteOrDeactivateAsync(this, WriteFailed);
        }
        else
        {
            await StoreWhole();
        }

        if (first)
        {
            var (compoundId, residentId) = CompoundScopedKey.Of(this);
            PersonalRecords.Started(GrainFactory, compoundId, residentId);
        }
    }

    private async Task StoreWhole()
    {
        State.StoringWhole(_stored.Version);
        await state.WriteOrDeactivateAsync(this, WriteFailed);
        _stored = StoredResidentList.Of(State);
    }

    /// <summary>
    /// Reservations forgotten: the whole list is stored, and changes stored apart before it (stale now, but still in
    /// storage) are emptied, so no copy of what was forgotten stays.
    /// </summary>
    private async Task StoreLeavingNoCopy()
    {
        await StoreWhole();
        if (recent.State.Changed.Count > 0 || recent.State.Keys.Count > 0)
        {
            recent.State = new RecentResidentChanges { BaseVersion = _stored.Version };
            await recent.WriteOrDeactivateAsync(this, WriteFailed);
        }
    }

    private void WriteFailed(Exception exception) => LogWriteFailed(exception, this.GetPrimaryKeyString());

    private async Task<Reservation?> FindArchived(string compoundId, string residentId, string reservationId) =>
        Index.Chunks.Count == 0
            ? null
            : await ReservationArchive.Find(Index.Chunks, n => GrainFactory.OfResident(compoundId, residentId, n), reservationId);

    /// <summary>
    /// Moves the oldest finished reservations to an archive chunk once enough have finished, and clears chunks past
    /// <see cref="ReservationPolicy.ResidentHistory"/>. The chunk is stored before the list that no longer holds it; a
    /// failure leaves them in the list until the next write.
    /// </summary>
    private async Task ArchiveFinished(DateTimeOffset now)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        try
        {
            var chunk = FinishedReservations.ChunkToArchive(State.Reservations);
            var expired = Index.Expired(now - _policy.ResidentHistory);
            if (chunk is null && expired.Count == 0)
            {
                return;
            }

            foreach (var old in expired)
            {
                await GrainFactory.OfResident(compoundId, residentId, old.Number).Clear();
                Index.Dropped(old);
            }

            if (chunk is not null)
            {
                await ReservationArchive.Archive(Index, n => GrainFactory.OfResident(compoundId, residentId, n), chunk);
            }

            await archive.WriteStateAsync();
            if (chunk is not null)
            {
                State.Archived(chunk);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogArchiveFailed(exception, this.GetPrimaryKeyString());
        }
    }

    /// <summary>Ended reservations before the cutoff go, from the list and from the archive chunks.</summary>
    public async Task<int> ForgetBefore(DateTimeOffset cutoff)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        var archived = await ReservationArchive.ForgetBefore(Index, n => GrainFactory.OfResident(compoundId, residentId, n), cutoff);
        if (archived > 0)
        {
            await archive.WriteStateAsync();
        }

        return archived + await PersistentStateExtensions.WriteIfChangedAsync(State.ForgetFinishedBefore(cutoff), StoreLeavingNoCopy);
    }

    private static Guid RequestIdFor(string residentId, string idempotencyKey) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{residentId}\n{idempotencyKey}")).AsSpan(0, 16));

    /// <summary>
    /// What the space holds under the reservation id this grain's request named, when the request's answer was lost:
    /// the reservation (the space made it), or null (it did not, or it was not for this request). A few attempts, so
    /// a space moving to another silo after a silo's loss is found at its new home; should none answer, the original
    /// failure stands, and the caller's retry with the same idempotency key finds the booking.
    /// </summary>
    private async Task<Reservation?> AskSpaceAfterLostAnswer(IParkingSpaceGrain space, string reservationId, string residentId, TimeWindow window)
    {
        var me = new Actor(residentId, IsStaff: false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var found = await space.GetReservation(reservationId, me);
                return found.Value is { } held && held.ResidentId == residentId && held.Window == window ? held : null;
            }
            catch (Exception exception) when (attempt < LostAnswerAttempts)
            {
                LogAnswerAskFailed(exception, this.GetPrimaryKeyString(), reservationId, attempt);
            }
        }
    }

    private async Task RefreshActive()
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        var me = new Actor(residentId, IsStaff: false);
        foreach (var reservation in State.Reservations.Where(r => r.IsActive).ToList())
        {
            var current = await GrainFactory.Space(compoundId, reservation.SpaceId).GetReservation(reservation.Id, me);
            if (current.Value is { } fresh)
            {
                State.Upsert(fresh);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The space's answer to a booking of resident {ResidentKey} was lost; the space holds {ReservationId}, which the resident records")]
    private partial void LogAnswerRecovered(Exception exception, string residentKey, string reservationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resident {ResidentKey} could not ask the space for {ReservationId} after a lost answer (attempt {Attempt})")]
    private partial void LogAnswerAskFailed(Exception exception, string residentKey, string reservationId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the reservations of resident {ResidentKey}; the activation will reload them")]
    private partial void LogWriteFailed(Exception exception, string residentKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not archive the finished reservations of resident {ResidentKey}; they stay in its list until the next write")]
    private partial void LogArchiveFailed(Exception exception, string residentKey);
}
