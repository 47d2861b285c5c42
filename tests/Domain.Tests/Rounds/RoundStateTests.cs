using Parking.Domain.Layout;
using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Xunit;
using static Parking.Domain.Tests.SpaceCalendarTests;

namespace Parking.Domain.Tests.Rounds;

/// <summary>A round that ran closes its book from its own report: the unbooked wait, the weights move on, the report is the last.</summary>
public class RoundStateTests
{
    private static readonly SharingMetrics NoFigures = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);

    [Fact]
    public void A_run_waitlists_exactly_what_its_report_says_was_not_booked_and_keeps_the_report()
    {
        var state = new RoundState();
        var ask = new RoundAsk([Hours(2, 4)], SpaceKind.Standard, null, null);
        var served = state.Book.Submit(new RoundAsker("ann", "H1", "B1"), ask, null, new RoundPolicy(), Policy, Now).Value!;
        var waiting = state.Book.Submit(new RoundAsker("bob", "H2", "B1"), ask, null, new RoundPolicy(), Policy, Now).Value!;
        var report = new RoundReport("c1", 1, Now, "staff1", RoundSolveStatus.Optimal, NoFigures, 1, 2, TimeSpan.Zero,
        [
            new RoundRequestResult(served, RoundRequestStatus.Served, "S1", "L1", 30, ["res1"], null),
            new RoundRequestResult(waiting, RoundRequestStatus.Waitlisted, null, null, 0, [], "no-space"),
        ]);

        state.Ran(report, [served, waiting], new Dictionary<string, double> { ["H1"] = 0.5 });

        Assert.Equal([waiting], state.Book.Waitlist);
        Assert.Empty(state.Book.Requests);
        Assert.Equal(2, state.Book.Round);
        Assert.Equal(0.5, state.Book.Weights["H1"]);
        Assert.Same(report, state.Last);
    }
}
