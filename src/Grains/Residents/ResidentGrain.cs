using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Parking.Grains.Residents;

[GenerateSerializer, Immutable]
public sealed record IdempotencyRecord(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] string Fingerprint,
    [property: Id(2)] DateTimeOffset CreatedAt);

[GenerateSerializer]
public sealed class ResidentState
{
    [Id(0)]
    public List<Reservation> Reservations { get; set; } = [];

    [Id(1)]
    public Dictionary<string, IdempotencyRecord> IdempotencyKeys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Requests of one resident pass through here one at a time, which makes the limit on active
/// reservations and the idempotency keys exact without locks. The space decides whether the window
/// is free; this grain decides whether this resident may ask.
/// </summary>
public sealed class ResidentGrain(
    [PersistentState("resident", GrainKeys.StorageName)] IPersistentState<ResidentState> state,
    IOptions<ReservationPolicy> policyOptions,
    ParkingClock time) : Grain, IResidentGrain
{
    private static readonly TimeSpan KeyRetention = TimeSpan.FromHours(24);

    private readonly ReservationPolicy _policy = policyOptions.Value;

    private CompoundUser? _profile;

    private ResidentState State => state.State;

    public async Task<Outcome<ReserveResult>> Reserve(string spaceId, TimeWindow window, string? plate, string? idempotencyKey)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        var now = time.GetUtcNow();
        var fingerprint = $"{spaceId}|{window.Start:O}|{window.End:O}|{plate}";

        if (idempotencyKey is not null && State.IdempotencyKeys.TryGetValue(idempotencyKey, out var earlier))
        {
            if (earlier.Fingerprint != fingerprint)
            {
                return new DomainError(ErrorKind.Unprocessable, "idempotency-key-reused", "This Idempotency-Key was used for a different request.", "Idempotency-Key");
            }

            var original = State.Reservations.Find(r => r.Id == earlier.ReservationId);
            if (original is not null)
            {
                return new ReserveResult(original, Replayed: true);
            }
        }

        if (Booking.CheckLimit(Booking.CountActive(State.Reservations, now), _policy) is not null)
        {
            // One-way updates from spaces may still be on their way: ask the spaces before refusing.
            await RefreshActive();
            if (Booking.CheckLimit(Booking.CountActive(State.Reservations, now), _policy) is { } limit)
            {
                return limit;
            }
        }

        // With a key, the reservation id follows from it: should this grain fail after the space stored the
        // reservation, a retry with the same key finds that reservation instead of a conflict with itself.
        var requestId = idempotencyKey is null ? (Guid?)null : RequestIdFor(residentId, idempotencyKey);
        _profile ??= await GrainFactory.Compound(compoundId).GetUser(residentId);
        var outcome = await GrainFactory.Space(compoundId, spaceId).Reserve(new ReserveCommand(residentId, window, plate, requestId, _profile?.HouseholdId));
        if (!outcome.IsSuccess)
        {
            return outcome.Error!;
        }

        var reservation = outcome.Value!;
        Upsert(reservation);
        if (idempotencyKey is not null)
        {
            State.IdempotencyKeys[idempotencyKey] = new IdempotencyRecord(reservation.Id, fingerprint, now);
        }

        Prune(now);
        await Store();
        return new ReserveResult(reservation, Replayed: false);
    }

    public Task<IReadOnlyList<Reservation>> GetReservations() =>
        Task.FromResult<IReadOnlyList<Reservation>>([.. State.Reservations.OrderBy(r => r.Window.Start)]);

    public async Task ReservationUpdated(Reservation reservation)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        if (!state.RecordExists && !await PersonalRecords.IsMember(GrainFactory, compoundId, residentId))
        {
            return;
        }

        if (Upsert(reservation))
        {
            await Store();
        }
    }

    public async Task Depart(string pseudonym)
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        foreach (var spaceId in State.Reservations.Select(r => r.SpaceId).Distinct(StringComparer.Ordinal))
        {
            await GrainFactory.Space(compoundId, spaceId).Anonymise(residentId, pseudonym);
        }

        _profile = null;
        await state.ClearStateAsync();
    }

    private async Task Store()
    {
        var first = !state.RecordExists;
        await state.WriteStateAsync();
        if (first)
        {
            var (compoundId, residentId) = CompoundScopedKey.Of(this);
            PersonalRecords.Started(GrainFactory, compoundId, residentId);
        }
    }

    public async Task<int> ForgetBefore(DateTimeOffset cutoff)
    {
        var removed = State.Reservations.RemoveAll(r => !r.IsActive && (r.EndedAt ?? r.Window.End) < cutoff);
        if (removed > 0)
        {
            await state.WriteStateAsync();
        }

        return removed;
    }

    private static Guid RequestIdFor(string residentId, string idempotencyKey) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{residentId}\n{idempotencyKey}")).AsSpan(0, 16));

    private async Task RefreshActive()
    {
        var (compoundId, residentId) = CompoundScopedKey.Of(this);
        var me = new Actor(residentId, IsStaff: false);
        foreach (var reservation in State.Reservations.Where(r => r.IsActive).ToList())
        {
            var current = await GrainFactory.Space(compoundId, reservation.SpaceId).GetReservation(reservation.Id, me);
            if (current.Value is { } fresh)
            {
                Upsert(fresh);
            }
        }
    }

    /// <summary>Keeps the newest revision of a reservation; returns false when nothing changed.</summary>
    private bool Upsert(Reservation reservation)
    {
        var index = State.Reservations.FindIndex(r => r.Id == reservation.Id);
        if (index < 0)
        {
            State.Reservations.Add(reservation);
            return true;
        }

        if (State.Reservations[index].Revision >= reservation.Revision)
        {
            return false;
        }

        State.Reservations[index] = reservation;
        return true;
    }

    private void Prune(DateTimeOffset now)
    {
        State.Reservations.RemoveAll(r => !r.IsActive && (r.EndedAt ?? r.Window.End) < now - _policy.ResidentHistory);
        foreach (var key in State.IdempotencyKeys.Where(k => k.Value.CreatedAt < now - KeyRetention).Select(k => k.Key).ToList())
        {
            State.IdempotencyKeys.Remove(key);
        }
    }
}
