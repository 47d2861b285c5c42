using Parking.Domain.Reservations;
using Parking.Domain.Residents;
using Xunit;

namespace Parking.Domain.Tests.Residents;

/// <summary>A resident's own record: newest revision wins, idempotency keys tell a retry from a reused key, and old things go.</summary>
public class ResidentStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeWindow Window = new(Now.AddHours(1), Now.AddHours(2));

    private static Reservation Made(string id, ReservationStatus status = ReservationStatus.Reserved, int revision = 1, TimeWindow? window = null, DateTimeOffset? endedAt = null) =>
        new(id, "c1", "L1", "S1", "ann", null, window ?? Window, status, Now, null, endedAt, revision);

    [Fact]
    public void Only_a_newer_revision_replaces_a_held_reservation()
    {
        var state = new ResidentState();

        Assert.True(state.Upsert(Made("a", revision: 2)));
        Assert.False(state.Upsert(Made("a", ReservationStatus.Cancelled, revision: 2)));
        Assert.False(state.Upsert(Made("a", ReservationStatus.Cancelled, revision: 1)));
        Assert.Equal(ReservationStatus.Reserved, state.Find("a")!.Status);

        Assert.True(state.Upsert(Made("a", ReservationStatus.Cancelled, revision: 3)));
        Assert.Equal(ReservationStatus.Cancelled, Assert.Single(state.Reservations).Status);
    }

    [Fact]
    public void A_key_replays_the_same_request_and_refuses_another_naming_the_header()
    {
        var state = new ResidentState();
        var fingerprint = ResidentState.Fingerprint("S1", Window, "沪A12345");
        Assert.Equal(new Outcome<string?>(null, null), state.Replay("k1", fingerprint));
        Assert.Equal(new Outcome<string?>(null, null), state.Replay(null, fingerprint));

        state.Booked(Made("a"), "k1", fingerprint, Now, TimeSpan.FromDays(7));

        Assert.Equal("a", state.Replay("k1", fingerprint).Value);
        var other = state.Replay("k1", ResidentState.Fingerprint("S2", Window, "沪A12345"));
        Assert.Equal(("idempotency-key-reused", "Idempotency-Key"), (other.Error!.Code, other.Error.Field));
        Assert.Null(state.Replay("k2", fingerprint).Value);
    }

    [Fact]
    public void A_booking_drops_keys_older_than_a_day_and_finished_reservations_past_the_history()
    {
        var state = new ResidentState();
        var history = TimeSpan.FromDays(7);
        state.Booked(Made("old-key"), "k-old", "f", Now.AddHours(-25), history);
        state.Booked(Made("fresh-key"), "k-fresh", "f", Now.AddHours(-23), history);
        state.Upsert(Made("done-long-ago", ReservationStatus.Completed, endedAt: Now.AddDays(-8)));
        state.Upsert(Made("done-lately", ReservationStatus.Completed, endedAt: Now.AddDays(-6)));
        state.Upsert(Made("running-long", ReservationStatus.CheckedIn, window: new TimeWindow(Now.AddDays(-9), Now.AddDays(-8))));

        state.Booked(Made("new"), null, "f", Now, history);

        Assert.Equal(["k-fresh"], state.IdempotencyKeys.Keys);
        Assert.Equal(["old-key", "fresh-key", "done-lately", "running-long", "new"], state.Reservations.Select(r => r.Id));
    }

    [Fact]
    public void Checked_in_and_future_reservations_count_against_the_limit_past_ones_do_not()
    {
        var state = new ResidentState();
        state.Upsert(Made("future"));
        state.Upsert(Made("in", ReservationStatus.CheckedIn, window: new TimeWindow(Now.AddHours(-3), Now.AddHours(-1))));
        state.Upsert(Made("over", window: new TimeWindow(Now.AddHours(-3), Now.AddHours(-1))));
        state.Upsert(Made("cancelled", ReservationStatus.Cancelled));

        Assert.Equal(2, state.CountActive(Now));
    }
}
