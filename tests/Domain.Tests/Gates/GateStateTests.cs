using Parking.Domain.Gates;
using Xunit;

namespace Parking.Domain.Tests.Gates;

/// <summary>A gate remembers its decisions for a while; the staff list keeps what is open, is decided once, and forgets plates.</summary>
public class GateStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static GateDecision Decision(string eventId, DateTimeOffset at) =>
        new(eventId, "g1", open: false, GateReason.UnknownPlate, null, null, review: true, at);

    private static GateReview Review(string eventId, string plate = "沪A12345", DateTimeOffset? at = null) =>
        new("g1", new GateEvent(eventId, GateDirection.In, plate, PlateColour.Blue, 0.9, at ?? Now, "picture"), Decision(eventId, at ?? Now), null, null, null);

    [Fact]
    public void A_retry_finds_its_decision_until_it_is_older_than_the_memory()
    {
        var state = new GateState();
        state.Decided(Decision("e1", Now.AddHours(-2)), Now.AddDays(-1));
        Assert.Equal("e1", state.Known("e1")!.EventId);
        Assert.Null(state.Known(null));

        state.Decided(Decision("e2", Now), forgetBefore: Now.AddHours(-1));

        Assert.Null(state.Known("e1"));
        Assert.Equal(["e2"], state.Decisions.Keys);
    }

    [Fact]
    public void A_full_list_drops_the_oldest_decided_event_first_and_the_oldest_of_all_when_none_is()
    {
        var state = new GateReviewState();
        state.Add(Review("e1"), kept: 2);
        state.Add(Review("e2"), kept: 2);
        Assert.True(state.Resolve("g1", "e2", open: true, "staff1", Now).IsSuccess);

        state.Add(Review("e3"), kept: 2);
        Assert.Equal(["e1", "e3"], state.Reviews.Select(r => r.Event.EventId));

        state.Add(Review("e4"), kept: 2);
        Assert.Equal(["e3", "e4"], state.Reviews.Select(r => r.Event.EventId));
    }

    [Fact]
    public void An_event_is_decided_once_and_an_unknown_one_is_not_found()
    {
        var state = new GateReviewState();
        state.Add(Review("e1"), kept: 10);

        var first = state.Resolve("g1", "e1", open: true, "staff1", Now);
        var second = state.Resolve("g1", "e1", open: false, "staff2", Now.AddMinutes(1));
        var missing = state.Resolve("g2", "e1", open: true, "staff1", Now);

        Assert.Equal(("staff1", (bool?)true, (DateTimeOffset?)Now), (first.Value!.ResolvedBy, first.Value.ResolvedOpen, first.Value.ResolvedAt));
        Assert.Equal("review-resolved", second.Error!.Code);
        Assert.Equal("review-not-found", missing.Error!.Code);
        Assert.Equal("staff1", Assert.Single(state.Reviews).ResolvedBy);
    }

    [Fact]
    public void Leaving_clears_plate_and_picture_of_decided_events_only_and_old_events_go()
    {
        var state = new GateReviewState();
        state.Add(Review("decided", "沪A·12345", Now.AddDays(-1)), kept: 10);
        state.Add(Review("waiting", "沪A12345"), kept: 10);
        state.Add(Review("other", "沪B99999"), kept: 10);
        state.Resolve("g1", "decided", open: false, "staff1", Now);
        state.Resolve("g1", "other", open: false, "staff1", Now);

        Assert.Equal(1, state.Anonymise([PlateNumber.Normalize("沪A12345")!]));
        Assert.Equal([(string.Empty, (string?)null), ("沪A12345", "picture"), ("沪B99999", "picture")], state.Reviews.Select(r => (r.Event.Plate, r.Event.Picture)));

        Assert.Equal(1, state.ForgetBefore(Now.AddHours(-1)));
        Assert.Equal(["waiting", "other"], state.Reviews.Select(r => r.Event.EventId));
    }
}
