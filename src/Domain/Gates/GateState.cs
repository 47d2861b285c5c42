namespace Parking.Domain.Gates;

/// <summary>One gate's memory: its decisions by event id, so a camera's retry gets the same answer and changes nothing twice.</summary>
[GenerateSerializer]
public sealed class GateState
{
    [Id(0)]
    internal Dictionary<string, GateDecision> _decisions = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, GateDecision> Decisions => _decisions;

    /// <summary>The decision already made for <paramref name="eventId"/> (a camera's retry), or null.</summary>
    public GateDecision? Known(string? eventId) => _decisions.GetValueOrDefault(eventId ?? string.Empty);

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
    string GateId,
    GateEvent Event,
    GateDecision Decision,
    string? ResolvedBy,
    bool? ResolvedOpen,
    DateTimeOffset? ResolvedAt)
{
    [Id(0)] internal string _gateId = GateId;

    public string GateId { get => _gateId; init => _gateId = value; }

    [Id(1)] internal GateEvent _event = Event;

    public GateEvent Event { get => _event; init => _event = value; }

    [Id(2)] internal GateDecision _decision = Decision;

    public GateDecision Decision { get => _decision; init => _decision = value; }

    [Id(3)] internal string? _resolvedBy = ResolvedBy;

    public string? ResolvedBy { get => _resolvedBy; init => _resolvedBy = value; }

    [Id(4)] internal bool? _resolvedOpen = ResolvedOpen;

    public bool? ResolvedOpen { get => _resolvedOpen; init => _resolvedOpen = value; }

    [Id(5)] internal DateTimeOffset? _resolvedAt = ResolvedAt;

    public DateTimeOffset? ResolvedAt { get => _resolvedAt; init => _resolvedAt = value; }
}

/// <summary>The compound's list of gate events for staff to decide, oldest first; changes only through its methods.</summary>
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
