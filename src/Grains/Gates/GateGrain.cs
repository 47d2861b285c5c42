using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Domain.Gates;
using Parking.Domain.Reservations;
using Parking.Grains.Notifications;

namespace Parking.Grains.Gates;

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
    private readonly SignatureReplay _signatures = new();
    private (bool Full, DateTimeOffset At)? _lotsFull;

    private string CompoundId => CompoundScopedKey.Of(this).CompoundId;

    private string GateId => CompoundScopedKey.Of(this).LocalId;

    public async Task<Outcome<GateDecision>> Handle(GateEvent gateEvent, string signature)
    {
        ArgumentNullException.ThrowIfNull(gateEvent);
        if (_signatures.Receive(signature, TimeProvider.System.GetUtcNow(), 2 * _policy.SignatureWindow) is { } replayed)
        {
            return replayed;
        }

        var now = time.GetUtcNow();
        if (state.State.Known(gateEvent.EventId) is { } known)
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
        var full = GateRules.LotsFull(occupancies.Select(o => o?.Counts));
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
    public Task<int> ForgetBefore(DateTimeOffset cutoff) => state.WriteIfChangedAsync(this, state.State.ForgetBefore(cutoff));

    public Task<int> Anonymise(IReadOnlyCollection<string> plates) => state.WriteIfChangedAsync(this, state.State.Anonymise(plates));

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
