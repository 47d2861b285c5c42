using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Domain.Gates;
using Parking.Domain.Reservations;
using Parking.Grains.Notifications;

namespace Parking.Grains.Gates;

[GenerateSerializer]
public sealed class GateState
{
    /// <summary>Decisions by event id, so a camera's retry gets the same answer and changes nothing twice.</summary>
    [Id(0)]
    internal Dictionary<string, GateDecision> _decisions = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, GateDecision> Decisions => _decisions;

    /// <summary>Remembers a decision by its event id; those decided before <paramref name="forgetBefore"/> go.</summary>
    public void Decided(GateDecision decision, DateTimeOffset forgetBefore)
    {
        ArgumentNullException.ThrowIfNull(decision);
        _decisions[decision.EventId] = decision;
        foreach (var old in _decisions.Where(d => d.Value.DecidedAt < forgetBefore).Select(d => d.Key).ToList())
        {
            _decisions.Remove(old);
        }
    }
}

/// <summary>An event staff must look at: an unknown or doubtful plate, or a car without a booking while the lots are full.</summary>
[GenerateSerializer, Immutable]
public sealed record GateReview(
    [property: Id(0)] string GateId,
    [property: Id(1)] GateEvent Event,
    [property: Id(2)] GateDecision Decision,
    [property: Id(3)] string? ResolvedBy,
    [property: Id(4)] bool? ResolvedOpen,
    [property: Id(5)] DateTimeOffset? ResolvedAt);

/// <summary>A gate event went to the staff list: for the compound's staff.</summary>
[GenerateSerializer, Immutable]
public sealed record GateReviewPush([property: Id(0)] string CompoundId, [property: Id(1)] GateReview Review) : Push;

/// <summary>
/// One barrier gate and its camera (key: compound/gate): decides each event once, in order, and remembers
/// the decision by event id. Entry with a reservation starting soon or running checks it in; exit checks it
/// out (the rest of the window is freed); visitor passes and the households' own cars open; an unknown or
/// doubtful plate, or a car without a booking while the lots are full, goes to the staff list.
/// </summary>
public interface IGateGrain : IGrainWithStringKey
{
    /// <summary>
    /// Decides an event. <paramref name="signature"/> is the request's signature: the same one twice is a
    /// replay and is refused (code <c>request-replayed</c>) even when the event itself would be a retry.
    /// </summary>
    Task<Outcome<GateDecision>> Handle(GateEvent gateEvent, string signature);
}

