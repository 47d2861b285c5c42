namespace Parking.Web.Services;

/// <summary>
/// The staff's list of gate events to decide: waiting ones oldest first (the car at the barrier longest comes
/// first), decided ones newest first. A pushed event and the list read may overlap: each event is kept once
/// (by gate and event id), and a decided one never goes back to waiting.
/// </summary>
public sealed class GateReviewList
{
    private readonly Dictionary<(string Gate, string Event), GateReviewDto> _items = [];

    public IReadOnlyList<GateReviewDto> Waiting =>
        [.. _items.Values.Where(r => r.ResolvedAt is null).OrderBy(r => r.EventTime).ThenBy(r => r.EventId, StringComparer.Ordinal)];

    public IReadOnlyList<GateReviewDto> Decided =>
        [.. _items.Values.Where(r => r.ResolvedAt is not null).OrderByDescending(r => r.ResolvedAt)];

    public void Replace(IEnumerable<GateReviewDto> reviews)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        var decided = _items.Values.Where(r => r.ResolvedAt is not null).ToList();
        _items.Clear();
        foreach (var review in decided.Concat(reviews))
        {
            Apply(review);
        }
    }

    public void Apply(GateReviewDto review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var key = (review.GateId, review.EventId);
        if (_items.TryGetValue(key, out var known) && known.ResolvedAt is not null && review.ResolvedAt is null)
        {
            return;
        }

        _items[key] = review;
    }
}
