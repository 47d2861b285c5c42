using Parking.Domain.Layout;
using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Xunit;
using static Parking.Domain.Tests.SpaceCalendarTests;

namespace Parking.Domain.Tests.Rounds;

/// <summary>Each request of a round ends served or waiting with its reason; the report counts as booked only the served.</summary>
public class RoundResultTests
{
    private static readonly SharingMetrics NoFigures = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);

    [Fact]
    public void A_request_is_served_on_its_space_or_waits_with_the_reason_and_the_report_counts_the_served()
    {
        var book = new RoundBook();
        var ask = new RoundAsk([Hours(2, 4)], SpaceKind.Standard, null, null);
        var a = book.Submit(new RoundAsker("ann", "H1", "B1"), ask, null, new RoundPolicy(), Policy, Now).Value!;
        var b = book.Submit(new RoundAsker("bob", "H2", "B1"), ask, null, new RoundPolicy(), Policy, Now).Value!;
        var c = book.Submit(new RoundAsker("cai", "H3", "B1"), ask, null, new RoundPolicy(), Policy, Now).Value!;

        var served = RoundRequestResult.Served(a, "S1", "L1", 30, ["res1"]);
        var none = RoundRequestResult.NoSpace(b);
        var raced = RoundRequestResult.Refused(c, DomainError.Conflict("space-taken", "taken"));
        var report = RoundReport.Of("c1", 1, Now, "staff1", RoundSolveStatus.Optimal, NoFigures, 2, TimeSpan.Zero, [served, none, raced]);

        Assert.Equal((RoundRequestStatus.Served, "S1", "L1", 30, (string?)null), (served.Status, served.SpaceId, served.LotId, served.WalkMeters, served.Reason));
        Assert.Equal((RoundRequestStatus.Waitlisted, (string?)null, "no-space"), (none.Status, none.SpaceId, none.Reason));
        Assert.Equal((RoundRequestStatus.Waitlisted, "space-taken"), (raced.Status, raced.Reason));
        Assert.Empty(raced.ReservationIds);
        Assert.Equal(1, report.RequestsBooked);
        Assert.Equal(3, report.Results.Count);
    }
}