public sealed partial class GateGrain(
    [PersistentState("gate", GrainKeys.StorageName)] IPersistentState<GateState> state,
    IOptions<GatePolicy> policyOptions,
    ParkingClock time,
    ILogger<GateGrain> logger) : Grain, IGateGrain
{
    private static readonly TimeSpan LotsFullCache = TimeSpan.FromSeconds(15);

    private readonly GatePolicy _policy = policyOptions.Value;

    /// <summary>Signatures seen, with the real time they expire: replays are a transport matter, not domain time.</summary>
    private readonly Dictionary<string, DateTimeOffset> _signatures = new(StringComparer.Ordinal);
    private (bool Full, DateTimeOffset At)? _lotsFull;

    private string CompoundId => CompoundScopedKey.Of(this).CompoundId;

    private string GateId => CompoundScopedKey.Of(this).LocalId;

    public async Task<Outcome<GateDecision>> Handle(GateEvent gateEvent, string signature)
    {
        ArgumentNullException.ThrowIfNull(gateEvent);
        var real = TimeProvider.System.GetUtcNow();
        foreach (var expired in _signatures.Where(s => s.Value < real).Select(s => s.Key).ToList())
        {
            _signatures.Remove(expired);
        }

        if (!_signatures.TryAdd(signature, real + (2 * _policy.SignatureWindow)))
        {
            return new DomainError(ErrorKind.Forbidden, "request-replayed", "This signed request was already received; a retry must be signed again with a new timestamp.");
        }

        var now = time.GetUtcNow();
        if (state.State.Decisions.TryGetValue(gateEvent.EventId ?? string.Empty, out var known))
        {
            return known;
        }

        if (GateRules.Validate(gateEvent, now, _policy) is { } invalid)
        {
            return invalid;
        }

        var facts = await GrainFactory.PlateIndex(CompoundId).Lookup(gateEvent.Plate, gateEvent.At);
        var verdict = GateRules.Decide(gateEvent, facts, await LotsFull(), _policy);
        var (open, reason, review) = (verdict.Open, verdict.Reason, verdict.Review);
        var actor = new Actor($"gate:{GateId}", IsStaff: true);
        if (verdict is { Action: not GateAction.None, Reservation: { } reservation })
        {
            var space = GrainFactory.Space(reservation.CompoundId, reservation.SpaceId);
            var done = verdict.Action == GateAction.CheckIn
                ? await space.CheckIn(reservation.Id, actor)
                : await space.CheckOut(reservation.Id, actor);
            if (done.Error is { } refused)
            {
                // The booking holds but the space cannot take the car now (the car before overstays): staff decide.
                LogActionRefused(this.GetPrimaryKeyString(), reservation.Id, refused.Code);
                (reason, review) = (verdict.Action == GateAction.CheckIn ? GateReason.CheckInRefused : GateReason.CheckOutRefused, true);
            }
        }

        var decision = new GateDecision(gateEvent.EventId!, GateId, open, reason, verdict.Reservation?.Id, verdict.Reservation?.SpaceId, review, now);
        state.State.Decided(decision, now - _policy.EventMemory);

        await state.WriteStateAsync();
        if (review)
        {
            var item = new GateReview(GateId, gateEvent, decision, null, null, null);
            await GrainFactory.GateReviews(CompoundId).Add(item);
            GrainFactory.Publish(new GateReviewPush(CompoundId, item));
        }

        return decision;
    }

    private async Task<bool> LotsFull()
    {
        var real = TimeProvider.System.GetUtcNow();
        if (_lotsFull is { } cached && real - cached.At < LotsFullCache)
        {
            return cached.Full;
        }

        var lots = await GrainFactory.Compound(CompoundId).GetLots();
        var occupancies = await Task.WhenAll(lots.Select(l => GrainFactory.Lot(CompoundId, l.LotId).GetOccupancy()));
        var full = occupancies.All(o => o is null || o.Counts.GetValueOrDefault(SpaceStatus.Free) == 0);
        _lotsFull = (full, real);
        return full;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gate {GateKey}: reservation {ReservationId} refused the gate's command ({Code}); sent to staff")]
    private partial void LogActionRefused(string gateKey, string reservationId, string code);
}

/// <summary>The compound's list of gate events for staff to decide (key: compound), newest last.</summary>
public interface IGateReviewGrain : IPersonalHistory
{
    Task Add(GateReview review);

    [ReadOnly]
    Task<IReadOnlyList<GateReview>> List(bool includeResolved);

    /// <summary>Staff decide an event on the list (open or deny); a second decision is refused.</summary>
    Task<Outcome<GateReview>> Resolve(string gateId, string eventId, bool open, string staffId);

    /// <summary>
    /// A person left the compound: the decided events of their <paramref name="plates"/> (canonical spelling) keep
    /// what happened and who decided, without the plate or the picture. An event still waiting for staff keeps them:
    /// the car stands at the gate. Returns how many events changed.
    /// </summary>
    Task<int> Anonymise(IReadOnlyCollection<string> plates);
}

[GenerateSerializer]
public sealed class GateReviewState
{
    [Id(0)]
    internal List<GateReview> _reviews = [];

    /// <summary>The events on the staff list, oldest first.</summary>
    public IReadOnlyList<GateReview> Reviews => _reviews;

    /// <summary>An event joins the list; beyond <paramref name="kept"/>, the oldest resolved one goes (the oldest of all when none is).</summary>
    public void Add(GateReview review, int kept)
    {
        ArgumentNullException.ThrowIfNull(review);
        _reviews.Add(review);
        if (_reviews.Count > kept)
        {
            var resolved = _reviews.FindIndex(r => r.ResolvedAt is not null);
            _reviews.RemoveAt(resolved >= 0 ? resolved : 0);
        }
    }

    /// <summary>Events that happened before <paramref name="cutoff"/> go, decided or not; returns how many.</summary>
    public int ForgetBefore(DateTimeOffset cutoff) => _reviews.RemoveAll(r => r.Event.At < cutoff);

    /// <summary>Decided events whose plate (as <see cref="PlateNumber.Normalize"/> spells it) is one of <paramref name="plates"/> lose their plate and picture; returns how many.</summary>
    public int Anonymise(IReadOnlyCollection<string> plates)
    {
        ArgumentNullException.ThrowIfNull(plates);
        var changed = 0;
        for (var i = 0; i < _reviews.Count; i++)
        {
            var review = _reviews[i];
            if (review.ResolvedAt is not null && review.Event.Plate.Length > 0
                && PlateNumber.Normalize(review.Event.Plate) is { } plate && plates.Contains(plate))
            {
                _reviews[i] = review with { Event = review.Event with { Plate = string.Empty, Picture = null } };
                changed++;
            }
        }

        return changed;
    }

    /// <summary>Staff decided an event once: refused when it is not on the list or another decided it first.</summary>
    public Outcome<GateReview> Resolve(string gateId, string eventId, bool open, string staffId, DateTimeOffset now)
    {
        var at = _reviews.FindIndex(r => r.GateId == gateId && r.Event.EventId == eventId);
        if (at < 0)
        {
            return DomainError.NotFound("review-not-found", $"No gate event '{eventId}' of gate '{gateId}' on the staff list.");
        }

        if (_reviews[at].ResolvedAt is not null)
        {
            return DomainError.Conflict("review-resolved", "Another member of staff already decided this event.");
        }

        var resolved = _reviews[at] with { ResolvedBy = staffId, ResolvedOpen = open, ResolvedAt = now };
        _reviews[at] = resolved;
        return resolved;
    }
}

public sealed class GateReviewGrain(
    [PersistentState("gate-reviews", GrainKeys.StorageName)] IPersistentState<GateReviewState> state,
    ParkingClock time) : Grain, IGateReviewGrain
{
    private const int Kept = 500;

    public async Task Add(GateReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        // Resolved ones go first; unresolved ones only when there are more than the list keeps.
        state.State.Add(review, Kept);

        await state.WriteStateAsync();
    }

    /// <summary>An event (its plate and picture) goes once it happened before the cutoff, decided or not.</summary>
    public async Task<int> ForgetBefore(DateTimeOffset cutoff)
    {
        var removed = state.State.ForgetBefore(cutoff);
        if (removed > 0)
        {
            await state.WriteStateAsync();
        }

        return removed;
    }

    public async Task<int> Anonymise(IReadOnlyCollection<string> plates)
    {
        var changed = state.State.Anonymise(plates);
        if (changed > 0)
        {
            await state.WriteOrDeactivateAsync(this);
        }

        return changed;
    }

    public Task<IReadOnlyList<GateReview>> List(bool includeResolved) =>
        Task.FromResult<IReadOnlyList<GateReview>>([.. state.State.Reviews.Where(r => includeResolved || r.ResolvedAt is null)]);

    public async Task<Outcome<GateReview>> Resolve(string gateId, string eventId, bool open, string staffId)
    {
        var resolved = state.State.Resolve(gateId, eventId, open, staffId, time.GetUtcNow());
        if (resolved.IsSuccess)
        {
            await state.WriteStateAsync();
        }

        return resolved;
    }
}
