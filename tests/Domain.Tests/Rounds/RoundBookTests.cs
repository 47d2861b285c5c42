using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Rounds;
using Xunit;
using static Parking.Domain.Tests.SpaceCalendarTests;

namespace Parking.Domain.Tests.Rounds;

/// <summary>Rounds and the waitlist: numbering, per-resident limits, who may take a request back, expiry, closing a round.</summary>
public class RoundBookTests
{
    private static readonly RoundPolicy Rounds = new();
    private static readonly RoundAsker Ann = new("ann", "H1", "B1");
    private static readonly RoundAsker Bob = new("bob", "H2", "B1");

    private static RoundAsk Ask(double fromHours = 2, double toHours = 4) => new([Hours(fromHours, toHours)], SpaceKind.Standard, null, null);

    private static RoundEntry Submit(RoundBook book, RoundAsker asker, int? round = null)
    {
        var outcome = book.Submit(asker, Ask(), round, Rounds, Policy, Now);
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    [Fact]
    public void Requests_are_numbered_in_the_open_round_and_entries_share_one_counter()
    {
        var book = new RoundBook();

        var first = Submit(book, Ann, round: 1);
        var second = Submit(book, Bob);
        var waiting = book.JoinWaitlist(Ann, Ask(), Rounds, Policy, Now).Value!;

        Assert.Equal(("r1-1", 1, RoundEntryOrigin.Round), (first.Id, first.Round, first.Origin));
        Assert.Equal("r1-2", second.Id);
        Assert.Equal(("w3", 0, RoundEntryOrigin.Direct), (waiting.Id, waiting.Round, waiting.Origin));
        Assert.Equal([first, second], book.Requests);
        Assert.Equal([waiting], book.Waitlist);
    }

    [Fact]
    public void A_request_for_a_closed_or_future_round_is_refused_with_the_field()
    {
        var book = new RoundBook();
        book.Close([], [], new Dictionary<string, double>());

        var closed = book.Submit(Ann, Ask(), 1, Rounds, Policy, Now);
        var future = book.Submit(Ann, Ask(), 3, Rounds, Policy, Now);

        Assert.Equal(("round", "round-closed"), (closed.Error?.Field, closed.Error?.Code));
        Assert.Equal(("round", "round-not-open"), (future.Error?.Field, future.Error?.Code));
        Assert.Empty(book.Requests);
    }

    [Fact]
    public void Bad_windows_are_refused_and_add_nothing()
    {
        var book = new RoundBook();

        var reversed = book.Submit(Ann, Ask(4, 2), null, Rounds, Policy, Now);
        var waitlisted = book.JoinWaitlist(Ann, Ask(-3, -1), Rounds, Policy, Now);

        Assert.Equal(("windows[0].end", "window-reversed"), (reversed.Error?.Field, reversed.Error?.Code));
        Assert.Equal(("windows[0].start", "window-in-past"), (waitlisted.Error?.Field, waitlisted.Error?.Code));
        Assert.Empty(book.Requests);
        Assert.Empty(book.Waitlist);
    }

    [Fact]
    public void A_resident_holds_at_most_the_limit_in_each_list()
    {
        var book = new RoundBook();
        for (var i = 0; i < Rounds.MaxRequestsPerResident; i++)
        {
            Submit(book, Ann);
        }

        var over = book.Submit(Ann, Ask(), null, Rounds, Policy, Now);
        var other = book.Submit(Bob, Ask(), null, Rounds, Policy, Now);
        var waitlist = book.JoinWaitlist(Ann, Ask(), Rounds, Policy, Now);

        Assert.Equal("round-request-limit", over.Error?.Code);
        Assert.True(other.IsSuccess);
        Assert.True(waitlist.IsSuccess);
        Assert.Equal(Rounds.MaxRequestsPerResident + 1, book.Requests.Count);
    }

    [Fact]
    public void Only_its_resident_or_staff_may_take_a_request_back()
    {
        var book = new RoundBook();
        var anns = Submit(book, Ann);
        var bobs = Submit(book, Bob);
        var entry = book.JoinWaitlist(Ann, Ask(), Rounds, Policy, Now).Value!;

        var stranger = book.Withdraw(anns.Id, new Actor("bob", IsStaff: false));
        var own = book.Withdraw(anns.Id, new Actor("ann", IsStaff: false));
        var staff = book.Withdraw(bobs.Id, new Actor("staff01", IsStaff: true));
        var gone = book.Withdraw(anns.Id, new Actor("ann", IsStaff: false));
        var wrongList = book.LeaveWaitlist(bobs.Id, new Actor("staff01", IsStaff: true));
        var left = book.LeaveWaitlist(entry.Id, new Actor("ann", IsStaff: false));

        Assert.Equal(ErrorKind.Forbidden, stranger.Error?.Kind);
        Assert.Equal(anns, own.Value);
        Assert.Equal(bobs, staff.Value);
        Assert.Equal("round-request-not-found", gone.Error?.Code);
        Assert.Equal("waitlist-entry-not-found", wrongList.Error?.Code);
        Assert.Equal(entry, left.Value);
        Assert.Empty(book.Requests);
        Assert.Empty(book.Waitlist);
    }

    [Fact]
    public void Closing_a_round_moves_its_unserved_to_the_waitlist_keeps_latecomers_and_opens_the_next()
    {
        var book = new RoundBook();
        var served = Submit(book, Ann);
        var unserved = Submit(book, Bob);
        var ran = book.Requests.ToList();
        var latecomer = Submit(book, Ann);

        book.Close(ran, [unserved], new Dictionary<string, double> { ["H1"] = 1, ["H2"] = 2 });

        Assert.Equal(2, book.Round);
        Assert.Equal([latecomer], book.Requests);
        Assert.Equal([unserved], book.Waitlist);
        Assert.DoesNotContain(served, book.Waitlist);
        Assert.Equal(2.0, book.Weights["H2"]);
        Assert.Equal("r2-4", Submit(book, Bob).Id);
    }

    [Fact]
    public void Waitlist_entries_expire_once_their_first_window_starts_and_leave_when_served()
    {
        var book = new RoundBook();
        var soon = book.JoinWaitlist(Ann, new RoundAsk([Hours(3, 4), Hours(1, 2)], SpaceKind.Standard, null, null), Rounds, Policy, Now).Value!;
        var later = book.JoinWaitlist(Bob, Ask(5, 6), Rounds, Policy, Now).Value!;
        var servedLater = book.JoinWaitlist(Ann, Ask(7, 8), Rounds, Policy, Now).Value!;

        Assert.Equal(0, book.ExpireWaitlist(Now.AddHours(0.5)));
        Assert.Equal(1, book.ExpireWaitlist(Now.AddHours(1)));
        Assert.True(book.Served(servedLater));
        Assert.False(book.Served(soon));
        Assert.Equal([later], book.Waitlist);
    }

    [Theory]
    [InlineData(9, 10, 0)]
    [InlineData(9, 9, 1)]
    [InlineData(9, 8, 1)]
    public void The_daily_run_is_the_next_local_time_of_day(int nowHour, int dailyHour, int daysAhead)
    {
        var china = TimeSpan.FromHours(8);
        var now = new DateTimeOffset(2026, 11, 23, nowHour, 0, 0, china).ToUniversalTime();
        var policy = new RoundPolicy { DailyAt = new TimeOnly(dailyHour, 0) };

        Assert.Equal(new DateTimeOffset(2026, 11, 23 + daysAhead, dailyHour, 0, 0, china), policy.NextRun(now, china));
        Assert.Null(new RoundPolicy().NextRun(now, china));
    }
}
